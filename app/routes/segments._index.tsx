import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { Dialog } from "~/components/ui/Dialog";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatNumber } from "~/format";
import { deleteSegment, filterSegments, getSegment, listSegments, readTimestamp, referencedCodes, segmentScheduleHooks, sizeSeries } from "~/domain/segments.server";
import { Sparkline } from "~/components/segments/Sparkline";
import { ActiveBadge, Notice, RelativeTime, SEGMENT_EDITORS, TypeBadge } from "~/components/segments/parts";
import { getStoreForReader } from "~/i18n.server";
import { feedLinkStates } from "~/domain/feeds.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("segments")) }];

const SPARK_POINTS = 24;
const SPARK_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

const SEGMENT_TYPES = ["dynamic", "accumulating", "snapshot", "manual"] as const;

/** The list's filter in the query string: ?q=vip&type=dynamic&active=yes; anything unknown is ignored. */
const FilterQuery = z.object({
  q: z.string().max(200).catch(""),
  type: z.enum(SEGMENT_TYPES).optional().catch(undefined),
  active: z.enum(["yes", "no"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer", "manager");
  const db = context.services.db;
  const now = new Date();
  const query = new URL(request.url).searchParams;
  const filter = FilterQuery.parse({ q: query.get("q") ?? "", type: query.get("type") ?? undefined, active: query.get("active") ?? undefined });
  const [all, store] = await Promise.all([listSegments(db), getStoreForReader(request, context)]);
  const segments = filterSegments(all, { text: filter.q, type: filter.type, isActive: filter.active === undefined ? undefined : filter.active === "yes" });
  const series = await sizeSeries(
    db,
    segments.map((s) => s.id),
    { now, points: SPARK_POINTS, windowMs: SPARK_WINDOW_MS },
  );
  // feeds are the admins' alone: other roles do not see which segments have one
  const feeds = user.role === "admin" ? await feedLinkStates(db, segments.map((s) => s.id)) : null;
  // what would break if a segment went away: the same rule deleteSegment checks, from the list in hand
  const usedBy = new Map<string, Array<{ id: number; name: string }>>();
  for (const s of all) {
    for (const code of referencedCodes(s.criteria)) usedBy.set(code, [...(usedBy.get(code) ?? []), { id: s.id, name: s.name }]);
  }
  return json({
    now: now.toISOString(),
    store,
    filter,
    total: all.length,
    canEdit: (SEGMENT_EDITORS as readonly string[]).includes(user.role),
    showsFeeds: feeds !== null,
    segments: segments.map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      type: s.type,
      isActive: s.isActive,
      isLocked: s.type === "snapshot" && s.lockedAt !== null,
      memberCount: s.memberCount,
      // raw rows: a Date on MariaDB, text on SQLite
      lastRecomputedAt: readTimestamp(s.lastRecomputedAt)?.toISOString() ?? null,
      samples: (series.get(s.id) ?? []).map((p) => ({ at: p.at.toISOString(), size: p.size })),
      usedBy: usedBy.get(s.code) ?? [],
      feed: feeds ? (feeds.get(s.id) ?? "off") : null,
    })),
  });
}

const DeleteSchema = z.object({ intent: z.literal("delete"), segmentId: z.coerce.number().int().positive() });

