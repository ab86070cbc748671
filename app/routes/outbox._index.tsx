import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataTable } from "~/components/ui/DataTable";
import { FilterBar } from "~/components/ui/FilterBar";
import { z } from "../../models/zod";
import { withoutControlCharacters } from "../../models/ingest/text";
import { requireRole } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime } from "~/format";
import { searchOutbox } from "~/domain/campaigns.server";
import { CAMPAIGN_CHANNELS } from "../../campaigns/definition";
import { CAMPAIGN_ROLES } from "./campaigns.ui/editor.server";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("outbox")) }];

const PAGE = 50;
/** Why a message was written: a user's notification, a campaign message, a template's test send, an automation's message. */
const PURPOSES = ["campaign", "notification", "test", "automation"] as const;

const OutboxQuery = z.object({
  q: z.string().max(200).catch(""),
  channel: z.enum(CAMPAIGN_CHANNELS).optional().catch(undefined),
  purpose: z.enum(PURPOSES).optional().catch(undefined),
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  const db = context.services.db;
  const params = new URL(request.url).searchParams;
  const filter = OutboxQuery.parse({ q: params.get("q") ?? "", channel: params.get("channel") ?? undefined, purpose: params.get("purpose") ?? undefined, before: params.get("before") ?? undefined });
  const [page, store] = await Promise.all([
    searchOutbox(db, { search: withoutControlCharacters(filter.q), channel: filter.channel, purpose: filter.purpose, before: filter.before, limit: PAGE }),
    getStoreForReader(request, context),
  ]);
  return json({
    store: { locale: store.locale, timeZone: store.timeZone },
    filter: { q: filter.q, channel: filter.channel ?? "", purpose: filter.purpose ?? "" },
    isFirstPage: filter.before === undefined,
    olderCursor: page.olderCursor,
    messages: page.messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), sentAt: m.sentAt?.toISOString() ?? null })),
  });
}

export default function Outbox() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("campaigns");
  const [params] = useSearchParams();
  const filtered = Boolean(data.filter.q || data.filter.channel || data.filter.purpose);
  const older = () => {
    const next = new URLSearchParams(params);
    next.set("before", String(data.olderCursor));
    return `/outbox?${next.toString()}`;
  };
  const first = () => {
    const next = new URLSearchParams(params);
    next.delete("before");
    const query = next.toString();
    return query ? `/outbox?${query}` : "/outbox";
  };
  return (
    <div className="space-y-4">
      <div>
        <h1 className="page-title">{t("outbox.title")}</h1>
        <p className="text-sm text-slate-500">{t("outbox.subtitle")}</p>
      </div>
      <FilterBar
        testId="outbox-filter"
        search={{ label: t("outbox.search"), placeholder: t("outbox.searchPlaceholder"), value: data.filter.q, testId: "outbox-search" }}
        choices={[
          { name: "channel", label: t("outbox.channel"), value: data.filter.channel, anyLabel: t("outbox.anyChannel"), options: CAMPAIGN_CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) })) },
          { name: "purpose", label: t("outbox.purpose"), value: data.filter.purpose, anyLabel: t("outbox.anyPurpose"), options: PURPOSES.map((p) => ({ value: p, label: t(`outbox.purposes.${p}`) })) },
        ]}
        submitLabel={t("list.filter")}
      />
      <div className="card overflow-hidden p-0">
        <DataTable
          testId="outbox-table"
          rows={data.messages}
          rowKey={(m) => m.id}
          empty={
            <p className="px-6 py-12 text-center text-sm text-slate-600" data-testid="outbox-empty">
              {filtered ? t("outbox.noMatch") : t("outbox.empty")}
            </p>
          }
          columns={[
            {
              key: "message",
              header: t("outbox.message"),
              primary: true,
              className: "md:max-w-[24rem]",
              cell: (m) => (
                <Link to={`/outbox/${m.id}`} className="break-words font-medium text-indigo-700 hover:underline" data-testid="outbox-message-link">
                  {m.subject || m.firstLine || t("outbox.noText")}
                </Link>
              ),
            },
            { key: "channel", header: t("outbox.channel"), cell: (m) => <span className="badge whitespace-nowrap">{t(`channels.${m.channel}`, { defaultValue: m.channel })}</span> },
            { key: "recipient", header: t("outbox.recipient"), className: "[overflow-wrap:anywhere]", cell: (m) => m.recipient },
            { key: "purpose", header: t("outbox.purpose"), cell: (m) => t(`outbox.purposes.${m.purpose}`, { defaultValue: m.purpose }) },
            { key: "status", header: t("outbox.status"), cell: (m) => <span className="badge whitespace-nowrap">{t(`outbox.statuses.${m.status}`, { defaultValue: m.status })}</span> },
            { key: "time", header: t("outbox.time"), className: "whitespace-nowrap text-sm", cell: (m) => formatDateTime(m.sentAt ?? m.createdAt, data.store.locale, data.store.timeZone) },
          ]}
        />
        {(data.olderCursor !== null || !data.isFirstPage) && (
          <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-3" aria-label={t("outbox.paging")}>
            {!data.isFirstPage ? (
              <Link to={first()} className="btn-secondary">
                ← {t("list.firstPage")}
              </Link>
            ) : (
              <span />
            )}
            {data.olderCursor !== null && (
              <Link to={older()} className="btn-secondary" rel="next">
                {t("outbox.older")} →
              </Link>
            )}
          </nav>
        )}
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
