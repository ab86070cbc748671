import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useRevalidator, useSearchParams, useSubmit } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { DataTable } from "~/components/ui/DataTable";
import { StatCard, StatGrid } from "~/components/ui/StatCard";
import { ConfirmForm } from "~/components/ui/ConfirmSubmit";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { Notice } from "~/components/segments/parts";
import { formatAmount, formatDateTime, formatEventCustomer, formatNumber } from "~/format";
import { deleteCampaign, deliveryCounts, deliveryTimeline, duplicateCampaign, editRefusal, getCampaign, getMarketingSettings, listRecipients } from "~/domain/campaigns.server";
import { CAMPAIGN_CHANNELS, STATUSES_OF_DELIVERIES } from "../../campaigns/definition";
import type { CampaignStatus, DeliveryStatus } from "../../models/campaign-models";
import { CAMPAIGN_ROLES, campaignIdParam } from "./campaigns.ui/editor.server";
import { controlCampaign, type ReachView } from "./campaigns.ui/domain.server";
import { CONTROL_ACTIONS, type ControlAction } from "./campaigns.ui/controls";
import { CampaignStatusBadge, ChannelChain, DeliveryStatusBadge, ScheduleText } from "./campaigns.ui/parts";
import { ReportChart } from "./campaigns.ui/report-chart";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.campaign.name ?? titled("campaign"), titled("campaigns")) }];

const RECIPIENTS_PAGE = 25;
/** How often the progress panel asks while the campaign may move. */
const PROGRESS_POLL_MS = 2000;
const MOVING: CampaignStatus[] = ["scheduled", "sending", "paused"];

