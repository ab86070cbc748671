import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
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
import { formatDateTime, formatEventCustomer, formatNumber, formatPlainDate } from "~/format";
import {
  automationReport,
  deleteAutomation,
  firingCustomers,
  getAutomation,
  listFirings,
  listSegments,
  listUsers,
  pauseAutomation,
  resumeAutomation,
  seesDetailsOf,
} from "~/domain/automations.server";
import type { FiringSkipReason, FiringStatus } from "../../models/automation-models";
import { AUTOMATION_EDITORS, AUTOMATION_READERS, automationIdParam } from "./automations.ui/editor.server";
import { ActionText, ActiveBadge, TriggerText } from "./automations.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.automation.name ?? titled("automation"), titled("automations")) }];

const FIRINGS_PAGE = 25;

const FiringsQuery = z.object({
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  // an unknown outcome in the address shows every firing rather than an error page
  status: z.enum(["pending", "claimed", "done", "skipped", "held", "cancelled"] satisfies FiringStatus[]).optional().catch(undefined),
});

/** The outcomes the "For whom" list filters by, in the order of its tabs (the model's module loads Sequelize: not in the browser). */
const OUTCOME_FILTERS = ["done", "skipped", "pending", "held", "cancelled"] as const satisfies readonly FiringStatus[];

/** The list's address with its filter and page. */
function firingsHref(id: number, status: FiringStatus | null, before: number | null): string {
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (before !== null) query.set("before", String(before));
  const text = query.toString();
  return `/automations/${id}${text ? `?${text}` : ""}#firings-title`;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ...AUTOMATION_READERS);
  const id = automationIdParam(params.id);
  const db = context.services.db;
  const automation = await getAutomation(db, id);
  if (!automation) throw new Response("No such automation.", { status: 404, statusText: "Not Found" });
  const search = new URL(request.url).searchParams;
  const { before, status } = FiringsQuery.parse({ before: search.get("before") ?? undefined, status: search.get("status") ?? undefined });
  const [store, report, firings, segments, users] = await Promise.all([getStoreForReader(request, context), automationReport(db, id), listFirings(db, id, { before, status, limit: FIRINGS_PAGE + 1 }), listSegments(db), listUsers(db)]);
  const page = firings.slice(0, FIRINGS_PAGE);
  const customers = await firingCustomers(db, page.map((f) => f.customerId));
  const viewer = { id: user.id, role: user.role };
  const segmentName = new Map(segments.map((s) => [s.id, s.name]));
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const a = automation;
  const action = a.action;
  return json({
    canEdit: (AUTOMATION_EDITORS as readonly string[]).includes(user.role),
    store: { locale: store.locale, timeZone: store.timeZone },
    automation: {
      id: a.id,
      name: a.name,
      isActive: a.isActive,
      pausedAt: a.pausedAt?.toISOString() ?? null,
      createdAt: a.createdAt.toISOString(),
      trigger: { ...a.trigger, segment: segmentName.get(a.trigger.segmentId) ?? null },
      delay: a.delay,
      cap: a.cap,
      firingHours: a.firingHours,
      action: {
        kind: action.kind,
        channels: action.kind === "message" ? action.channels : [],
        segment: "segmentId" in action ? (segmentName.get(action.segmentId) ?? null) : null,
        title: action.kind === "task" ? action.title : null,
        dueInHours: action.kind === "task" ? action.dueInHours : null,
        // the chain's messages in its order, as written (Liquid), and the task's description template
        templates: action.kind === "message" ? action.channels.map((channel) => ({ channel, ...templateText(action.templates[channel]) })) : [],
        description: action.kind === "task" ? action.description || null : null,
        user: action.kind === "notify" ? (userName.get(action.userId) ?? null) : action.kind === "task" && action.fallbackUserId ? (userName.get(action.fallbackUserId) ?? null) : null,
      },
    },
    report: {
      byStatus: report.byStatus,
      skipped: (Object.entries(report.skipped) as Array<[FiringSkipReason, number]>).filter(([, count]) => count > 0).map(([reason, count]) => ({ reason, count })),
      perDay: report.settledPerDay,
    },
    firings: {
      // another manager's customer is named, without an id or a link (docs/decisions/0015)
      rows: page.map((f) => {
        const c = customers.get(f.customerId) ?? null;
        const hasDetails = c !== null && seesDetailsOf(viewer, c);
        return {
          id: f.id,
          customer: hasDetails ? { id: c.id, name: formatEventCustomer(c, c.id) } : { id: null, name: c ? [c.firstName, c.lastName].filter(Boolean).join(" ") || "—" : "—" },
          eventKind: f.eventKind,
          eventAt: f.eventAt.toISOString(),
          status: f.status,
          skipReason: f.skipReason,
          dueAt: f.dueAt.toISOString(),
          actedAt: f.actedAt?.toISOString() ?? null,
        };
      }),
      nextBefore: firings.length > FIRINGS_PAGE ? page[page.length - 1].id : null,
      isFirstPage: before === undefined,
      status: status ?? null,
    },
  });
}

