import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataTable } from "~/components/ui/DataTable";
import { StatCard, StatGrid } from "~/components/ui/StatCard";
import { requireUser } from "~/auth/session.server";
import { formatEventCustomer, formatMoney, formatNumber } from "~/format";
import { getStoreOverview, weekChanges, WEEK_MS } from "~/domain/store.server";
import { eventsForViewer, latestStoreSegmentEvents, listSegments, sizeSeries } from "~/domain/segments.server";
import { Sparkline } from "~/components/segments/Sparkline";
import { RelativeTime } from "~/components/segments/parts";
import { DateTime } from "luxon";
import { taskCounts, taskViewerOf } from "~/domain/tasks.server";
import { getStoreForReader } from "~/i18n.server";

/** The segments the dashboard lists (largest active first) and the movements it shows. */
const TOP_SEGMENTS = 8;
const MOVEMENTS = 12;
const WEEK_POINTS = 15;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const db = context.services.db;
  const now = new Date();
  const [overview, store, segments, movements] = await Promise.all([getStoreOverview(db, user), getStoreForReader(request, context), listSegments(db), latestStoreSegmentEvents(db, MOVEMENTS)]);
  // a manager's own work first: their open tasks, the overdue, and those due before the store's day ends
  const endOfToday = DateTime.fromJSDate(now, { zone: store.timeZone }).endOf("day").plus({ milliseconds: 1 }).toJSDate();
  const tasks = user.role === "manager" ? await taskCounts(db, taskViewerOf(user), now, endOfToday) : null;
  const active = segments.filter((s) => s.isActive);
  const top = [...active].sort((a, b) => b.memberCount - a.memberCount || a.name.localeCompare(b.name)).slice(0, TOP_SEGMENTS);
  const [series, changes] = await Promise.all([sizeSeries(db, top.map((s) => s.id), { now, points: WEEK_POINTS, windowMs: WEEK_MS }), weekChanges(db, top, now)]);
  return json({
    user,
    overview,
    store,
    tasks,
    now: now.toISOString(),
    segmentCounts: { all: segments.length, active: active.length },
    segments: top.map((s) => {
      const samples = series.get(s.id) ?? [];
      return {
        id: s.id,
        name: s.name,
        memberCount: s.memberCount,
        change: changes.get(s.id) ?? null,
        // a segment formed within the week rises from nothing at its formation, as its change says
        samples: [
          ...(samples.length > 0 && samples[0].at.getTime() > now.getTime() - WEEK_MS ? [{ at: samples[0].at.toISOString(), size: 0 }] : []),
          // its last point is now: the size now, which changes between samples as customers change
          ...samples.map((p, i) => ({ at: p.at.toISOString(), size: i === samples.length - 1 ? s.memberCount : p.size })),
        ],
      };
    }),
    movements: eventsForViewer(movements, user).map((e) => ({
      id: e.id,
      kind: e.kind,
      at: e.at.toISOString(),
      customerId: e.customerId,
      customer: formatEventCustomer(e.customer, e.customerId),
      segment: e.segment,
    })),
  });
}

export default function Dashboard() {
  const { user, overview, store, tasks } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const tiles = [
    { label: t("dashboard.customers"), value: formatNumber(overview.customers, store.locale) },
    { label: t("dashboard.orders"), value: formatNumber(overview.orders, store.locale) },
    ...(overview.completedRevenue === null ? [] : [{ label: t("dashboard.revenue"), value: formatMoney(overview.completedRevenue, store.currency, store.locale) }]),
    { label: t("dashboard.subscribed"), value: formatNumber(overview.subscribedCustomers, store.locale) },
  ];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">{t("dashboard.title")}</h1>
        <p className="text-sm text-slate-500">{t("dashboard.welcome", { name: user.name, role: t(`roles.${user.role}`) })}</p>
      </div>
      {tasks && <TaskTiles counts={tasks} locale={store.locale} />}
      <StatGrid>
        {tiles.map((tile) => (
          <StatCard key={tile.label} label={tile.label} value={tile.value} testId="tile-value" />
        ))}
      </StatGrid>
      <div className="grid gap-5 xl:grid-cols-5">
        <TopSegments />
        <Movements />
      </div>
    </div>
  );
}

