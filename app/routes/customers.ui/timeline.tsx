import { Link, useSearchParams } from "@remix-run/react";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatMoney } from "~/format";
import { Card } from "./card";
import { StatusBadge, usePageLink } from "./orders";
import type { CustomerPageData } from "./page-data.server";

type TimelineEntry = CustomerPageData["timeline"]["entries"][number];

const DOT: Record<TimelineEntry["type"], string> = {
  change: "bg-slate-400",
  order: "bg-emerald-500",
  cart: "bg-amber-500",
  registered: "bg-indigo-500",
  segment: "bg-violet-500",
};

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A change-log row in words: what changed, and the detail its fields carry. */
function describeChange(entry: Extract<TimelineEntry, { type: "change" }>, t: TFunction<"customers">): { title: string; detail: string | null } {
  const fields = (entry.fields && typeof entry.fields === "object" ? entry.fields : {}) as Record<string, unknown>;
  const title = t(`timeline.kinds.${entry.kind}`, { defaultValue: entry.kind });
  const fieldName = (name: string) =>
    name.startsWith("channels.") ? t("timeline.channelField", { channel: t(`channels.${name.slice(9)}`, { defaultValue: name.slice(9) }) }) : t(`fields.${name}`, { defaultValue: name });
  switch (entry.kind) {
    case "profile":
      return { title, detail: list(fields.changed).map(fieldName).join(", ") || null };
    case "order":
      return { title, detail: list(fields.orders).map((id) => `#${id}`).join(", ") || null };
    case "cart":
      return { title, detail: list(fields.carts).map((id) => `#${id}`).join(", ") || null };
    case "channel":
      return { title, detail: list(fields.channels).map((c) => t(`channels.${c}`, { defaultValue: c })).join(", ") || null };
    case "interaction":
      return { title, detail: list(fields.sources).length ? t("timeline.via", { sources: list(fields.sources).join(", ") }) : null };
    default:
      return { title, detail: null };
  }
}

function EntryBody({ entry, store }: { entry: TimelineEntry; store: CustomerPageData["store"] }) {
  const { t } = useTranslation("customers");
  if (entry.type === "order") {
    return (
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-medium text-slate-900">{t("timeline.orderPlaced", { id: entry.externalId })}</span>
        <span className="tabular-nums text-slate-700">{formatMoney(entry.total, entry.currency, store.locale)}</span>
        <StatusBadge status={entry.status} />
      </div>
    );
  }
  if (entry.type === "cart") {
    return (
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-medium text-slate-900">{t("timeline.cartAbandoned", { value: formatMoney(entry.value, entry.currency, store.locale) })}</span>
        {entry.recoveredAt && <span className="badge bg-emerald-50 text-emerald-700">{t("page.recoveredOn", { date: formatDateTime(entry.recoveredAt, store.locale, store.timeZone) })}</span>}
      </div>
    );
  }
  if (entry.type === "registered") return <span className="font-medium text-slate-900">{t("timeline.registered")}</span>;
  if (entry.type === "segment") {
    const name = entry.segment.isDeleted ? (
      <span className="text-slate-500">{t("timeline.deletedSegment", { name: entry.segment.name })}</span>
    ) : (
      <Link to={`/segments/${entry.segment.id}`} className="text-indigo-700 hover:underline">
        {entry.segment.name}
      </Link>
    );
    return (
      <span className="font-medium text-slate-900">
        {t(entry.kind === "left" ? "timeline.segmentLeft" : "timeline.segmentEntered")} {name}
      </span>
    );
  }
  const { title, detail } = describeChange(entry, t);
  return (
    <div>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-medium text-slate-900">{title}</span>
        <span className="badge">{t(`timeline.sources.${entry.source}`, { defaultValue: entry.source })}</span>
      </div>
      {detail && <div className="mt-0.5 break-words text-slate-600">{detail}</div>}
    </div>
  );
}

export function TimelineCard({ data }: { data: CustomerPageData }) {
  const { timeline, store } = data;
  const { t } = useTranslation("customers");
  const [params] = useSearchParams();
  const link = usePageLink();
  const isFirstPage = !params.get("history");
  return (
    <Card title={t("timeline.title")} testId="timeline">
      {timeline.entries.length === 0 ? (
        <p className="text-sm text-slate-500">{t("timeline.empty")}</p>
      ) : (
        <ol className="relative ml-1.5 border-l border-slate-200 text-sm">
          {timeline.entries.map((e) => (
            <li key={`${e.type}-${e.id}`} className="relative py-2 pl-5" data-entry-type={e.type}>
              <span aria-hidden="true" className={`absolute -left-[5px] top-3.5 h-2.5 w-2.5 rounded-full ring-2 ring-white ${DOT[e.type]}`} />
              <time dateTime={e.at} className="block text-xs text-slate-500">
                {formatDateTime(e.at, store.locale, store.timeZone)}
              </time>
              <EntryBody entry={e} store={store} />
            </li>
          ))}
        </ol>
      )}
      {(timeline.olderCursor || !isFirstPage) && (
        <div className="mt-3 flex justify-between text-sm">
          {!isFirstPage ? (
            <Link to={link("history", null)} preventScrollReset className="text-indigo-700 hover:underline">
              ← {t("timeline.newest")}
            </Link>
          ) : (
            <span />
          )}
          {timeline.olderCursor && (
            <Link to={link("history", timeline.olderCursor)} preventScrollReset className="text-indigo-700 hover:underline">
              {t("timeline.older")} →
            </Link>
          )}
        </div>
      )}
    </Card>
  );
}