/** A channel's template as the page shows it: the subject (email) and the text as written. */
function templateText(template: { subject?: string; htmlBody?: string; textBody?: string | null } | undefined) {
  return { subject: template?.subject ?? null, body: template?.textBody || template?.htmlBody || "" };
}

const ControlForm = z.object({ intent: z.enum(["pause", "resume", "delete"]) });

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ...AUTOMATION_EDITORS);
  const id = automationIdParam(params.id);
  const form = await readForm(request, context);
  const parsed = ControlForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json({ problem: "badRequest" as const }, { status: 400 });
  const { db, jobs } = context.services;
  const actor = { userId: user.id, ip: context.clientIp };
  const now = new Date();
  if (parsed.data.intent === "delete") {
    const current = await getAutomation(db, id);
    const out = await deleteAutomation(db, id, actor, now);
    if (!out.ok || !current) throw new Response("No such automation.", { status: 404, statusText: "Not Found" });
    return redirect(`/automations?deleted=${encodeURIComponent(current.name)}`);
  }
  const out = parsed.data.intent === "pause" ? await pauseAutomation(db, id, actor, now) : await resumeAutomation(db, jobs, id, actor, now);
  if (!out.ok) throw new Response("No such automation.", { status: 404, statusText: "Not Found" });
  return json({ done: parsed.data.intent });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

const STATUS_STYLE: Record<FiringStatus, string> = {
  pending: "bg-slate-100 text-slate-700",
  claimed: "bg-indigo-50 text-indigo-700",
  done: "bg-emerald-50 text-emerald-700",
  skipped: "bg-amber-50 text-amber-800",
  held: "bg-sky-50 text-sky-700",
  cancelled: "bg-slate-100 text-slate-500",
};

