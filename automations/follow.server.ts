// The follower of segment events (docs/decisions/0031): reads segment_events by id after a cursor
// kept in change_log_positions and writes one firing per (automation, event) for the automations
// on the event's segment. The unique key (automation_id, segment_event_id) makes reading an event
// twice harmless, so after a restart, or with two followers at once, nothing acts twice.
//
// Ids are not committed in order on MariaDB: a recompute's transaction holding ids 1..10000 may
// commit after one holding 10001. The cursor therefore stops below the first id not seen yet (a
// gap), and the follower looks into each gap again until its rows appear or the gap is older than
// `gapGraceMs` (a rolled-back transaction leaves a gap for ever).
import { Op, QueryTypes } from "sequelize";
import type { Database } from "../models/db";
import type { AutomationRow } from "../models/automation-models";
import { bulkInsert, readTimestamp, type SqlValue } from "../models/sql/bulk";
import { firingDueAt } from "./timing";

/** The follower's name in change_log_positions. */
export const EVENT_FOLLOWER = "automation-firings";
/** How long a gap in the event ids is waited for before it counts as a rolled-back write. */
export const GAP_GRACE_MS = 5 * 60_000;

/** What one follower process remembers between rounds: the ids it handled past the saved cursor and the gaps below them. */
export interface FollowerState {
  /** Every event id at or below this was handled, or lies in `gaps`. */
  handledUpTo: number | null;
  gaps: Array<{ from: number; to: number; seenAtMs: number }>;
}

export const newFollowerState = (): FollowerState => ({ handledUpTo: null, gaps: [] });

interface EventRow {
  id: number;
  segmentId: number;
  customerId: number;
  kind: "entered" | "left";
  at: Date;
}

const FIRING_COLUMNS = ["automation_id", "segment_event_id", "customer_id", "event_kind", "event_at", "status", "due_at", "attempts", "created_at", "updated_at"];

/**
 * Writes the firings of a batch of events: for each live automation on the event's segment whose
 * trigger is the event's kind and which existed before it. A paused automation's firings are held.
 */
export async function writeFirings(db: Database, events: EventRow[], now: Date): Promise<number> {
  if (events.length === 0) return 0;
  const segmentIds = [...new Set(events.map((e) => e.segmentId))];
  const automations = await db.models.Automation.findAll({ where: { segmentId: { [Op.in]: segmentIds }, deletedAt: { [Op.is]: null } }, raw: true });
  if (automations.length === 0) return 0;
  const bySegment = new Map<string, AutomationRow[]>();
  for (const a of automations) {
    const key = `${a.segmentId}:${a.triggerKind}`;
    bySegment.set(key, [...(bySegment.get(key) ?? []), a]);
  }
  const matched: Array<[EventRow, AutomationRow]> = [];
  for (const e of events) for (const a of bySegment.get(`${e.segmentId}:${e.kind}`) ?? []) if (e.id > Number(a.sinceEventId)) matched.push([e, a]);
  if (matched.length === 0) return 0;
  const store = await db.models.StoreSettings.findByPk(1, { attributes: ["timeZone"], raw: true });
  const storeZone = store?.timeZone ?? "UTC";
  // a customer's zone only matters for "the next day at" delays
  const zones = new Map<number, string | null>();
  const zoned = [...new Set(matched.filter(([, a]) => a.delayKind === "next_day_at").map(([e]) => e.customerId))];
  for (let i = 0; i < zoned.length; i += 1000) {
    const rows = await db.models.Customer.findAll({ attributes: ["id", "timeZone"], where: { id: { [Op.in]: zoned.slice(i, i + 1000) } }, raw: true });
    for (const r of rows) zones.set(r.id, r.timeZone ?? null);
  }
  const rows: SqlValue[][] = matched.map(([e, a]) => [
    a.id,
    e.id,
    e.customerId,
    e.kind,
    e.at,
    a.isActive ? "pending" : "held",
    firingDueAt(a, e.at, zones.get(e.customerId) ?? null, storeZone),
    0,
    now,
    now,
  ]);
  await bulkInsert(db, "automation_firings", FIRING_COLUMNS, rows, { conflict: "ignore" });
  return rows.length;
}