interface DeleteAnswer {
  deleted?: string;
  refused?: { name: string; usedBy: Array<{ id: number; name: string }> };
  badRequest?: boolean;
  notFound?: boolean;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer");
  const form = await readForm(request, context);
  const parsed = DeleteSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json<DeleteAnswer>({ badRequest: true }, { status: 400 });
  const db = context.services.db;
  const segment = await getSegment(db, parsed.data.segmentId);
  // a stale list or a second tab: there is nothing to delete, so nothing was deleted
  if (!segment) return json<DeleteAnswer>({ notFound: true }, { status: 404 });
  const now = new Date();
  // the segment's recompute job goes with it, in the same transaction
  const out = await deleteSegment(db, parsed.data.segmentId, { userId: user.id, ip: context.clientIp }, now, segmentScheduleHooks(context.services.jobs, () => now));
  if (!out.ok) return json<DeleteAnswer>({ refused: { name: segment.name, usedBy: out.usedBy.map((u) => ({ id: u.id, name: u.name })) } }, { status: 409 });
  return json<DeleteAnswer>({ deleted: segment.name });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function SegmentsList() {
  const { segments, store, canEdit, now, filter, total, showsFeeds } = useLoaderData<typeof loader>();
  const filtered = Boolean(filter.q || filter.type || filter.active);
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("segments");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="page-title">{t("list.title")}</h1>
          <p className="text-sm text-slate-500">{canEdit ? t("list.subtitle") : t("list.readOnly")}</p>
        </div>
        {canEdit && (
          <div className="flex flex-wrap gap-2">
            {total >= 2 && (
              <Link to="/segments/compare" className="btn-secondary" data-testid="compare-segments">
                {t("storefront:compare.link")}
              </Link>
            )}
            <Link to="/segments/new" className="btn" data-testid="new-segment">
              + {t("list.new")}
            </Link>
          </div>
        )}
      </div>

      {answer?.deleted !== undefined && <Notice tone="success">{t("list.deleted", { name: answer.deleted })}</Notice>}
      {answer?.notFound && <Notice tone="error">{t("list.deleteNotFound")}</Notice>}
      {answer?.refused && (
        <Notice tone="error" testId="delete-refused">
          {t("list.refused", { name: answer.refused.name, count: answer.refused.usedBy.length })} <UsedByLinks usedBy={answer.refused.usedBy} />
        </Notice>
      )}

      {total > 0 && <SegmentFilterBar filter={filter} shown={segments.length} total={total} />}

      <div className="card overflow-hidden p-0">
        <DataTable
          testId="segments-table"
          rows={segments}
          rowKey={(s) => s.id}
          empty={filtered ? <NoMatch /> : <EmptyState canEdit={canEdit} />}
          rowProps={(s) => ({ className: s.isActive ? "hover:bg-slate-50" : "bg-slate-50/60 hover:bg-slate-50", "data-testid": `segment-row-${s.code}` })}
          columns={segmentColumns({ t, store, now, canEdit, showsFeeds })}
        />
      </div>
    </div>
  );
}