const RecipientsQuery = z.object({
  status: z.enum(STATUSES_OF_DELIVERIES).optional().catch(undefined),
  after: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  const id = campaignIdParam(params.id);
  const { services } = context;
  const db = services.db;
  const campaign = await getCampaign(db, id);
  if (!campaign) throw new Response("No such campaign.", { status: 404, statusText: "Not Found" });
  const url = new URL(request.url);
  const query = RecipientsQuery.parse({ status: url.searchParams.get("status") ?? undefined, after: url.searchParams.get("after") ?? undefined });
  const [store, marketing, counts, recipients] = await Promise.all([
    getStoreForReader(request, context),
    getMarketingSettings(db),
    deliveryCounts(db, id),
    listRecipients(db, id, { status: query.status, after: query.after, limit: RECIPIENTS_PAGE }),
  ]);
  // nothing was sent before the start: a draft or scheduled campaign spares the report's reads
  const timeline = campaign.startedAt ? await deliveryTimeline(db, id, store.timeZone) : null;
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return json({
    store: { locale: store.locale, timeZone: store.timeZone, currency: store.currency },
    storeQuietHours: marketing.quietHoursStart && marketing.quietHoursEnd ? { start: marketing.quietHoursStart, end: marketing.quietHoursEnd } : null,
    campaign: {
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      isEditable: editRefusal(campaign) === null,
      channels: campaign.channels,
      include: campaign.segments.filter((s) => campaign.includeSegmentIds.includes(s.id)),
      exclude: campaign.segments.filter((s) => campaign.excludeSegmentIds.includes(s.id)),
      schedule: { ...campaign.schedule, sendAt: iso(campaign.schedule.sendAt) },
      quietHours: campaign.quietHours,
      templates: CAMPAIGN_CHANNELS.filter((c) => campaign.templates[c]).map((channel) => ({ channel, ...campaign.templates[channel]! })),
      createdAt: campaign.createdAt.toISOString(),
      updatedAt: campaign.updatedAt.toISOString(),
      startedAt: iso(campaign.startedAt),
      finishedAt: iso(campaign.finishedAt),
      pausedAt: iso(campaign.pausedAt),
      cancelledAt: iso(campaign.cancelledAt),
    },
    counts,
    timeline: timeline && { ...timeline, buckets: timeline.buckets.map((b) => ({ ...b, start: b.start.toISOString() })) },
    recipients: {
      status: query.status ?? "",
      isFirstPage: query.after === undefined,
      nextAfter: recipients.nextAfter,
      rows: recipients.recipients.map((r) => ({ ...r, dueAt: r.dueAt.toISOString(), sentAt: iso(r.sentAt), deliveredAt: iso(r.deliveredAt), failedAt: iso(r.failedAt), readAt: iso(r.readAt) })),
    },
  });
}

const PageAction = z.object({ intent: z.enum([...CONTROL_ACTIONS, "duplicate", "delete"]) });

interface PageAnswer {
  control?: { action: ControlAction; ok: boolean; status?: CampaignStatus; reason?: string };
  refused?: string;
  badRequest?: boolean;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ...CAMPAIGN_ROLES);
  const id = campaignIdParam(params.id);
  const form = await readForm(request, context);
  const parsed = PageAction.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json<PageAnswer>({ badRequest: true }, { status: 400 });
  const { services } = context;
  const now = new Date();
  const actor = { userId: user.id, ip: context.clientIp };
  const { intent } = parsed.data;
  if (intent === "duplicate") {
    const copy = await duplicateCampaign(services.db, id, actor, now);
    if (copy.ok) return redirect(`/campaigns/${copy.campaign.id}/edit`);
    if (copy.kind === "not_found") throw new Response("No such campaign.", { status: 404, statusText: "Not Found" });
    return json<PageAnswer>({ refused: copy.kind === "invalid" ? copy.errors.map((e) => `${e.field} ${e.reason}`).join("; ") : copy.reason }, { status: 409 });
  }
  if (intent === "delete") {
    const out = await deleteCampaign(services.db, id, actor, now);
    if (out.ok) return redirect(`/campaigns?deleted=${encodeURIComponent(out.name)}`);
    if (out.kind === "not_found") throw new Response("No such campaign.", { status: 404, statusText: "Not Found" });
    return json<PageAnswer>({ refused: out.kind === "refused" ? out.reason : "" }, { status: 409 });
  }
  if (!(await getCampaign(services.db, id))) throw new Response("No such campaign.", { status: 404, statusText: "Not Found" });
  const outcome = await controlCampaign(services, intent, id, now);
  return json<PageAnswer>({ control: { action: intent, ...outcome } }, { status: outcome.ok ? 200 : 409 });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function CampaignPage() {
  const data = useLoaderData<typeof loader>();
  const { campaign: c } = data;
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("campaigns");
  const [params] = useSearchParams();
  return (
    <div className="space-y-5">
      <div>
        <Link to="/campaigns" className="text-sm text-indigo-700 hover:underline">
          ← {t("page.back")}
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="page-title break-words" data-testid="campaign-name">
              {c.name}
            </h1>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-sm">
              <CampaignStatusBadge status={c.status} />
              <ChannelChain channels={c.channels} />
            </div>
          </div>
          <div className="flex flex-wrap gap-2">
            <Form method="post">
              <AuthenticityTokenInput />
              <button type="submit" name="intent" value="duplicate" className="btn-secondary" data-testid="duplicate-campaign">
                {t("page.duplicate")}
              </button>
            </Form>
            {c.status === "draft" && (
              <ConfirmForm fields={{}} label={t("page.delete")} question={t("list.deleteQuestion", { name: c.name })} confirmLabel={t("list.deleteConfirm")} danger name="intent" value="delete" />
            )}
            {c.isEditable && (
              <Link to={`/campaigns/${c.id}/edit`} className="btn" data-testid="edit-campaign">
                {t("page.edit")}
              </Link>
            )}
          </div>
        </div>
      </div>

      {params.get("saved") && !answer && <Notice tone="success">{t("page.saved")}</Notice>}
      {answer?.control && (
        <Notice tone={answer.control.ok ? "success" : "warning"} testId="control-result">
          {answer.control.ok ? t(`page.done.${answer.control.action}`, { status: t(`statuses.${answer.control.status}`) }) : answer.control.reason}
        </Notice>
      )}
      {answer?.refused && <Notice tone="error">{answer.refused}</Notice>}

      <ControlPanel data={data} />
      <ProgressPanel data={data} />
      {data.timeline && <ReportChart timeline={data.timeline} locale={data.store.locale} />}
      <div className="grid gap-5 xl:grid-cols-2">
        <SummaryCard data={data} />
        <ReachCard data={data} />
      </div>
      <TemplatesCard data={data} />
      <RecipientsCard data={data} />
    </div>
  );
}

/** The buttons of what may happen next, by state; each asks first. */
function ControlPanel({ data }: { data: LoaderData }) {
  const { campaign: c, counts } = data;
  const { t } = useTranslation("campaigns");
  const actions: ControlAction[] =
    c.status === "draft"
      ? ["start"]
      : c.status === "scheduled"
        ? ["cancel"]
        : c.status === "sending"
          ? ["pause", "cancel"]
          : c.status === "paused"
            ? ["resume", "cancel"]
            : c.status === "finished"
              ? ["resendNotReached", ...(counts.byStatus.unknown > 0 ? (["resendUnknown"] as const) : [])]
              : [];
  if (actions.length === 0) return null;
  const labelOf = (a: ControlAction) => (a === "start" ? t(c.schedule.kind === "at" ? "page.actions.schedule" : "page.actions.sendNow") : t(`page.actions.${a}`));
  const questionOf = (a: ControlAction) =>
    a === "start"
      ? c.schedule.kind === "at"
        ? t("page.questions.schedule", { name: c.name })
        : t("page.questions.sendNow", { name: c.name })
      : t(`page.questions.${a}`, { name: c.name, count: counts.byStatus.unknown });
  return (
    <section className="card flex flex-wrap items-center justify-between gap-3" data-testid="campaign-controls">
      <p className="min-w-0 text-sm text-slate-600">{t(`page.next.${c.status}`)}</p>
      <div className="flex flex-wrap gap-2">
        {actions.map((a) => (
          <ConfirmForm key={a} fields={{}} label={labelOf(a)} question={questionOf(a)} confirmLabel={labelOf(a)} danger={a === "cancel"} name="intent" value={a} />
        ))}
      </div>
    </section>
  );
}

/** Live counts by delivery status: polls the progress route while the campaign may still move. */
function ProgressPanel({ data }: { data: LoaderData }) {
  const { campaign: c, store } = data;
  const { t } = useTranslation("campaigns");
  const fetcher = useFetcher<{ status: CampaignStatus; counts: LoaderData["counts"] }>();
  const revalidator = useRevalidator();
  const status = fetcher.data?.status ?? c.status;
  const counts = fetcher.data?.counts ?? data.counts;
  const isMoving = MOVING.includes(status);
  const { load } = fetcher;
  useEffect(() => {
    if (!isMoving) return;
    const timer = setInterval(() => load(`/campaigns/${c.id}/progress`), PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [c.id, isMoving, load]);
  // the state changed under the page (started, finished): its buttons and summary follow
  useEffect(() => {
    if (fetcher.data && fetcher.data.status !== c.status && revalidator.state === "idle") revalidator.revalidate();
  }, [fetcher.data, c.status, revalidator]);
  const n = (v: number) => formatNumber(v, store.locale);
  const sent = counts.byStatus.sent + counts.byStatus.delivered + counts.byStatus.read;
  const settled = counts.total - counts.byStatus.queued - counts.byStatus.in_flight;
  const percent = counts.total ? Math.round((settled / counts.total) * 100) : 0;
  const shown: Array<[DeliveryStatus | "sentAll", number]> = [
    ["queued", counts.byStatus.queued],
    ["in_flight", counts.byStatus.in_flight],
    ["sentAll", sent],
    ["delivered", counts.byStatus.delivered + counts.byStatus.read],
    ["failed", counts.byStatus.failed],
    ["skipped", counts.byStatus.skipped],
    ["unknown", counts.byStatus.unknown],
    ["cancelled", counts.byStatus.cancelled],
  ];
  return (
    <section className="space-y-3" data-testid="progress" aria-live="polite">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-900">{t("page.progress")}</h2>
        <span className="text-xs text-slate-500" data-testid="progress-total">
          {counts.total ? t("page.settled", { settled: n(settled), total: n(counts.total), percent }) : t("page.noDeliveries")}
        </span>
      </div>
      <div className="h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={t("page.progress")}>
        <div className="h-full bg-indigo-500 transition-all" style={{ width: `${percent}%` }} />
      </div>
      <StatGrid>
        {shown.map(([key, value]) => (
          <StatCard key={key} label={key === "sentAll" ? t("page.sentAll") : t(`deliveryStatuses.${key}`)} value={n(value)} testId={`progress-${key}`} />
        ))}
      </StatGrid>
      {counts.byStatus.skipped > 0 && (
        <p className="text-xs text-slate-500" data-testid="skipped-reasons">
          {t("page.skippedBecause")}{" "}
          {Object.entries(counts.skipped)
            .filter(([, v]) => v > 0)
            .map(([reason, v]) => `${t(`skipReasons.${reason}`)} ${n(v)}`)
            .join(" · ")}
        </p>
      )}
    </section>
  );
}

function SummaryCard({ data }: { data: LoaderData }) {
  const { campaign: c, store, storeQuietHours } = data;
  const { t } = useTranslation("campaigns");
  const at = (v: string | null) => formatDateTime(v, store.locale, store.timeZone);
  const segmentLinks = (list: typeof c.include) =>
    list.map((s, i) => (
      <span key={s.id}>
        {i > 0 && ", "}
        {s.isDeleted ? (
          <span className="text-slate-500 line-through">{s.name}</span>
        ) : (
          <Link to={`/segments/${s.id}`} className="text-indigo-700 hover:underline">
            {s.name}
          </Link>
        )}
      </span>
    ));
  const rows: Array<[string, React.ReactNode]> = [
    [t("page.channels"), <ChannelChain key="c" channels={c.channels} />],
    [t("page.audience"), segmentLinks(c.include)],
    [t("page.excluded"), c.exclude.length ? segmentLinks(c.exclude) : "—"],
    [t("page.schedule"), <ScheduleText key="s" c={c} store={store} />],
    [t("page.quietHours"), c.quietHours ? t("page.quietOwn", c.quietHours) : storeQuietHours ? t("page.quietStore", storeQuietHours) : t("page.quietNone")],
    [t("page.created"), at(c.createdAt)],
    ...(c.startedAt ? ([[t("page.started"), at(c.startedAt)]] as Array<[string, string]>) : []),
    ...(c.pausedAt && c.status === "paused" ? ([[t("page.paused"), at(c.pausedAt)]] as Array<[string, string]>) : []),
    ...(c.finishedAt ? ([[t("page.finished"), at(c.finishedAt)]] as Array<[string, string]>) : []),
    ...(c.cancelledAt ? ([[t("page.cancelled"), at(c.cancelledAt)]] as Array<[string, string]>) : []),
  ];
  return (
    <section className="card" data-testid="campaign-summary">
      <h2 className="text-sm font-semibold text-slate-900">{t("page.summary")}</h2>
      <dl className="mt-3 grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd className="min-w-0 break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Before it starts: how many it would reach now, loaded on its own (segments are evaluated for it). */
function ReachCard({ data }: { data: LoaderData }) {
  const { store, campaign: c } = data;
  const { t } = useTranslation("campaigns");
  const fetcher = useFetcher<{ status: CampaignStatus; reach: ReachView | null }>();
  const { load } = fetcher;
  const counts = c.status === "draft" || c.status === "scheduled";
  useEffect(() => {
    if (counts) load(`/campaigns/${c.id}/reach`);
  }, [c.id, c.updatedAt, counts, load]);
  if (!counts) return null;
  const n = (v: number) => formatNumber(v, store.locale);
  const reach = fetcher.data?.reach;
  return (
    <section className="card" data-testid="reach" aria-busy={fetcher.state !== "idle"}>
      <h2 className="text-sm font-semibold text-slate-900">{t("page.reach")}</h2>
      {reach === undefined ? (
        <p className="mt-2 text-sm text-slate-500" data-testid="reach-counting">
          {t("page.reachCounting")}
        </p>
      ) : reach === null ? (
        <p className="mt-2 text-sm text-slate-500" data-testid="reach-later">
          {t("page.reachLater")}
        </p>
      ) : (
        <div className="mt-2 space-y-2 text-sm">
          <p data-testid="reach-total">{t("page.reachTotal", { count: reach.total, formatted: n(reach.total) })}</p>
          <ul className="space-y-1" data-testid="reach-rows">
            {c.channels.map((channel) => (
              <li key={channel} className="flex justify-between gap-3" data-testid={`reach-${channel}`}>
                <span>{t(`channels.${channel}`)}</span>
                <span className="tabular-nums">{n(reach.byChannel[channel] ?? 0)}</span>
              </li>
            ))}
            {Object.entries(reach.skipped)
              .filter(([, v]) => v > 0)
              .map(([reason, v]) => (
                <li key={reason} className="flex justify-between gap-3 text-slate-500" data-testid={`reach-skipped-${reason}`}>
                  <span>{t(`skipReasons.${reason}`)}</span>
                  <span className="tabular-nums">{n(v)}</span>
                </li>
              ))}
          </ul>
          {reach.movedByQuietHours > 0 && <p className="text-slate-500">{t("page.reachQuiet", { count: reach.movedByQuietHours, formatted: n(reach.movedByQuietHours) })}</p>}
          {reach.sms && (
            <p className="text-slate-500" data-testid="reach-sms-parts">
              {t("page.reachSms", { count: reach.sms.parts, encoding: reach.sms.encoding })}{" "}
              {reach.sms.costMillis === null ? t("page.reachSmsNoPrice") : t("page.reachSmsCost", { cost: formatAmount(reach.sms.costMillis / 1000, store.currency, store.locale) })}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function TemplatesCard({ data }: { data: LoaderData }) {
  const { t } = useTranslation("campaigns");
  return (
    <section className="card space-y-3" data-testid="templates">
      <h2 className="text-sm font-semibold text-slate-900">{t("page.messages")}</h2>
      {data.campaign.templates.map((tpl) => (
        <details key={tpl.channel} className="rounded-md border border-slate-200 p-3 text-sm">
          <summary className="cursor-pointer font-medium">
            {t(`channels.${tpl.channel}`)}
            {"subject" in tpl && tpl.subject && <span className="ml-2 break-words font-normal text-slate-600">{tpl.subject}</span>}
          </summary>
          {"htmlBody" in tpl && tpl.htmlBody && (
            <>
              <h3 className="mt-2 text-xs font-medium uppercase text-slate-500">{t("editor.htmlBody")}</h3>
              <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-mono text-xs">{tpl.htmlBody}</pre>
            </>
          )}
          <h3 className="mt-2 text-xs font-medium uppercase text-slate-500">{tpl.channel === "email" ? t("editor.textPart") : t("editor.message")}</h3>
          <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 text-xs">{tpl.textBody || t("page.textFromHtml")}</pre>
        </details>
      ))}
    </section>
  );
}

function RecipientsCard({ data }: { data: LoaderData }) {
  const { recipients, store, campaign: c } = data;
  const { t } = useTranslation("campaigns");
  const submit = useSubmit();
  const at = (v: string | null) => formatDateTime(v, store.locale, store.timeZone);
  const query = recipients.status ? `status=${recipients.status}&` : "";
  return (
    <section className="card overflow-hidden p-0" id="recipients" data-testid="recipients">
      <div className="flex flex-wrap items-end justify-between gap-3 px-4 pt-4">
        <h2 className="text-sm font-semibold text-slate-900">{t("page.recipients")}</h2>
        <div className="flex flex-wrap items-end gap-2">
          <Form method="get" preventScrollReset onChange={(e) => submit(e.currentTarget, { replace: true, preventScrollReset: true })}>
            <label className="block">
              <span className="label text-xs">{t("page.recipientStatus")}</span>
              <select name="status" defaultValue={recipients.status} className="input mt-1" data-testid="recipients-status">
                <option value="">{t("page.anyStatus")}</option>
                {STATUSES_OF_DELIVERIES.map((s) => (
                  <option key={s} value={s}>
                    {t(`deliveryStatuses.${s}`)}
                  </option>
                ))}
              </select>
            </label>
            <noscript>
              <button type="submit" className="btn-secondary mt-1">
                {t("list.filter")}
              </button>
            </noscript>
          </Form>
          <a href={`/campaigns/${c.id}/recipients.csv${recipients.status ? `?status=${recipients.status}` : ""}`} className="btn-secondary" download data-testid="recipients-csv">
            {t("page.downloadCsv")}
          </a>
        </div>
      </div>
      {recipients.rows.length === 0 ? (
        <p className="px-4 py-8 text-center text-sm text-slate-500" data-testid="recipients-empty">
          {recipients.isFirstPage ? (c.startedAt ? t("page.noRecipients") : t("page.recipientsLater")) : t("page.noMoreRecipients")}
        </p>
      ) : (
        <div className="mt-3">
          <DataTable
            testId="recipients-table"
            rows={recipients.rows}
            rowKey={(r) => r.id}
            columns={[
              {
                key: "customer",
                header: t("page.customer"),
                primary: true,
                cell: (r) => (
                  <Link to={`/customers/${r.customerId}`} className="break-words font-medium text-indigo-700 hover:underline">
                    {formatEventCustomer(r.externalId === null ? null : { externalId: r.externalId, firstName: r.firstName, lastName: r.lastName }, r.customerId)}
                  </Link>
                ),
              },
              { key: "channel", header: t("page.channel"), cell: (r) => (r.channel ? t(`channels.${r.channel}`, { defaultValue: r.channel }) : "—") },
              { key: "address", header: t("page.address"), className: "[overflow-wrap:anywhere]", cell: (r) => r.address ?? <span className="text-slate-400">—</span> },
              {
                key: "status",
                header: t("page.status"),
                cell: (r) => (
                  <span className="inline-flex flex-wrap items-center gap-1">
                    <DeliveryStatusBadge status={r.status} />
                    {r.skipReason && <span className="text-xs text-slate-500">{t(`skipReasons.${r.skipReason}`)}</span>}
                    {r.error && <span className="break-words text-xs text-red-700">{r.error}</span>}
                  </span>
                ),
              },
              { key: "when", header: t("page.when"), className: "whitespace-nowrap text-sm", cell: (r) => at(r.readAt ?? r.deliveredAt ?? r.sentAt ?? r.failedAt ?? r.dueAt) },
            ]}
          />
        </div>
      )}
      {(recipients.nextAfter !== null || !recipients.isFirstPage) && (
        <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-3" aria-label={t("page.recipientsPaging")}>
          {!recipients.isFirstPage ? (
            <Link to={`/campaigns/${c.id}?${query}#recipients`} className="btn-secondary">
              ← {t("list.firstPage")}
            </Link>
          ) : (
            <span />
          )}
          {recipients.nextAfter !== null && (
            <Link to={`/campaigns/${c.id}?${query}after=${recipients.nextAfter}#recipients`} className="btn-secondary" rel="next" data-testid="recipients-next">
              {t("list.nextPage")} →
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