export default function AutomationPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("automations");
  const a = data.automation;
  const n = (v: number) => formatNumber(v, data.store.locale);
  const waiting = data.report.byStatus.pending + data.report.byStatus.claimed + data.report.byStatus.held;
  return (
    <div className="space-y-4">
      <div>
        <Link to="/automations" className="text-sm text-indigo-700 hover:underline">
          ← {t("page.back")}
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="page-title break-words">{a.name}</h1>
            <div className="mt-1">
              <ActiveBadge isActive={a.isActive} />
            </div>
          </div>
          {data.canEdit && (
            <div className="flex flex-wrap gap-2" data-testid="automation-controls">
              <Link to={`/automations/${a.id}/edit`} className="btn-secondary">
                {t("page.edit")}
              </Link>
              <Form method="post">
                <AuthenticityTokenInput />
                <button type="submit" name="intent" value={a.isActive ? "pause" : "resume"} className="btn-secondary" data-testid={a.isActive ? "pause" : "resume"}>
                  {t(a.isActive ? "page.pause" : "page.resume")}
                </button>
              </Form>
              <ConfirmForm fields={{}} label={t("page.delete")} question={t("page.deleteQuestion", { name: a.name })} confirmLabel={t("page.deleteConfirm")} danger name="intent" value="delete" />
            </div>
          )}
        </div>
      </div>

      {params.get("saved") && !answer && <Notice tone="success">{t("page.saved")}</Notice>}
      {answer && "done" in answer && <Notice tone="success">{t(answer.done === "pause" ? "page.paused" : "page.resumed")}</Notice>}

      <StatGrid>
        <StatCard label={t("page.fired")} value={n(data.report.byStatus.done)} testId="stat-fired" />
        <StatCard label={t("page.skipped")} value={n(data.report.byStatus.skipped)} testId="stat-skipped" />
        <StatCard label={t("page.waiting")} value={n(waiting)} detail={data.report.byStatus.held ? t("page.held", { count: data.report.byStatus.held }) : undefined} testId="stat-waiting" />
        <StatCard label={t("page.cancelled")} value={n(data.report.byStatus.cancelled)} />
      </StatGrid>

      <div className="grid gap-4 lg:grid-cols-2">
        <div className="min-w-0 space-y-4">
          <Settings data={data} />
          <Wording data={data} />
        </div>
        <OverTime data={data} />
      </div>

      <section className="card space-y-3 p-0" aria-labelledby="firings-title">
        <h2 id="firings-title" className="px-4 pt-4 text-sm font-semibold text-slate-900">
          {t("page.firingsTitle")}
        </h2>
        <nav className="flex flex-wrap gap-2 px-4" aria-label={t("page.outcomeFilter")} data-testid="firing-filter">
          {[null, ...OUTCOME_FILTERS].map((status) => {
            const current = data.firings.status === status;
            return (
              <Link
                key={status ?? "all"}
                to={firingsHref(a.id, status, null)}
                preventScrollReset
                aria-current={current ? "page" : undefined}
                className={`badge whitespace-nowrap ${current ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200"}`}
              >
                {status === null ? t("page.allOutcomes") : t(`firingStatuses.${status}`)}
              </Link>
            );
          })}
        </nav>
        <DataTable
          testId="firings-table"
          rows={data.firings.rows}
          rowKey={(f) => f.id}
          empty={<p className="px-4 pb-4 text-sm text-slate-500">{t(data.firings.status ? "page.noFiringsOfOutcome" : "page.noFirings")}</p>}
          columns={[
            {
              key: "customer",
              header: t("page.customer"),
              primary: true,
              cell: (f) =>
                f.customer.id !== null ? (
                  <Link to={`/customers/${f.customer.id}`} className="break-words font-medium text-indigo-700 hover:underline">
                    {f.customer.name}
                  </Link>
                ) : (
                  <span className="break-words" data-testid="firing-of-another-manager">
                    {f.customer.name}
                  </span>
                ),
            },
            { key: "event", header: t("page.event"), className: "text-sm", cell: (f) => `${t(f.eventKind === "entered" ? "page.entered" : "page.left")} · ${formatDateTime(f.eventAt, data.store.locale, data.store.timeZone)}` },
            {
              key: "status",
              header: t("page.status"),
              cell: (f) => (
                <span className="inline-flex flex-wrap items-center gap-1">
                  <span className={`badge whitespace-nowrap ${STATUS_STYLE[f.status]}`}>{t(`firingStatuses.${f.status}`)}</span>
                  {f.skipReason && <span className="text-xs text-slate-600">{t(`skipReasons.${f.skipReason}`)}</span>}
                </span>
              ),
            },
            { key: "when", header: t("page.when"), className: "text-sm whitespace-nowrap", cell: (f) => formatDateTime(f.actedAt ?? f.dueAt, data.store.locale, data.store.timeZone) },
          ]}
        />
        {(data.firings.nextBefore !== null || !data.firings.isFirstPage) && (
          <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-3" aria-label={t("page.paging")}>
            {!data.firings.isFirstPage ? (
              <Link to={firingsHref(a.id, data.firings.status, null)} className="btn-secondary">
                ← {t("page.firstPage")}
              </Link>
            ) : (
              <span />
            )}
            {data.firings.nextBefore !== null && (
              <Link to={firingsHref(a.id, data.firings.status, data.firings.nextBefore)} className="btn-secondary" rel="next">
                {t("page.nextPage")} →
              </Link>
            )}
          </nav>
        )}
      </section>
    </div>
  );
}