function segmentColumns({
  t,
  store,
  now,
  canEdit,
  showsFeeds,
}: {
  t: TFunction<"segments">;
  store: LoaderData["store"];
  now: string;
  canEdit: boolean;
  showsFeeds: boolean;
}): Array<Column<LoaderData["segments"][number]>> {
  const muted = (s: { isActive: boolean }) => (s.isActive ? "" : "text-slate-500");
  const columns: Array<Column<LoaderData["segments"][number]>> = [
    {
      key: "name",
      header: t("list.name"),
      primary: true,
      className: "md:min-w-[14rem]",
      cell: (s) => (
        <>
          <Link to={`/segments/${s.id}`} className={`font-medium hover:underline ${s.isActive ? "text-indigo-700" : "text-slate-600"}`}>
            {s.name}
          </Link>
          <div className="break-all font-mono text-xs text-slate-500">{s.code}</div>
        </>
      ),
    },
    { key: "type", header: t("list.type"), cell: (s) => <TypeBadge type={s.type} isLocked={s.isLocked} /> },
    { key: "active", header: t("list.active"), cell: (s) => <ActiveBadge isActive={s.isActive} /> },
    {
      key: "members",
      header: t("list.members"),
      align: "right",
      className: "whitespace-nowrap",
      cell: (s) => (
        <span className={`inline-flex items-center gap-3 ${muted(s)}`}>
          <Sparkline samples={s.samples} isActive={s.isActive} label={t("list.sparkline", { name: s.name })} />
          {/* the count opens the customer list filtered by the segment (retailCRM's list does the same) */}
          <Link to={`/customers?segment=${s.id}`} className="min-w-[3rem] font-medium tabular-nums text-indigo-700 hover:underline" data-testid="member-count" title={t("list.membersLink", { name: s.name })}>
            {formatNumber(s.memberCount, store.locale)}
          </Link>
        </span>
      ),
    },
    {
      key: "recomputed",
      header: t("list.lastRecomputed"),
      className: "text-sm",
      cell: (s) =>
        s.type === "manual" ? (
          <span className="text-slate-400">{t("list.byHand")}</span>
        ) : (
          <span className={muted(s)}>
            <RelativeTime at={s.lastRecomputedAt} now={now} locale={store.locale} timeZone={store.timeZone} never={t("list.never")} />
          </span>
        ),
    },
  ];
  if (showsFeeds) columns.push({ key: "feed", header: t("feeds:list.feed"), cell: (s) => <FeedLinkState segment={s} /> });
  if (canEdit) {
    columns.push({
      key: "actions",
      header: t("list.actions"),
      srOnlyHeader: true,
      align: "right",
      className: "whitespace-nowrap",
      cell: (s) => (
        <div className="flex items-center justify-end gap-2">
          <Link to={`/segments/${s.id}/edit`} className="btn-secondary" aria-label={t("list.editNamed", { name: s.name })}>
            {t("list.edit")}
          </Link>
          <Link to={`/segments/new?from=${s.id}`} className="btn-secondary" aria-label={t("list.duplicateNamed", { name: s.name })} data-testid={`duplicate-${s.code}`}>
            {t("list.duplicate")}
          </Link>
          <DeleteButton segment={s} />
        </div>
      ),
    });
  }
  return columns;
}

/** Whether the segment's secret feed is on, revoked or was never made; it leads to the feed panel. */
function FeedLinkState({ segment: s }: { segment: LoaderData["segments"][number] }) {
  const { t } = useTranslation("feeds");
  const state = s.feed ?? "off";
  const style = { on: "bg-emerald-50 text-emerald-700", revoked: "bg-rose-50 text-rose-700", off: "text-slate-400" }[state];
  const label = { on: t("list.feedOn"), revoked: t("list.feedRevoked"), off: t("list.feedOff") }[state];
  return (
    <Link to={`/segments/${s.id}#feed`} className={state === "off" ? `text-sm hover:underline ${style}` : `badge hover:underline ${style}`} data-testid="feed-link-state" data-state={state}>
      {label}
    </Link>
  );
}

function UsedByLinks({ usedBy }: { usedBy: Array<{ id: number; name: string }> }) {
  return (
    <>
      {usedBy.map((u, i) => (
        <span key={u.id}>
          {i > 0 && ", "}
          <Link to={`/segments/${u.id}`} className="font-medium underline">
            {u.name}
          </Link>
        </span>
      ))}
    </>
  );
}

/** Asks in a dialog first, naming what uses the segment; with users the delete is not offered at all. */
function DeleteButton({ segment: s }: { segment: LoaderData["segments"][number] }) {
  const { t } = useTranslation("segments");
  const [asking, setAsking] = useState(false);
  const navigation = useNavigation();
  return (
    <>
      <button type="button" className="btn-secondary text-red-700" onClick={() => setAsking(true)} aria-label={t("list.deleteNamed", { name: s.name })}>
        {t("list.delete")}
      </button>
      <Dialog open={asking} onClose={() => setAsking(false)} title={t("list.deleteTitle", { name: s.name })} testId="delete-confirm">
        {s.usedBy.length > 0 ? (
          <>
            <p className="whitespace-normal text-sm text-slate-700">
              {t("list.usedBy", { name: s.name, count: s.usedBy.length })} <UsedByLinks usedBy={s.usedBy} />
            </p>
            <div className="flex justify-end">
              <button type="button" className="btn-secondary" data-autofocus onClick={() => setAsking(false)}>
                {t("list.ok")}
              </button>
            </div>
          </>
        ) : (
          <Form method="post" className="space-y-4" onSubmit={() => setAsking(false)}>
            <AuthenticityTokenInput />
            <input type="hidden" name="segmentId" value={s.id} />
            <p className="whitespace-normal text-sm text-slate-700">{t("list.deleteQuestion", { name: s.name })}</p>
            <div className="flex flex-wrap justify-end gap-2">
              <button type="button" className="btn-secondary" onClick={() => setAsking(false)}>
                {t("list.cancel")}
              </button>
              <button type="submit" name="intent" value="delete" className="btn-danger" data-autofocus disabled={navigation.state === "submitting"}>
                {t("list.deleteConfirm")}
              </button>
            </div>
          </Form>
        )}
      </Dialog>
    </>
  );
}

