// The customer page's cards about the customer themself: profile, channels, custom fields and
// registration answers (shared by the customer page and the task page).
import { useTranslation } from "react-i18next";
import { formatDateTime, formatNumber, formatPlainDate } from "~/format";
import { countryName, languageName } from "./display";
import { Card } from "./card";
import type { CustomerPageData } from "./page-data.server";

export function ConsentBadge({ acceptsMarketing }: { acceptsMarketing: boolean }) {
  const { t } = useTranslation("customers");
  return acceptsMarketing ? (
    <span className="badge bg-emerald-50 text-emerald-700 ring-1 ring-inset ring-emerald-200">{t("page.acceptsMarketing")}</span>
  ) : (
    <span className="badge bg-slate-100 text-slate-600 ring-1 ring-inset ring-slate-200">{t("page.noMarketing")}</span>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[8.5rem_minmax(0,1fr)] gap-2 py-1.5">
      <dt className="text-slate-500">{label}</dt>
      <dd className="break-words text-slate-900">{children ?? <span className="text-slate-400">—</span>}</dd>
    </div>
  );
}

const Missing = () => <span className="text-slate-400">—</span>;

export function ProfileCard({ data }: { data: CustomerPageData }) {
  const { profile: p, store } = data;
  const { t } = useTranslation("customers");
  const at = (v: string | null) => (v ? formatDateTime(v, store.locale, store.timeZone) : <Missing />);
  return (
    <Card title={t("page.profile")}>
      <dl className="divide-y divide-slate-100 text-sm">
        <Row label={t("fields.firstName")}>{p.firstName || <Missing />}</Row>
        <Row label={t("fields.lastName")}>{p.lastName || <Missing />}</Row>
        <Row label={t("fields.email")}>{p.email ? <a href={`mailto:${p.email}`} className="text-indigo-700 hover:underline">{p.email}</a> : <Missing />}</Row>
        <Row label={t("fields.phone")}>{p.phoneDisplay ? <a href={`tel:${p.phone}`} className="text-indigo-700 hover:underline">{p.phoneDisplay}</a> : <Missing />}</Row>
        <Row label={t("fields.country")}>{p.country ? `${countryName(p.country, store.locale)} (${p.country})` : <Missing />}</Row>
        <Row label={t("fields.city")}>{p.city || <Missing />}</Row>
        <Row label={t("fields.birthday")}>{p.birthday ? formatPlainDate(p.birthday, store.locale) : <Missing />}</Row>
        <Row label={t("fields.locale")}>{p.locale ? languageName(p.locale, store.locale) : <Missing />}</Row>
        <Row label={t("fields.group")}>{p.group?.name ?? <Missing />}</Row>
        <Row label={t("fields.manager")}>
          {p.manager ? (
            <>
              {p.manager.name}
              <div className="text-xs text-slate-500">{p.manager.email}</div>
            </>
          ) : (
            <span className="text-slate-500">{t("fields.noManager")}</span>
          )}
        </Row>
        <Row label={t("fields.acceptsMarketing")}>{p.acceptsMarketing ? t("fields.yes") : t("fields.no")}</Row>
        <Row label={t("fields.registeredAt")}>{at(p.registeredAt)}</Row>
        <Row label={t("fields.firstInteractionAt")}>{at(p.firstInteractionAt)}</Row>
        <Row label={t("fields.lastInteractionAt")}>{at(p.lastInteractionAt)}</Row>
        <Row label={t("fields.updatedAt")}>{at(p.updatedAt)}</Row>
      </dl>
    </Card>
  );
}

export function ChannelsCard({ data }: { data: CustomerPageData }) {
  const { profile: p, store } = data;
  const { t } = useTranslation("customers");
  return (
    <Card title={t("page.channels")} testId="channels">
      <ul className="divide-y divide-slate-100 text-sm">
        {p.channels.map((c) => (
          <li key={c.channel} className="flex items-start justify-between gap-3 py-2">
            <div className="min-w-0">
              <div className="font-medium text-slate-900">{t(`channels.${c.channel}`)}</div>
              <div className="[overflow-wrap:anywhere] text-xs text-slate-500">
                {c.isKnown ? (c.address ?? t("page.noAddress")) : t("page.notOnChannel")}
              </div>
            </div>
            {c.isKnown && (
              <div className="shrink-0 text-right">
                <span className={`badge ${c.isSubscribed ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}>
                  {c.isSubscribed ? t("page.subscribed") : t("page.unsubscribed")}
                </span>
                {c.subscriptionChangedAt && (
                  <div className="mt-0.5 text-xs text-slate-500">{t("page.since", { date: formatDateTime(c.subscriptionChangedAt, store.locale, store.timeZone) })}</div>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function CustomFieldsCard({ data }: { data: CustomerPageData }) {
  const { profile: p, store } = data;
  const { t } = useTranslation("customers");
  if (p.customFields.length === 0) return null;
  const show = (f: (typeof p.customFields)[number]) => {
    if (f.value === null || f.value === "") return <Missing />;
    if (f.type === "number" && typeof f.value === "number") return formatNumber(f.value, store.locale);
    if (f.type === "date" && typeof f.value === "string") return formatPlainDate(f.value, store.locale);
    return String(f.value);
  };
  return (
    <Card title={t("page.customFields")}>
      <dl className="divide-y divide-slate-100 text-sm">
        {p.customFields.map((f) => (
          <Row key={f.key} label={f.label}>
            {show(f)}
          </Row>
        ))}
      </dl>
    </Card>
  );
}

export function AnswersCard({ data }: { data: CustomerPageData }) {
  const { profile: p } = data;
  const { t } = useTranslation("customers");
  return (
    <Card title={t("page.answers")}>
      {p.answers.length === 0 ? (
        <p className="text-sm text-slate-500">{t("page.noAnswers")}</p>
      ) : (
        <dl className="space-y-3 text-sm">
          {p.answers.map((a) => (
            <div key={a.questionId}>
              <dt className="text-slate-500">{a.question}</dt>
              <dd className="mt-1 flex flex-wrap gap-1">
                {a.options.map((o) => (
                  <span key={o} className="badge bg-sky-50 text-sky-800">
                    {o}
                  </span>
                ))}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}