function Settings({ data }: { data: Data }) {
  const { t } = useTranslation("automations");
  const a = data.automation;
  const delay =
    a.delay.kind === "none" ? t("delayKinds.none") : a.delay.kind === "next_day_at" ? t("page.nextDayAt", { time: a.delay.time }) : t(`page.after.${a.delay.kind}`, { count: a.delay.amount });
  const cap = a.cap.kind === "days" ? t("page.capDays", { count: a.cap.days }) : t(`capKinds.${a.cap.kind}`);
  const rows: Array<[string, React.ReactNode]> = [
    [t("page.trigger"), <TriggerText key="t" trigger={a.trigger} />],
    [t("page.delay"), delay],
    [t("page.action"), <ActionText key="a" action={a.action} />],
  ];
  if (a.action.title) rows.push([t("form.taskTitle"), a.action.title]);
  if (a.action.kind === "task") rows.push([t("form.taskDueIn"), a.action.dueInHours === null ? t("page.noDue") : t("page.hours", { count: a.action.dueInHours ?? 0 })]);
  if (a.action.kind === "task") rows.push([t("form.taskFallback"), a.action.user ?? t("form.nobodySkip")]);
  if (a.action.kind === "notify") rows.push([t("form.notifyUser"), a.action.user ?? "—"]);
  rows.push([t("page.cap"), cap], [t("page.hoursLabel"), a.firingHours ? t("page.between", a.firingHours) : t("form.anyTime")]);
  return (
    <section className="card min-w-0" data-testid="automation-settings">
      <h2 className="text-sm font-semibold text-slate-900">{t("page.settings")}</h2>
      <dl className="mt-2 divide-y divide-slate-100 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="grid gap-1 py-2 sm:grid-cols-[10rem_minmax(0,1fr)]">
            <dt className="text-slate-500">{label}</dt>
            <dd className="min-w-0 break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** What the automation says: each message of the chain, or the task's description, as written. */
function Wording({ data }: { data: Data }) {
  const { t } = useTranslation("automations");
  const { t: tc } = useTranslation("campaigns");
  const { templates, description } = data.automation.action;
  if (templates.length === 0 && description === null) return null;
  return (
    <section className="card min-w-0 space-y-3" data-testid="automation-wording">
      <h2 className="text-sm font-semibold text-slate-900">{t(templates.length ? "page.messages" : "page.taskDescription")}</h2>
      {templates.map((m, i) => (
        <div key={m.channel} className="min-w-0 space-y-1" data-testid={`template-${m.channel}`}>
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            {templates.length > 1 ? t("page.chainStep", { n: i + 1, channel: tc(`channels.${m.channel}`) }) : tc(`channels.${m.channel}`)}
          </h3>
          {m.subject && <p className="break-words text-sm font-medium text-slate-900">{m.subject}</p>}
          <pre className="max-h-48 overflow-y-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-sans text-sm text-slate-700">{m.body}</pre>
        </div>
      ))}
      {description !== null && <pre className="max-h-48 overflow-y-auto whitespace-pre-wrap break-words rounded bg-slate-50 p-2 font-sans text-sm text-slate-700" data-testid="task-description">{description}</pre>}
    </section>
  );
}

function OverTime({ data }: { data: Data }) {
  const { t } = useTranslation("automations");
  const { perDay, skipped } = data.report;
  const locale = data.store.locale;
  const n = (v: number) => formatNumber(v, locale);
  const top = Math.max(1, ...perDay.map((d) => d.acted + d.skipped));
  return (
    <section className="card min-w-0 space-y-3" data-testid="automation-report">
      <h2 className="text-sm font-semibold text-slate-900">{t("page.overTime")}</h2>
      {perDay.length === 0 ? (
        <p className="text-sm text-slate-500">{t("page.nothingYet")}</p>
      ) : (
        <table className="w-full text-sm" data-testid="per-day">
          <thead>
            <tr className="text-left text-xs text-slate-500">
              <th className="py-1 font-medium">{t("page.day")}</th>
              <th className="py-1 text-right font-medium">{t("page.fired")}</th>
              <th className="py-1 text-right font-medium">{t("page.skipped")}</th>
              <th className="hidden w-1/3 py-1 sm:table-cell">
                <span className="sr-only">{t("page.bar")}</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {perDay.map((d) => (
              <tr key={d.day}>
                <td className="whitespace-nowrap py-1">{formatPlainDate(d.day, locale)}</td>
                <td className="py-1 text-right tabular-nums">{n(d.acted)}</td>
                <td className="py-1 text-right tabular-nums">{n(d.skipped)}</td>
                <td className="hidden py-1 pl-3 sm:table-cell" aria-hidden="true">
                  <div className="flex h-2 overflow-hidden rounded bg-slate-100">
                    <div className="bg-emerald-500" style={{ width: `${(d.acted / top) * 100}%` }} />
                    <div className="bg-amber-400" style={{ width: `${(d.skipped / top) * 100}%` }} />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {skipped.length > 0 && (
        <div>
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("page.skippedBecause")}</h3>
          <ul className="mt-1 space-y-0.5 text-sm" data-testid="skip-reasons">
            {skipped.map((s) => (
              <li key={s.reason} className="flex justify-between gap-3">
                <span className="min-w-0 break-words">{t(`skipReasons.${s.reason as FiringSkipReason}`)}</span>
                <span className="tabular-nums">{n(s.count)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