/** Search and filters as a GET form: the query string is the state, so a filtered list can be linked to. */
function SegmentFilterBar({ filter, shown, total }: { filter: { q: string; type?: string; active?: string }; shown: number; total: number }) {
  const { t } = useTranslation("segments");
  const submit = useSubmit();
  const [text, setText] = useState(filter.q);
  return (
    <Form method="get" role="search" className="flex flex-wrap items-end gap-3" data-testid="segments-filter" onChange={(e) => {
      // the menus filter at once; the text box on Enter or the Filter button
      if ((e.target as HTMLElement).tagName === "SELECT") submit(e.currentTarget, { replace: true });
    }}>
      <label className="block min-w-[12rem] flex-1">
        <span className="label text-xs">{t("list.search")}</span>
        <input
          type="search"
          name="q"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder={t("list.searchPlaceholder")}
          className="input mt-1 w-full"
          data-testid="segments-search"
        />
      </label>
      <label className="block">
        <span className="label text-xs">{t("list.type")}</span>
        <select name="type" defaultValue={filter.type ?? ""} className="input mt-1" data-testid="segments-type">
          <option value="">{t("list.anyType")}</option>
          {SEGMENT_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`types.${type}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="block">
        <span className="label text-xs">{t("list.active")}</span>
        <select name="active" defaultValue={filter.active ?? ""} className="input mt-1" data-testid="segments-active">
          <option value="">{t("list.anyActive")}</option>
          <option value="yes">{t("active.yes")}</option>
          <option value="no">{t("active.no")}</option>
        </select>
      </label>
      <button type="submit" className="btn-secondary">
        {t("list.filter")}
      </button>
      <p className="w-full text-sm text-slate-500" aria-live="polite" data-testid="segments-shown">
        {t("list.shown", { count: total, shown, formatted: total })}
      </p>
    </Form>
  );
}

function NoMatch() {
  const { t } = useTranslation("segments");
  return (
    <div className="px-6 py-12 text-center" data-testid="segments-no-match">
      <p className="text-sm text-slate-600">{t("list.noMatch")}</p>
      <Link to="/segments" className="btn-secondary mt-3">
        {t("list.clearFilter")}
      </Link>
    </div>
  );
}

function EmptyState({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation("segments");
  return (
    <div className="px-6 py-16 text-center" data-testid="segments-empty">
      <svg aria-hidden="true" viewBox="0 0 24 24" className="mx-auto h-10 w-10 text-slate-300" fill="none" stroke="currentColor" strokeWidth="1.5">
        <circle cx="9" cy="12" r="6" />
        <circle cx="15" cy="12" r="6" />
      </svg>
      <h2 className="mt-3 text-base font-semibold text-slate-900">{t("list.emptyTitle")}</h2>
      <p className="mx-auto mt-1 max-w-md text-sm text-slate-500">{canEdit ? t("list.empty") : t("list.emptyReadOnly")}</p>
      {canEdit && (
        <Link to="/segments/new" className="btn mt-4">
          + {t("list.new")}
        </Link>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
