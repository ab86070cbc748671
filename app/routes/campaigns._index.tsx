import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { FilterBar } from "~/components/ui/FilterBar";
import { ConfirmForm } from "~/components/ui/ConfirmSubmit";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { Notice } from "~/components/segments/parts";
import { formatNumber } from "~/format";
import { deleteCampaign, duplicateCampaign, listCampaigns } from "~/domain/campaigns.server";
import { STATUSES_OF_CAMPAIGNS } from "../../campaigns/definition";
import { CAMPAIGN_ROLES } from "./campaigns.ui/editor.server";
import { CampaignStatusBadge, ChannelChain, ScheduleText } from "./campaigns.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("campaigns")) }];

const PAGE = 25;

/** The list's filter in the query string: ?q=sale&status=draft&before=120; anything unknown is ignored. */
const ListQuery = z.object({
  q: z.string().max(200).catch(""),
  status: z.enum(STATUSES_OF_CAMPAIGNS).optional().catch(undefined),
  before: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  const db = context.services.db;
  const params = new URL(request.url).searchParams;
  const filter = ListQuery.parse({ q: params.get("q") ?? "", status: params.get("status") ?? undefined, before: params.get("before") ?? undefined });
  const [page, store] = await Promise.all([listCampaigns(db, { search: filter.q, status: filter.status, before: filter.before, limit: PAGE }), getStoreForReader(request, context)]);
  return json({
    store: { locale: store.locale, timeZone: store.timeZone },
    filter: { q: filter.q, status: filter.status ?? "" },
    isFirstPage: filter.before === undefined,
    nextBefore: page.nextBefore,
    campaigns: page.campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      channels: c.channels,
      include: c.segments.filter((s) => c.includeSegmentIds.includes(s.id)).map((s) => s.name),
      exclude: c.segments.filter((s) => c.excludeSegmentIds.includes(s.id)).map((s) => s.name),
      schedule: { kind: c.schedule.kind, timeZoneMode: c.schedule.timeZoneMode, sendAt: c.schedule.sendAt?.toISOString() ?? null, localSendAt: c.schedule.localSendAt },
      startedAt: c.startedAt?.toISOString() ?? null,
      recipients: c.recipients,
    })),
  });
}

const ListAction = z.object({ intent: z.enum(["delete", "duplicate"]), campaignId: z.coerce.number().int().positive().max(2_147_483_647) });

interface ListAnswer {
  deleted?: string;
  refused?: string;
  notFound?: boolean;
  badRequest?: boolean;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ...CAMPAIGN_ROLES);
  const form = await readForm(request, context);
  const parsed = ListAction.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json<ListAnswer>({ badRequest: true }, { status: 400 });
  const actor = { userId: user.id, ip: context.clientIp };
  const db = context.services.db;
  if (parsed.data.intent === "duplicate") {
    const copy = await duplicateCampaign(db, parsed.data.campaignId, actor, new Date());
    if (copy.ok) return redirect(`/campaigns/${copy.campaign.id}/edit`);
    if (copy.kind === "not_found") return json<ListAnswer>({ notFound: true }, { status: 404 });
    return json<ListAnswer>({ refused: copy.kind === "invalid" ? copy.errors.map((e) => `${e.field} ${e.reason}`).join("; ") : copy.reason }, { status: 409 });
  }
  const out = await deleteCampaign(db, parsed.data.campaignId, actor, new Date());
  if (out.ok) return json<ListAnswer>({ deleted: out.name });
  if (out.kind === "not_found") return json<ListAnswer>({ notFound: true }, { status: 404 });
  return json<ListAnswer>({ refused: out.kind === "refused" ? out.reason : "" }, { status: 409 });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = LoaderData["campaigns"][number];

