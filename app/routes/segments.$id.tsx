import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { DataTable } from "~/components/ui/DataTable";
import { StatCard, StatGrid } from "~/components/ui/StatCard";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime, formatEventCustomer, formatMomentDate, formatMomentTime, formatNumber } from "~/format";
import {
  getSegment,
  eventsForViewer,
  latestSegmentEvents,
  listRecomputes,
  listVisibleSegmentMembers,
  readTimestamp,
  recomputeSegment,
  segmentsUsing,
  segmentVocabulary,
  sizeSeries,
  isRecomputeConflict,
} from "~/domain/segments.server";
import { recomputeScheduleOf } from "~/domain/jobs.server";
import { exportDialogOptions } from "~/domain/exports.server";
import { ExportDialog } from "~/components/exports/ExportDialog";
import { SizeChart } from "~/components/segments/SizeChart";
import { ActiveBadge, Notice, RelativeTime, SEGMENT_EDITORS, TypeBadge } from "~/components/segments/parts";
import { countryName, describeCriterion, wordingFrom } from "~/components/segments/words";
import { segmentIdParam } from "./segments.ui/editor.server";
import { openCursor, sealCursor } from "~/auth/sealed-cursor.server";
import { getStoreForReader } from "~/i18n.server";
import { getFeedState, getHistoryRetentionDays, historyKeptSince, latestFeedReads } from "~/domain/feeds.server";
import { FeedPanel } from "~/components/segments/FeedPanel";
import { pageTitle, titled } from "~/title";
import { msg } from "../../models/messages";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.segment.name ?? titled("segment"), titled("segments")) }];

const MEMBERS_PAGE = 25;
const RECOMPUTES_SHOWN = 20;
const EVENTS_SHOWN = 20;
const CHART_POINTS = 60;
const CHART_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
const FEED_READS_SHOWN = 10;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer", "manager");
  const id = segmentIdParam(params.id);
  const db = context.services.db;
  const url = new URL(request.url);
  const after = openCursor(context, url.searchParams.get("after"));
  const viewer = { id: user.id, role: user.role };
  const segment = await getSegment(db, id);
  if (!segment) throw new Response(msg("segments.noSuchSegment"), { status: 404, statusText: "Not Found" });
  const now = new Date();
  const [store, vocabulary, sizes, recomputes, members, events, usedBy, job, retentionDays, feed, exporting] = await Promise.all([
    getStoreForReader(request, context),
    segmentVocabulary(db),
    sizeSeries(db, [id], { now, points: CHART_POINTS, windowMs: CHART_WINDOW_MS }),
    listRecomputes(db, id, { limit: RECOMPUTES_SHOWN }),
    listVisibleSegmentMembers(db, id, { after, limit: MEMBERS_PAGE }, viewer),
    latestSegmentEvents(db, id, EVENTS_SHOWN),
    segmentsUsing(db, segment.code).then((users) => users.map(({ id, code, name }) => ({ id, code, name }))),
    recomputeScheduleOf(context.services.jobs, id),
    getHistoryRetentionDays(db),
    // the secret feed is the admins' alone: other roles do not learn its state or its readers
    user.role === "admin" ? Promise.all([getFeedState(db, id), latestFeedReads(db, id, FEED_READS_SHOWN)]) : Promise.resolve(null),
    exportDialogOptions(db, user.role),
  ]);
  return json({
    now: now.toISOString(),
    store,
    canEdit: (SEGMENT_EDITORS as readonly string[]).includes(user.role),
    exporting,
    segment: {
      ...segment,
      isLocked: segment.type === "snapshot" && segment.lockedAt !== null,
      // raw rows: a Date on MariaDB, text on SQLite
      lockedAt: readTimestamp(segment.lockedAt)?.toISOString() ?? null,
      lastRecomputedAt: readTimestamp(segment.lastRecomputedAt)?.toISOString() ?? null,
      createdAt: readTimestamp(segment.createdAt)?.toISOString() ?? null,
    },
    // only the names the definition's sentences need, not the whole vocabulary
    names: {
      customFields: vocabulary.customFields.filter((f) => segment.criteria.some((c) => c.field === "customField" && c.key === f.key)),
      questions: vocabulary.questions.filter((q) => segment.criteria.some((c) => c.field === "registrationAnswer" && c.question === q.key)),
      categories: vocabulary.categories.filter((k) => segment.criteria.some((c) => c.field === "orderedFromCategory" && c.categories.includes(k.externalId))),
      segments: vocabulary.segments.filter((s) => segment.criteria.some((c) => c.field === "segment" && c.segment === s.code)),
    },
    sizes: (sizes.get(id) ?? []).map((p) => ({ at: p.at.toISOString(), size: p.size })),
    recomputes,
    members: { rows: members.rows, nextAfter: members.nextAfter === null ? null : sealCursor(context, members.nextAfter), isFirstPage: after === undefined },
    events: eventsForViewer(events, viewer),
    usedBy,
    history: { days: retentionDays, since: historyKeptSince(now, retentionDays).toISOString() },
    feed: feed && {
      isEnabled: feed[0].isEnabled,
      formats: feed[0].formats,
      enabledAt: feed[0].enabledAt?.toISOString() ?? null,
      rotatedAt: feed[0].rotatedAt?.toISOString() ?? null,
      revokedAt: feed[0].revokedAt?.toISOString() ?? null,
      reads: feed[1].map((r) => ({ ...r, at: r.at.toISOString() })),
    },
    // the segment's recompute job: when it next runs, or that it runs now
    job: job && {
      state: job.state,
      isDisabled: job.isDisabled,
      nextRunAt: job.nextRunAt?.toISOString() ?? null,
      runningSince: job.runningSince?.toISOString() ?? null,
      failReason: job.failReason,
    },
  });
}

