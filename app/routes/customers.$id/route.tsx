import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { StatCard, StatGrid } from "~/components/ui/StatCard";
import { requireUser } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime, formatMoney, formatNumber, formatPlainDate } from "~/format";
import { getStoreSettings } from "~/domain/store.server";
import { displayPhone, getCustomerPage, listCustomerCampaigns } from "~/domain/customers.server";
import { countryName, customerName, languageName } from "../customers.ui/display";
import { Card } from "../customers.ui/card";
import { OrdersCard, CartsCard } from "./orders";
import { TimelineCard } from "./timeline";
import { SegmentsCard } from "./segments";
import { CampaignsCard } from "./campaigns";
import { segmentVocabulary, whyCustomerIsIn } from "~/domain/segments.server";
import { namesUsedBy } from "~/components/segments/words";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const name = data ? (customerName(data.profile) ?? data.profile.externalId) : "Customer";
  return [{ title: `${name} · Customers · Segment console` }];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  if (!/^\d{1,10}$/.test(params.id ?? "")) throw new Response("No such customer.", { status: 404, statusText: "Not Found" });
  const url = new URL(request.url);
  const db = context.services.db;
  const [result, store] = await Promise.all([
    getCustomerPage(db, {
      customerId: Number(params.id),
      viewer: { id: user.id, role: user.role },
      ordersCursor: url.searchParams.get("orders"),
      historyCursor: url.searchParams.get("history"),
    }),
    getStoreSettings(db),
  ]);
  if (!result.ok && result.reason === "forbidden") {
    throw new Response("This customer is not assigned to you.", { status: 403, statusText: "Forbidden" });
  }
  if (!result.ok) throw new Response("No such customer.", { status: 404, statusText: "Not Found" });
  const { profile, orders, carts, timeline } = result.page;
  // after the access check: a manager sees the campaigns of their own customers only
  const [memberships, vocabulary, campaigns] = await Promise.all([
    whyCustomerIsIn(context.services.segments, profile.id, new Date()),
    segmentVocabulary(db),
    listCustomerCampaigns(db, { customerId: profile.id, cursor: url.searchParams.get("campaigns") }),
  ]);
  const mayOpenCampaigns = user.role === "admin" || user.role === "marketer";
  const memberOf = new Set(memberships.map((m) => m.segmentId));
  return json({
    segments: {
      memberships,
      // the picker of "Why isn't this customer in…?"
      notIn: vocabulary.segments.filter((s) => !memberOf.has(s.id)).map((s) => ({ id: s.id, name: s.name })),
      canOpen: user.role === "admin" || user.role === "marketer",
      // only the names the reasons' sentences need, not the whole vocabulary
      names: namesUsedBy(vocabulary, memberships.flatMap((m) => m.criteria)),
    },
    profile: {
      ...profile,
      phoneDisplay: displayPhone(profile.phone),
      channels: profile.channels.map((c) => (c.channel === "sms" ? { ...c, address: displayPhone(c.address) } : c)),
    },
    orders,
    carts,
    timeline,
    campaigns: {
      total: campaigns.total,
      olderCursor: campaigns.olderCursor,
      // managers cannot open campaign pages: no links to them
      canOpen: mayOpenCampaigns,
      entries: campaigns.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
    },
    store,
  });
}

export type CustomerPageData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function CustomerPage() {
  const data = useLoaderData<typeof loader>();
  const { profile: p, store } = data;
  const { t } = useTranslation("customers");
  const name = customerName(p);
  return (
    <div className="space-y-5">
      <div>
        <Link to="/customers" className="text-sm text-indigo-700 hover:underline">
          ← {t("page.back")}
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="page-title break-words" data-testid="customer-name">
              {name ?? <span className="italic text-slate-500">{t("list.noName")}</span>}
            </h1>
            <p className="mt-0.5 text-sm text-slate-500">
              {t("page.externalId")} <span className="font-mono text-slate-700">{p.externalId}</span>
              {p.group && (
                <>
                  {" · "}
                  <span className="badge bg-indigo-50 text-indigo-700">{p.group.name}</span>
                </>
              )}
            </p>
          </div>
          <ConsentBadge acceptsMarketing={p.acceptsMarketing} />
        </div>
        {p.tags.length > 0 && (
          <ul className="mt-3 flex flex-wrap gap-1.5" aria-label={t("page.tags")}>
            {p.tags.map((tag) => (
              <li key={tag.id} className="badge max-w-full [overflow-wrap:anywhere]">
                {tag.name}
              </li>
            ))}
          </ul>
        )}
      </div>

      <StatGrid>
        <StatCard label={t("page.ordersCount")} value={formatNumber(p.ordersCount, store.locale)} />
        <StatCard label={t("page.totalSpent")} value={formatMoney(p.totalSpent, store.currency, store.locale)} />
        <StatCard label={t("page.lastOrder")} value={p.lastOrderAt ? formatDateTime(p.lastOrderAt, store.locale, store.timeZone) : t("page.never")} />
        <StatCard label={t("page.registered")} value={formatDateTime(p.registeredAt, store.locale, store.timeZone)} />
      </StatGrid>

      <div className="grid gap-5 lg:grid-cols-3">
        <div className="min-w-0 space-y-5">
          <ProfileCard data={data} />
          <ChannelsCard data={data} />
          <SegmentsCard data={data} />
          <CustomFieldsCard data={data} />
          <AnswersCard data={data} />
        </div>
        <div className="min-w-0 space-y-5 lg:col-span-2">
          <OrdersCard data={data} />
          <CartsCard data={data} />
          <CampaignsCard data={data} />
          <TimelineCard data={data} />
        </div>
      </div>
    </div>
  );
}

/** A customer that is not there, or not the manager's, gets its own sentence and a way back to the list. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("customers");
  if (!isRouteErrorResponse(error) || (error.status !== 403 && error.status !== 404)) return <GeneralErrorBoundary />;
  return (
    <div className="card max-w-2xl" role="alert" data-testid="customer-error">
      <h1 className="page-title">{error.status === 403 ? t("page.forbiddenTitle") : t("page.notFoundTitle")}</h1>
      <p className="mt-2 text-slate-700">{error.status === 403 ? t("page.forbidden") : t("page.notFound")}</p>
      <Link to="/customers" className="btn-secondary mt-4">
        ← {t("page.backToList")}
      </Link>
    </div>
  );
}

function ConsentBadge({ acceptsMarketing }: { acceptsMarketing: boolean }) {
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

function ProfileCard({ data }: { data: CustomerPageData }) {
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

function ChannelsCard({ data }: { data: CustomerPageData }) {
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

function CustomFieldsCard({ data }: { data: CustomerPageData }) {
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

function AnswersCard({ data }: { data: CustomerPageData }) {
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