export default function CampaignList() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("campaigns");
  const [params] = useSearchParams();
  const filtered = Boolean(data.filter.q || data.filter.status);
  // deleted here (the action's answer) or on the campaign's own page (it redirects here)
  const deletedName = answer?.deleted ?? params.get("deleted");
  const nextLink = () => {
    const next = new URLSearchParams(params);
    next.set("before", String(data.nextBefore));
    return `/campaigns?${next.toString()}`;
  };
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="page-title">{t("list.title")}</h1>
          <p className="text-sm text-slate-500">{t("list.subtitle")}</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link to="/outbox" className="btn-secondary">
            {t("list.outbox")}
          </Link>
          <Link to="/campaigns/new" className="btn" data-testid="new-campaign">
            + {t("list.new")}
          </Link>
        </div>
      </div>

      {deletedName && <Notice tone="success">{t("list.deleted", { name: deletedName })}</Notice>}
      {answer?.notFound && <Notice tone="error">{t("list.notFound")}</Notice>}
      {answer?.refused && (
        <Notice tone="error" testId="list-refused">
          {answer.refused}
        </Notice>
      )}

      <FilterBar
        testId="campaigns-filter"
        search={{ label: t("list.search"), placeholder: t("list.searchPlaceholder"), value: data.filter.q }}
        choices={[{ name: "status", label: t("list.status"), value: data.filter.status, anyLabel: t("list.anyStatus"), options: STATUSES_OF_CAMPAIGNS.map((s) => ({ value: s, label: t(`statuses.${s}`) })) }]}
        submitLabel={t("list.filter")}
      />

      <div className="card overflow-hidden p-0">
        <DataTable
          testId="campaigns-table"
          rows={data.campaigns}
          rowKey={(c) => c.id}
          rowProps={(c) => ({ "data-testid": `campaign-row-${c.id}` })}
          empty={
            <div className="px-6 py-12 text-center" data-testid="campaigns-empty">
              <p className="text-sm text-slate-600">{filtered ? t("list.noMatch") : t("list.empty")}</p>
              {filtered ? (
                <Link to="/campaigns" className="btn-secondary mt-3">
                  {t("list.clearFilter")}
                </Link>
              ) : (
                <Link to="/campaigns/new" className="btn mt-3">
                  + {t("list.new")}
                </Link>
              )}
            </div>
          }
          columns={columns(t, data.store)}
        />
        {(data.nextBefore !== null || !data.isFirstPage) && (
          <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-3" aria-label={t("list.paging")}>
            {!data.isFirstPage ? (
              <Link to={`/campaigns${filtered ? `?${new URLSearchParams({ q: data.filter.q, status: data.filter.status }).toString()}` : ""}`} className="btn-secondary">
                ← {t("list.firstPage")}
              </Link>
            ) : (
              <span />
            )}
            {data.nextBefore !== null && (
              <Link to={nextLink()} className="btn-secondary" rel="next">
                {t("list.nextPage")} →
              </Link>
            )}
          </nav>
        )}
      </div>
    </div>
  );
}

function columns(t: TFunction<"campaigns">, store: { locale: string; timeZone: string }): Array<Column<Row>> {
  return [
    {
      key: "name",
      header: t("list.name"),
      primary: true,
      className: "md:min-w-[12rem]",
      cell: (c) => (
        <Link to={`/campaigns/${c.id}`} className="break-words font-medium text-indigo-700 hover:underline">
          {c.name}
        </Link>
      ),
    },
    { key: "channels", header: t("list.channels"), cell: (c) => <ChannelChain channels={c.channels} /> },
    { key: "status", header: t("list.status"), cell: (c) => <CampaignStatusBadge status={c.status} /> },
    {
      key: "audience",
      header: t("list.audience"),
      className: "text-sm md:max-w-[16rem]",
      cell: (c) => (
        <span className="break-words">
          {c.include.join(", ")}
          {c.exclude.length > 0 && <span className="text-slate-500"> {t("list.except", { names: c.exclude.join(", ") })}</span>}
        </span>
      ),
    },
    { key: "when", header: t("list.when"), className: "text-sm", cell: (c) => <ScheduleText c={c} store={store} /> },
    {
      key: "sent",
      header: t("list.sentOfTotal"),
      align: "right",
      className: "whitespace-nowrap tabular-nums",
      cell: (c) => (c.recipients.total ? `${formatNumber(c.recipients.sent, store.locale)} / ${formatNumber(c.recipients.total, store.locale)}` : <span className="text-slate-400">—</span>),
    },
    {
      key: "actions",
      header: t("list.actions"),
      srOnlyHeader: true,
      align: "right",
      className: "whitespace-nowrap",
      cell: (c) => (
        <div className="flex flex-wrap items-center justify-end gap-2">
          {(c.status === "draft" || (c.status === "scheduled" && !c.startedAt)) && (
            <Link to={`/campaigns/${c.id}/edit`} className="btn-secondary" aria-label={t("list.editNamed", { name: c.name })}>
              {t("list.edit")}
            </Link>
          )}
          <Form method="post">
            <AuthenticityTokenInput />
            <input type="hidden" name="campaignId" value={c.id} />
            <button type="submit" name="intent" value="duplicate" className="btn-secondary" aria-label={t("list.duplicateNamed", { name: c.name })} data-testid={`duplicate-${c.id}`}>
              {t("list.duplicate")}
            </button>
          </Form>
          {c.status === "draft" && (
            <ConfirmForm
              fields={{ campaignId: c.id }}
              label={t("list.delete")}
              question={t("list.deleteQuestion", { name: c.name })}
              confirmLabel={t("list.deleteConfirm")}
              danger
              name="intent"
              value="delete"
            />
          )}
        </div>
      ),
    },
  ];
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