const toEvent = (r: { id: number | string; segment_id: number | string; customer_id: number | string; kind: string; at: unknown }): EventRow => ({
  id: Number(r.id),
  segmentId: Number(r.segment_id),
  customerId: Number(r.customer_id),
  kind: r.kind as EventRow["kind"],
  at: readTimestamp(r.at)!,
});

async function readEvents(db: Database, where: string, replacements: Record<string, number>, limit: number): Promise<EventRow[]> {
  const rows = await db.sequelize.query<{ id: number; segment_id: number; customer_id: number; kind: string; at: unknown }>(
    `SELECT id, segment_id, customer_id, kind, at FROM segment_events WHERE ${where} ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`,
    { replacements, type: QueryTypes.SELECT },
  );
  return rows.map(toEvent);
}

async function readCursor(db: Database): Promise<number> {
  const row = await db.models.ChangeLogPosition.findByPk(EVENT_FOLLOWER, { raw: true });
  return row ? Number(row.changeId) : 0;
}

/** The parts of [from, to] not among `ids` (ascending, all inside). */
function remainder(from: number, to: number, ids: number[]): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  let next = from;
  for (const id of ids) {
    if (id > next) out.push({ from: next, to: id - 1 });
    next = id + 1;
  }
  if (next <= to) out.push({ from: next, to });
  return out;
}

export interface FollowRound {
  events: number;
  firings: number;
  /** The saved cursor after the round. */
  cursor: number;
  /** Whether the round read a full batch (more may be waiting). */
  isFull: boolean;
}

/**
 * One round of the follower: the next `batch` events after what this process handled, and any
 * events that have appeared in its gaps, become firings; the cursor moves to below the first gap.
 * `monotonicMs` measures how long a gap has been open (a process clock, not the store's).
 */
export async function followSegmentEvents(db: Database, state: FollowerState, options: { now: Date; monotonicMs: number; batch?: number; gapGraceMs?: number }): Promise<FollowRound> {
  const batch = options.batch ?? 2000;
  const grace = options.gapGraceMs ?? GAP_GRACE_MS;
  const saved = await readCursor(db);
  if (state.handledUpTo === null || state.handledUpTo < saved) {
    state.handledUpTo = saved;
    state.gaps = state.gaps.filter((g) => g.to > saved).map((g) => ({ ...g, from: Math.max(g.from, saved + 1) }));
  }
  let events = 0;
  let firings = 0;
  // the gaps first: rows that committed late
  const stillOpen: FollowerState["gaps"] = [];
  for (const gap of state.gaps) {
    const found = await readEvents(db, "id BETWEEN :from AND :to", { from: gap.from, to: gap.to }, gap.to - gap.from + 1);
    events += found.length;
    firings += await writeFirings(db, found, options.now);
    if (options.monotonicMs - gap.seenAtMs >= grace) continue;
    for (const rest of remainder(gap.from, gap.to, found.map((e) => e.id))) stillOpen.push({ ...rest, seenAtMs: gap.seenAtMs });
  }
  state.gaps = stillOpen;
  const fresh = await readEvents(db, "id > :after", { after: state.handledUpTo }, batch);
  events += fresh.length;
  firings += await writeFirings(db, fresh, options.now);
  let previous = state.handledUpTo;
  for (const e of fresh) {
    if (e.id > previous + 1) state.gaps.push({ from: previous + 1, to: e.id - 1, seenAtMs: options.monotonicMs });
    previous = e.id;
  }
  state.handledUpTo = previous;
  const cursor = state.gaps.length ? Math.min(...state.gaps.map((g) => g.from)) - 1 : state.handledUpTo;
  if (cursor !== saved) await db.models.ChangeLogPosition.upsert({ reader: EVENT_FOLLOWER, changeId: cursor, updatedAt: options.now });
  return { events, firings, cursor, isFull: fresh.length >= batch };
}
