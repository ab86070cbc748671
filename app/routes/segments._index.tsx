import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatNumber } from "~/format";
import { deleteSegment, getSegment, getStoreSettings, listSegments, readTimestamp, referencedCodes, segmentScheduleHooks, sizeSeries } from "~/domain/segments.server";
import { Sparkline } from "~/components/segments/Sparkline";
import { ActiveBadge, Notice, RelativeTime, SEGMENT_EDITORS, TypeBadge } from "~/components/segments/parts";

export const meta: MetaFunction = () => [{ title: "Segments · Segment console" }];

const SPARK_POINTS = 24;
const SPARK_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer", "manager");
  const db = context.services.db;
  const now = new Date();
  const [segments, store] = await Promise.all([listSegments(db), getStoreSettings(db)]);
  const series = await sizeSeries(
    db,
    segments.map((s) => s.id),
    { now, points: SPARK_POINTS, windowMs: SPARK_WINDOW_MS },
  );
  // what would break if a segment went away: the same rule deleteSegment checks, from the list in hand
  const usedBy = new Map<string, Array<{ id: number; name: string }>>();
  for (const s of segments) {
    for (const code of referencedCodes(s.criteria)) usedBy.set(code, [...(usedBy.get(code) ?? []), { id: s.id, name: s.name }]);
  }
  return json({
    now: now.toISOString(),
    store,
    canEdit: (SEGMENT_EDITORS as readonly string[]).includes(user.role),
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
    })),
  });
}

const DeleteSchema = z.object({ intent: z.literal("delete"), segmentId: z.coerce.number().int().positive() });

