// Small pieces the campaign and outbox pages share: status badges, the channel chain, the SMS
// counter and the variables reference of the template editors.
import { smsParts } from "../../../campaigns/templates/limits";
import { useTranslation } from "react-i18next";
import type { CampaignStatus, DeliveryStatus } from "../../../models/campaign-models";
import { formatDateTime } from "~/format";

const CAMPAIGN_STATUS_STYLE: Record<CampaignStatus, string> = {
  draft: "bg-slate-100 text-slate-700",
  scheduled: "bg-sky-50 text-sky-700 ring-1 ring-inset ring-sky-200",
  sending: "bg-indigo-50 text-indigo-700 ring-1 ring-inset ring-indigo-200",
  paused: "bg-amber-50 text-amber-800 ring-1 ring-inset ring-amber-200",
  finished: "bg-emerald-50 text-emerald-700 ring-1 ring-inset ring-emerald-200",
  cancelled: "bg-rose-50 text-rose-700 ring-1 ring-inset ring-rose-200",
};

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  const { t } = useTranslation("campaigns");
  return (
    <span className={`badge whitespace-nowrap ${CAMPAIGN_STATUS_STYLE[status]}`} data-testid="campaign-status">
      {t(`statuses.${status}`)}
    </span>
  );
}

const DELIVERY_STATUS_STYLE: Record<DeliveryStatus, string> = {
  queued: "bg-slate-100 text-slate-700",
  in_flight: "bg-indigo-50 text-indigo-700",
  sent: "bg-sky-50 text-sky-700",
  delivered: "bg-emerald-50 text-emerald-700",
  read: "bg-emerald-100 text-emerald-800",
  failed: "bg-rose-50 text-rose-700",
  skipped: "bg-amber-50 text-amber-800",
  unknown: "bg-fuchsia-50 text-fuchsia-800",
  cancelled: "bg-slate-100 text-slate-500",
};

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation("campaigns");
  return <span className={`badge whitespace-nowrap ${DELIVERY_STATUS_STYLE[status]}`}>{t(`deliveryStatuses.${status}`)}</span>;
}

/** The fallback chain as it reads: "Viber → SMS". */
export function ChannelChain({ channels }: { channels: readonly string[] }) {
  const { t } = useTranslation("campaigns");
  return (
    <span className="inline-flex flex-wrap items-center gap-1" data-testid="channel-chain">
      {channels.map((c, i) => (
        <span key={c} className="inline-flex items-center gap-1">
          {i > 0 && (
            <span aria-hidden="true" className="text-slate-400">
              →
            </span>
          )}
          <span className="badge">{t(`channels.${c}`, { defaultValue: c })}</span>
        </span>
      ))}
    </span>
  );
}

/**
 * Characters, encoding (GSM-7, or UCS-2 once one character is outside the GSM alphabet) and parts of
 * an SMS as typed, counted by the same function the server checks with. Liquid variables are counted
 * as written: the customer's own values change the count when the message is rendered.
 */
export function SmsCounter({ text, id }: { text: string; id?: string }) {
  const { t } = useTranslation("campaigns");
  const parts = smsParts(text);
  return (
    <p className="mt-1 text-xs text-slate-500" id={id} aria-live="polite" data-testid="sms-counter">
      {t("editor.smsCharacters", { count: parts.characters })} · {parts.encoding} · {t("editor.smsParts", { count: parts.parts })}
    </p>
  );
}

/** The variables a template may use, or where that list will appear. */
export function VariablesReference({ variables }: { variables: Array<{ name: string; key: string; example?: string }> | null }) {
  const { t } = useTranslation("campaigns");
  return (
    <details className="card text-sm" data-testid="variables-reference">
      <summary className="cursor-pointer font-medium text-slate-900">{t("editor.variablesTitle")}</summary>
      {variables === null ? (
        <p className="mt-2 text-slate-500">{t("editor.variablesLater")}</p>
      ) : (
        <dl className="mt-2 space-y-2">
          {variables.map((v) => (
            <div key={v.name}>
              <dt className="break-all font-mono text-xs text-indigo-700">{`{{ ${v.name} }}`}</dt>
              <dd className="text-slate-600">
                {/* the texts show Liquid as written: {{ }} here is not the catalogue's own */}
                {t(`variables.${v.key}`, { interpolation: { prefix: "⟦", suffix: "⟧" } })}
                {v.example && (
                  <span className="text-slate-400" translate="no">
                    {" "}
                    · {v.example}
                  </span>
                )}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </details>
  );
}

export interface ScheduleShown {
  schedule: { kind: "now" | "at"; timeZoneMode: "store" | "customer"; sendAt: string | null; localSendAt: string | null };
  startedAt: string | null;
}

/** When it goes, or went: started at, scheduled for (the store's time or each customer's), or when started. */
export function ScheduleText({ c, store }: { c: ScheduleShown; store: { locale: string; timeZone: string } }) {
  const { t } = useTranslation("campaigns");
  if (c.startedAt) return <>{t("list.startedAt", { at: formatDateTime(c.startedAt, store.locale, store.timeZone) })}</>;
  if (c.schedule.kind === "now") return <span className="text-slate-500">{t("list.onStart")}</span>;
  if (c.schedule.timeZoneMode === "customer") return <>{t("list.atCustomerTime", { at: c.schedule.localSendAt?.replace("T", " ") ?? "" })}</>;
  return <>{t("list.at", { at: formatDateTime(c.schedule.sendAt, store.locale, store.timeZone) })}</>;
}