function TopSegments() {
  const { segments, segmentCounts, store } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const n = (v: number) => formatNumber(v, store.locale);
  return (
    <section className="card xl:col-span-3" data-testid="dashboard-segments">
      <div className="flex items-baseline justify-between gap-3">
        <h2 className="text-sm font-semibold text-slate-900">{t("dashboard.segments")}</h2>
        <Link to="/segments" className="text-xs text-indigo-700 hover:underline">
          {t("dashboard.allSegments", { active: n(segmentCounts.active), all: n(segmentCounts.all) })}
        </Link>
      </div>
      {segments.length === 0 ? (
        <p className="py-8 text-center text-sm text-slate-500">{t("dashboard.noSegments")}</p>
      ) : (
        <div className="mt-3">
          <DataTable
            rows={segments}
            rowKey={(s) => s.id}
            rowProps={() => ({ "data-testid": "dashboard-segment" })}
            columns={[
              {
                key: "name",
                header: t("dashboard.segment"),
                primary: true,
                cell: (s) => (
                  <Link to={`/segments/${s.id}`} className="font-medium text-indigo-700 hover:underline">
                    {s.name}
                  </Link>
                ),
              },
              { key: "members", header: t("dashboard.members"), align: "right", className: "tabular-nums", cell: (s) => <span data-testid="dashboard-segment-members">{n(s.memberCount)}</span> },
              {
                key: "week",
                header: t("dashboard.week"),
                align: "right",
                className: "tabular-nums whitespace-nowrap",
                cell: (s) => (
                  <span className={s.change ? (s.change > 0 ? "text-emerald-700" : "text-rose-700") : "text-slate-400"} data-testid="dashboard-segment-change">
                    {s.change === null ? "—" : s.change > 0 ? `+${n(s.change)}` : s.change < 0 ? `−${n(-s.change)}` : "0"}
                  </span>
                ),
              },
              { key: "trend", header: t("dashboard.trend"), srOnlyHeader: true, cell: (s) => <Sparkline samples={s.samples} isActive label={t("dashboard.sparkline", { name: s.name })} /> },
            ]}
          />
        </div>
      )}
    </section>
  );
}

function Movements() {
  const { movements, store, now } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <section className="card xl:col-span-2" data-testid="dashboard-movements">
      <h2 className="text-sm font-semibold text-slate-900">{t("dashboard.movements")}</h2>
      {movements.length === 0 ? (
        <p className="py-8 text-center text-sm text-slate-500">{t("dashboard.noMovements")}</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {movements.map((e) => (
            <li key={e.id} className="flex items-baseline justify-between gap-3 py-1.5" data-testid="dashboard-movement">
              <span className="min-w-0 break-words">
                {e.customerId === null ? (
                  <span className="text-slate-700">{e.customer}</span>
                ) : (
                  <Link to={`/customers/${e.customerId}`} className="text-indigo-700 hover:underline">
                    {e.customer}
                  </Link>
                )}{" "}
                <span className={e.kind === "entered" ? "text-emerald-700" : "text-rose-700"}>{t(`dashboard.${e.kind}`)}</span>{" "}
                <Link to={`/segments/${e.segment.id}`} className="font-medium text-slate-700 hover:underline">
                  {e.segment.name}
                </Link>
              </span>
              <span className="shrink-0 text-xs text-slate-500">
                <RelativeTime at={e.at} now={now} locale={store.locale} timeZone={store.timeZone} never="" />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A manager's open tasks, overdue and due later today, each leading to the inbox. */
function TaskTiles({ counts, locale }: { counts: { open: number; overdue: number; dueToday: number }; locale: string }) {
  const { t } = useTranslation("tasks");
  const tile = (label: string, value: number, testId: string, tone = "") => (
    <StatCard
      label={label}
      testId={testId}
      value={
        <Link to="/tasks" className={`hover:underline ${tone}`}>
          {formatNumber(value, locale)}
        </Link>
      }
    />
  );
  return (
    <section aria-labelledby="dashboard-tasks" data-testid="dashboard-tasks">
      <div className="mb-2 flex items-baseline justify-between gap-3">
        <h2 id="dashboard-tasks" className="text-sm font-semibold text-slate-900">
          {t("dashboard.title")}
        </h2>
        <Link to="/tasks" className="text-xs text-indigo-700 hover:underline">
          {t("dashboard.all")}
        </Link>
      </div>
      <StatGrid>
        {tile(t("dashboard.open"), counts.open, "tasks-open", "text-slate-900")}
        {tile(t("dashboard.overdue"), counts.overdue, "tasks-overdue", counts.overdue > 0 ? "text-rose-700" : "text-slate-900")}
        {tile(t("dashboard.dueToday"), counts.dueToday, "tasks-due-today", "text-slate-900")}
      </StatGrid>
    </section>
  );
}