interface DeleteAnswer {
  deleted?: string;
  refused?: { name: string; usedBy: Array<{ id: number; name: string }> };
  badRequest?: boolean;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer");
  const form = await readForm(request, context);
  const parsed = DeleteSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json<DeleteAnswer>({ badRequest: true }, { status: 400 });
  const db = context.services.db;
  const segment = await getSegment(db, parsed.data.segmentId);
  const now = new Date();
  // the segment's recompute job goes with it, in the same transaction
  const out = await deleteSegment(db, parsed.data.segmentId, { userId: user.id, ip: context.clientIp }, now, segmentScheduleHooks(context.services.jobs, () => now));
  if (!out.ok) return json<DeleteAnswer>({ refused: { name: segment?.name ?? "", usedBy: out.usedBy.map((u) => ({ id: u.id, name: u.name })) } }, { status: 409 });
  return json<DeleteAnswer>({ deleted: segment?.name ?? "" });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function SegmentsList() {
  const { segments, store, canEdit, now } = useLoaderData<typeof loader>();
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
          <Link to="/segments/new" className="btn" data-testid="new-segment">
            + {t("list.new")}
          </Link>
        )}
      </div>

      {answer?.deleted !== undefined && <Notice tone="success">{t("list.deleted", { name: answer.deleted })}</Notice>}
      {answer?.refused && (
        <Notice tone="error" testId="delete-refused">
          {t("list.refused", { name: answer.refused.name, count: answer.refused.usedBy.length })} <UsedByLinks usedBy={answer.refused.usedBy} />
        </Notice>
      )}

      <div className="card overflow-hidden p-0">
        {segments.length === 0 ? (
          <EmptyState canEdit={canEdit} />
        ) : (
          <div className="overflow-x-auto">
            <table className="table" data-testid="segments-table">
              <thead>
                <tr className="whitespace-nowrap">
                  <th scope="col">{t("list.name")}</th>
                  <th scope="col">{t("list.type")}</th>
                  <th scope="col">{t("list.active")}</th>
                  <th scope="col" className="text-right">
                    {t("list.members")}
                  </th>
                  <th scope="col">{t("list.lastRecomputed")}</th>
                  {canEdit && (
                    <th scope="col" className="text-right">
                      <span className="sr-only">{t("list.actions")}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {segments.map((s) => (
                  <SegmentRow key={s.id} segment={s} store={store} canEdit={canEdit} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
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

function SegmentRow({ segment: s, store, canEdit, now }: { segment: LoaderData["segments"][number]; store: LoaderData["store"]; canEdit: boolean; now: string }) {
  const { t } = useTranslation("segments");
  const muted = s.isActive ? "" : "text-slate-500";
  return (
    <tr className={s.isActive ? "hover:bg-slate-50" : "bg-slate-50/60 hover:bg-slate-50"} data-testid={`segment-row-${s.code}`}>
      <td className="max-w-[22rem]">
        <Link to={`/segments/${s.id}`} className={`block truncate font-medium hover:underline ${s.isActive ? "text-indigo-700" : "text-slate-600"}`} title={s.name}>
          {s.name}
        </Link>
        <div className="truncate font-mono text-xs text-slate-500" title={s.code}>
          {s.code}
        </div>
      </td>
      <td>
        <TypeBadge type={s.type} isLocked={s.isLocked} />
      </td>
      <td>
        <ActiveBadge isActive={s.isActive} />
      </td>
      <td className={`whitespace-nowrap text-right ${muted}`}>
        <span className="inline-flex items-center gap-3">
          <Sparkline samples={s.samples} isActive={s.isActive} label={t("list.sparkline", { name: s.name })} />
          <span className="min-w-[4rem] font-medium tabular-nums" data-testid="member-count">
            {formatNumber(s.memberCount, store.locale)}
          </span>
        </span>
      </td>
      <td className={`text-sm ${muted}`}>
        {s.type === "manual" ? (
          <span className="text-slate-400">{t("list.byHand")}</span>
        ) : (
          <RelativeTime at={s.lastRecomputedAt} now={now} locale={store.locale} timeZone={store.timeZone} never={t("list.never")} />
        )}
      </td>
      {canEdit && (
        <td className="whitespace-nowrap text-right">
          <div className="flex items-center justify-end gap-2">
            <Link to={`/segments/${s.id}/edit`} className="btn-secondary" aria-label={t("list.editNamed", { name: s.name })}>
              {t("list.edit")}
            </Link>
            <DeleteButton segment={s} />
          </div>
        </td>
      )}
    </tr>
  );
}

/** Asks first, naming what uses the segment; with users the delete is not offered at all. */
function DeleteButton({ segment: s }: { segment: LoaderData["segments"][number] }) {
  const { t } = useTranslation("segments");
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const navigation = useNavigation();
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className="btn-secondary text-red-700" onClick={() => setAsking(true)} aria-label={t("list.deleteNamed", { name: s.name })}>
        {t("list.delete")}
      </button>
    );
  }
  return (
    <div className="inline-flex max-w-xs flex-col items-end gap-2 whitespace-normal text-left" role="group" data-testid="delete-confirm">
      {s.usedBy.length > 0 ? (
        <>
          <p className="text-sm text-slate-700">
            {t("list.usedBy", { name: s.name, count: s.usedBy.length })} <UsedByLinks usedBy={s.usedBy} />
          </p>
          <button type="button" className="btn-secondary" onClick={() => setAsking(false)}>
            {t("list.ok")}
          </button>
        </>
      ) : (
        <Form method="post" className="flex flex-col items-end gap-2" onSubmit={() => setAsking(false)}>
          <AuthenticityTokenInput />
          <input type="hidden" name="segmentId" value={s.id} />
          <p className="text-sm text-slate-700">{t("list.deleteQuestion", { name: s.name })}</p>
          <div className="flex gap-2">
            <button ref={confirmRef} type="submit" name="intent" value="delete" className="btn-danger" disabled={navigation.state === "submitting"}>
              {t("list.deleteConfirm")}
            </button>
            <button type="button" className="btn-secondary" onClick={() => setAsking(false)}>
              {t("list.cancel")}
            </button>
          </div>
        </Form>
      )}
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