const RecomputeForm = z.object({ intent: z.literal("recompute") });

export async function action({ request, params, context }: ActionFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  const id = segmentIdParam(params.id);
  const form = await readForm(request, context);
  if (!RecomputeForm.safeParse(Object.fromEntries(form)).success) return json({ outcome: { status: "refused" as const } }, { status: 400 });
  try {
    const outcome = await recomputeSegment(context.services.segments, id, new Date(), "manual");
    return json({ outcome }, { status: outcome.status === "done" ? 200 : 409 });
  } catch (error) {
    // another recompute of this segment (the worker's) wrote its members meanwhile; its result stands
    if (isRecomputeConflict(error)) return json({ outcome: { status: "busy" as const } }, { status: 409 });
    throw error;
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function SegmentPage() {
  const data = useLoaderData<typeof loader>();
  const { segment: s, store, canEdit, now } = data;
  const { t } = useTranslation("segments");
  const [params] = useSearchParams();
  const recomputed = useActionData<typeof action>();
  const navigation = useNavigation();
  const isRecomputing = navigation.state === "submitting" && navigation.formData?.get("intent") === "recompute";
  const n = (v: number) => formatNumber(v, store.locale);
  const canRecompute = s.isActive && s.type !== "manual" && !s.isLocked;

  return (
    <div className="space-y-5">
      <div>
        <Link to="/segments" className="text-sm text-indigo-700 hover:underline">
          ← {t("page.back")}
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className={`page-title break-words ${s.isActive ? "" : "text-slate-600"}`} data-testid="segment-name">
              {s.name}
            </h1>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-500">
              <TypeBadge type={s.type} isLocked={s.isLocked} />
              <ActiveBadge isActive={s.isActive} />
              <span>
                {t("page.code")} <span className="font-mono text-slate-700">{s.code}</span>
              </span>
            </div>
          </div>
          {(canEdit || data.exporting) && (
            <div className="flex flex-wrap gap-2">
              {data.exporting && (
                <ExportDialog
                  source={{ kind: "segment", segmentId: s.id, name: s.name }}
                  rows={{ count: s.memberCount, isCapped: false }}
                  jobFromRows={data.exporting.jobFromRows}
                  customFields={data.exporting.customFields}
                  locale={store.locale}
                />
              )}
              {canEdit && s.type !== "manual" && (
                <Form method="post">
                  <AuthenticityTokenInput />
                  <button type="submit" name="intent" value="recompute" className="btn-secondary" disabled={!canRecompute || isRecomputing} title={canRecompute ? undefined : t(s.isLocked ? "page.recomputeLocked" : "page.recomputeInactive")} data-testid="recompute">
                    {isRecomputing ? t("page.recomputing") : t("page.recompute")}
                  </button>
                </Form>
              )}
              {canEdit && (
                <>
                  <Link to={`/segments/new?from=${s.id}`} className="btn-secondary" data-testid="duplicate-segment">
                    {t("list.duplicate")}
                  </Link>
                  <Link to={`/segments/${s.id}/edit`} className="btn" data-testid="edit-segment">
                    {t("page.edit")}
                  </Link>
                </>
              )}
            </div>
          )}
        </div>
      </div>

      {params.get("saved") && !recomputed && <Notice tone="success">{t("page.saved")}</Notice>}
      {recomputed?.outcome && <RecomputeNotice outcome={recomputed.outcome} n={n} />}
      {!s.isActive && <Notice tone="info">{t("page.inactiveNote")}</Notice>}
      {s.evaluationError && (
        <Notice tone="warning" testId="evaluation-error">
          {t("page.cannotEvaluate", { reason: s.evaluationError })}
        </Notice>
      )}

      <StatGrid>
        <StatCard
          label={t("page.members")}
          value={
            <Link to={`/customers?segment=${s.id}`} className="text-indigo-700 hover:underline" data-testid="page-member-count" title={t("list.membersLink", { name: s.name })}>
              {n(s.memberCount)}
            </Link>
          }
        />
        <StatCard
          label={s.type === "manual" ? t("page.changedByHand") : t("page.lastRecomputed")}
          value={s.type === "manual" ? "—" : <RelativeTime at={s.lastRecomputedAt} now={now} locale={store.locale} timeZone={store.timeZone} never={t("list.never")} />}
        />
        <StatCard
          label={t("page.schedule")}
          value={s.type === "dynamic" || s.type === "accumulating" ? (s.isActive ? t("page.every", { count: s.recomputeEveryMinutes }) : t("page.notRecomputed")) : s.isLocked ? t("page.locked") : t(`page.scheduleOf.${s.type}`)}
          detail={s.isLocked ? t("page.lockedSince", { at: formatDateTime(s.lockedAt, store.locale, store.timeZone) }) : <NextRecompute job={data.job} now={now} locale={store.locale} timeZone={store.timeZone} />}
          testId="page-schedule"
        />
        <StatCard label={t("page.created")} value={formatMomentDate(s.createdAt, store.locale, store.timeZone)} detail={formatMomentTime(s.createdAt, store.locale, store.timeZone)} testId="page-created" />
      </StatGrid>

      <DefinitionCard data={data} />

      <div className={`space-y-5 ${s.isActive ? "" : "opacity-60 grayscale"}`} data-testid="history">
        <HistoryKept days={data.history.days} since={data.history.since} locale={store.locale} timeZone={store.timeZone} />
        <section className="card">
          <h2 className="mb-3 text-sm font-semibold text-slate-900">{t("page.sizeOverTime")}</h2>
          <SizeChart
            samples={data.sizes}
            isActive={s.isActive}
            formatSize={n}
            formatAt={(at) => formatDateTime(at, store.locale, store.timeZone)}
            emptyText={t("page.noSizes")}
          />
        </section>

        <MembersCard data={data} />

        <div className="grid gap-5 2xl:grid-cols-2">
          <RecomputesCard data={data} />
          <EventsCard data={data} />
        </div>
      </div>

      {data.feed && <FeedPanel segmentId={s.id} feed={data.feed} locale={store.locale} timeZone={store.timeZone} />}

      {data.usedBy.length > 0 && (
        <section className="card text-sm">
          <h2 className="text-sm font-semibold text-slate-900">{t("page.usedBy")}</h2>
          <ul className="mt-2 list-inside list-disc">
            {data.usedBy.map((u) => (
              <li key={u.id}>
                <Link to={`/segments/${u.id}`} className="text-indigo-700 hover:underline">
                  {u.name}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** How far back the size chart and the enter/leave history go (docs/decisions/0036). */
function HistoryKept({ days, since, locale, timeZone }: { days: number; since: string; locale: string; timeZone: string }) {
  const { t } = useTranslation("feeds");
  return (
    <p className="text-xs text-slate-500" data-testid="history-kept" title={t("history.keptHelp")}>
      {t("history.kept", { count: days, days: formatNumber(days, locale), since: formatMomentDate(since, locale, timeZone) })}
    </p>
  );
}

function RecomputeNotice({ outcome, n }: { outcome: { status: string; reason?: string; size?: number; entered?: number; left?: number; durationMs?: number }; n: (v: number) => string }) {
  const { t } = useTranslation("segments");
  if (outcome.status === "done") {
    return (
      <Notice tone="success" testId="recompute-result">
        {t("page.recomputed", { members: t("page.recomputedMembers", { count: outcome.size ?? 0, formatted: n(outcome.size ?? 0) }), entered: n(outcome.entered ?? 0), left: n(outcome.left ?? 0), ms: n(outcome.durationMs ?? 0) })}
      </Notice>
    );
  }
  const reason = outcome.status === "skipped" ? (outcome.reason ?? "busy") : outcome.status;
  return (
    <Notice tone="warning" testId="recompute-result">
      {t(`page.notRecomputedBecause.${reason}`, { defaultValue: t("page.notRecomputedBecause.busy") })}
    </Notice>
  );
}

/** The recompute job's next step: running now, next at a time, held by an admin, or failed. */
function NextRecompute({ job, now, locale, timeZone }: { job: LoaderData["job"]; now: string; locale: string; timeZone: string }) {
  const { t } = useTranslation("segments");
  if (!job) return null;
  if (job.isDisabled) return <span data-testid="next-recompute">{t("page.recomputeJobDisabled")}</span>;
  if (job.runningSince) {
    return (
      <span className="text-indigo-700" data-testid="next-recompute">
        {t("page.recomputeRunning")}
      </span>
    );
  }
  if (job.failReason) {
    return (
      <span className="text-red-700" title={job.failReason} data-testid="next-recompute">
        {t("page.recomputeFailed", { reason: job.failReason })}
      </span>
    );
  }
  if (!job.nextRunAt) return null;
  if (new Date(job.nextRunAt) <= new Date(now)) return <span data-testid="next-recompute">{t("page.recomputeDue")}</span>;
  return (
    <span data-testid="next-recompute">
      {t("page.nextRecompute")} <RelativeTime at={job.nextRunAt} now={now} locale={locale} timeZone={timeZone} never="—" />
    </span>
  );
}

function DefinitionCard({ data }: { data: LoaderData }) {
  const { segment: s, store, names } = data;
  const { t } = useTranslation("segments");
  const wording = useMemo(() => wordingFrom(store, names), [store, names]);
  return (
    <section className="card" data-testid="definition">
      <h2 className="text-sm font-semibold text-slate-900">{t("page.definition")}</h2>
      {s.type === "manual" ? (
        <p className="mt-2 text-sm text-slate-700">{t("page.manualDefinition")}</p>
      ) : (
        <>
          <p className="mt-2 text-sm text-slate-700">{t(s.match === "all" ? "page.matchAll" : "page.matchAny", { count: s.criteria.length })}</p>
          <ol className="mt-2 space-y-1.5 text-sm">
            {s.criteria.map((c, i) => (
              <li key={i} className="flex gap-2">
                <span className="flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700">{i + 1}</span>
                <span className="min-w-0 break-words text-slate-900">{describeCriterion(c, t, wording)}</span>
              </li>
            ))}
          </ol>
          <p className="mt-3 text-xs text-slate-500">{t(`types.${s.type}Help`)}</p>
        </>
      )}
    </section>
  );
}

function MembersCard({ data }: { data: LoaderData }) {
  const { segment: s, store, members } = data;
  const { t } = useTranslation("segments");
  const name = (m: { firstName: string | null; lastName: string | null }) => [m.firstName, m.lastName].filter(Boolean).join(" ");
  return (
    <section className="card overflow-hidden p-0" id="members" data-testid="members">
      <div className="flex items-baseline justify-between gap-2 px-4 pt-4">
        <h2 className="text-sm font-semibold text-slate-900">{t("page.membersTitle")}</h2>
        <span className="text-xs text-slate-500">{t("page.membersOrder")}</span>
      </div>
      {members.rows.length === 0 ? (
        <p className="px-4 py-8 text-center text-sm text-slate-500" data-testid="members-empty">
          {!members.isFirstPage ? t("page.noMoreMembers") : s.type === "manual" ? t("page.noMembersManual") : s.lastRecomputedAt ? t("page.noMembers") : t("page.notYetComputed")}
        </p>
      ) : (
        <div className="mt-3">
          <DataTable
            testId="members-table"
            rows={members.rows}
            rowKey={(m, i) => (m.hasDetails ? m.id : `other-${i}`)}
            rowProps={(m) => (m.hasDetails ? {} : { "data-testid": "member-of-another-manager" })}
            columns={[
              {
                key: "customer",
                header: t("members.customer"),
                primary: true,
                cell: (m) =>
                  m.hasDetails ? (
                    <>
                      <Link to={`/customers/${m.id}`} className="font-medium text-indigo-700 hover:underline">
                        {name(m) || <span className="italic text-slate-500">{t("preview.noName")}</span>}
                      </Link>
                      <div className="break-all font-mono text-xs text-slate-500">{m.externalId}</div>
                    </>
                  ) : (
                    <span className="font-medium text-slate-700">{name(m) || <span className="italic text-slate-500">{t("preview.noName")}</span>}</span>
                  ),
              },
              {
                key: "contact",
                header: t("members.contact"),
                className: "[overflow-wrap:anywhere]",
                cell: (m) => (m.hasDetails ? (m.email ?? <span className="text-slate-400">—</span>) : <span className="text-xs text-slate-500">{t("members.notYours")}</span>),
              },
              {
                key: "location",
                header: t("members.location"),
                cell: (m) =>
                  (m.hasDetails && [m.city, m.country ? countryName(m.country, store.locale) : null].filter(Boolean).join(", ")) || <span className="text-slate-400">—</span>,
              },
              { key: "entered", header: t("members.entered"), className: "whitespace-nowrap", cell: (m) => formatDateTime(m.enteredAt, store.locale, store.timeZone) },
            ]}
          />
        </div>
      )}
      {(members.nextAfter !== null || !members.isFirstPage) && (
        <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-3" aria-label={t("page.membersPaging")}>
          {!members.isFirstPage ? (
            <Link to={`/segments/${s.id}#members`} className="btn-secondary">
              ← {t("page.firstPage")}
            </Link>
          ) : (
            <span />
          )}
          {members.nextAfter !== null && (
            <Link to={`/segments/${s.id}?after=${members.nextAfter}#members`} className="btn-secondary" rel="next" data-testid="members-next">
              {t("page.nextPage")} →
            </Link>
          )}
        </nav>
      )}
    </section>
  );
}

function RecomputesCard({ data }: { data: LoaderData }) {
  const { recomputes, store } = data;
  const { t } = useTranslation("segments");
  const n = (v: number | null) => (v === null ? "—" : formatNumber(v, store.locale));
  return (
    <section className="card overflow-hidden p-0" data-testid="recomputes">
      <h2 className="px-4 pt-4 text-sm font-semibold text-slate-900">{t("page.recomputes")}</h2>
      {recomputes.length === 0 ? (
        <p className="px-4 py-8 text-center text-sm text-slate-500">{t("page.noRecomputes")}</p>
      ) : (
        <div className="mt-3">
          <DataTable
            rows={recomputes}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ className: r.error ? "bg-red-50" : "" })}
            columns={[
              {
                key: "started",
                header: t("recomputes.started"),
                className: "md:whitespace-nowrap",
                cell: (r) => (
                  <>
                    {formatDateTime(r.startedAt, store.locale, store.timeZone)}
                    {r.finishedAt && <div className="text-xs text-slate-500">{t("recomputes.finished", { at: formatDateTime(r.finishedAt, store.locale, store.timeZone) })}</div>}
                    {r.error && <div className="max-w-xs whitespace-normal break-words text-xs text-red-700">{r.error}</div>}
                  </>
                ),
              },
              { key: "duration", header: t("recomputes.duration"), align: "right", className: "whitespace-nowrap tabular-nums", cell: (r) => (r.durationMs === null ? "—" : t("recomputes.ms", { ms: formatNumber(r.durationMs, store.locale) })) },
              { key: "size", header: t("recomputes.size"), align: "right", className: "tabular-nums", cell: (r) => n(r.size) },
              { key: "entered", header: t("recomputes.entered"), align: "right", className: "tabular-nums text-emerald-700", cell: (r) => (r.entered ? `+${n(r.entered)}` : n(r.entered)) },
              { key: "left", header: t("recomputes.left"), align: "right", className: "tabular-nums text-rose-700", cell: (r) => (r.left ? `−${n(r.left)}` : n(r.left)) },
              { key: "trigger", header: t("recomputes.trigger"), cell: (r) => <span className="badge">{t(`triggers.${r.trigger}`, { defaultValue: r.trigger })}</span> },
            ]}
          />
        </div>
      )}
    </section>
  );
}

function EventsCard({ data }: { data: LoaderData }) {
  const { events, store } = data;
  const { t } = useTranslation("segments");
  return (
    <section className="card" data-testid="events">
      <h2 className="text-sm font-semibold text-slate-900">{t("page.events")}</h2>
      {events.length === 0 ? (
        <p className="py-8 text-center text-sm text-slate-500">{t("page.noEvents")}</p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {events.map((e) => {
            const name = formatEventCustomer(e.customer, e.customerId);
            return (
              <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5 py-1.5">
                <span className="flex min-w-0 items-baseline gap-2">
                  <span className={`badge shrink-0 ${e.kind === "entered" ? "bg-emerald-50 text-emerald-700" : "bg-rose-50 text-rose-700"}`}>{t(`events.${e.kind}`)}</span>
                  {e.customerId === null ? (
                    <span className="break-words text-slate-700">{name}</span>
                  ) : (
                    <Link to={`/customers/${e.customerId}`} className="break-words text-indigo-700 hover:underline">
                      {name}
                    </Link>
                  )}
                </span>
                <span className="shrink-0 whitespace-nowrap text-xs text-slate-500">{formatDateTime(e.at, store.locale, store.timeZone)}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
