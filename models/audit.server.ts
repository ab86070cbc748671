import { Op, type Transaction, type WhereOptions } from "sequelize";
import type { Database } from "./db";
import type { AuditEntry } from "./models";

export interface AuditActor {
  userId?: number | null;
  apiKeyId?: number | null;
  ip?: string | null;
}

/** Records an admin action; pass the transaction of the change it describes. */
export async function recordAudit(
  db: Database,
  actor: AuditActor,
  action: string,
  target: { type?: string; id?: string | number; detail?: unknown } = {},
  transaction?: Transaction,
  now = new Date(),
): Promise<void> {
  await db.models.AuditEntry.create(
    {
      userId: actor.userId ?? null,
      apiKeyId: actor.apiKeyId ?? null,
      action,
      targetType: target.type ?? null,
      targetId: target.id === undefined ? null : String(target.id),
      detail: target.detail === undefined ? null : JSON.stringify(target.detail),
      ip: actor.ip ?? null,
      createdAt: now,
    },
    { transaction },
  );
}

/** One line of the audit log page. */
export interface AuditEntryView {
  id: number;
  createdAt: Date;
  action: string;
  userId: number | null;
  userName: string | null;
  apiKeyId: number | null;
  apiKeyName: string | null;
  targetType: string | null;
  targetId: string | null;
  detail: unknown;
  ip: string | null;
}

export interface AuditPageQuery {
  action?: string;
  userId?: number;
  /** Entries older than this id (the next page). */
  before?: number;
  /** Entries newer than this id (the previous page). */
  after?: number;
  limit?: number;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Cursor for `before` when older entries exist. */
  olderCursor: number | null;
  /** Cursor for `after` when newer entries exist. */
  newerCursor: number | null;
}

function parseDetail(detail: string | null): unknown {
  if (detail === null) return null;
  try {
    return JSON.parse(detail);
  } catch {
    return detail;
  }
}

/**
 * The audit log newest first, a page at a time. Pages are cut by id (keyset), so a page deep in a
 * long log costs what the first one does, and entries written meanwhile never shift a page.
 */
export async function listAuditEntries(db: Database, query: AuditPageQuery = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
  const filter: WhereOptions<AuditEntry> = {
    ...(query.action ? { action: query.action } : {}),
    ...(query.userId ? { userId: query.userId } : {}),
  };
  const goingBack = query.after !== undefined && query.before === undefined;
  const rows = await db.models.AuditEntry.findAll({
    where: {
      ...filter,
      ...(query.before !== undefined ? { id: { [Op.lt]: query.before } } : {}),
      ...(goingBack ? { id: { [Op.gt]: query.after } } : {}),
    },
    include: [{ association: "user", attributes: ["name"] }],
    order: [["id", goingBack ? "ASC" : "DESC"]],
    limit: limit + 1,
  });
  const hasMoreInDirection = rows.length > limit;
  const page = rows.slice(0, limit);
  if (goingBack) page.reverse();
  const keyNames = await apiKeyNames(db, page);
  const entries = page.map((e) => ({
    id: Number(e.id),
    createdAt: e.createdAt,
    action: e.action,
    userId: e.userId ?? null,
    userName: (e as unknown as { user?: { name: string } | null }).user?.name ?? null,
    apiKeyId: e.apiKeyId ?? null,
    apiKeyName: e.apiKeyId ? (keyNames.get(e.apiKeyId) ?? null) : null,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    detail: parseDetail(e.detail ?? null),
    ip: e.ip ?? null,
  }));
  if (entries.length === 0) return { entries, olderCursor: null, newerCursor: null };
  const newest = entries[0].id;
  const oldest = entries[entries.length - 1].id;
  const exists = async (id: { [Op.lt]: number } | { [Op.gt]: number }) =>
    (await db.models.AuditEntry.findOne({ where: { ...filter, id }, attributes: ["id"] })) !== null;
  const hasOlder = goingBack ? await exists({ [Op.lt]: oldest }) : hasMoreInDirection;
  const hasNewer = goingBack ? hasMoreInDirection : await exists({ [Op.gt]: newest });
  return { entries, olderCursor: hasOlder ? oldest : null, newerCursor: hasNewer ? newest : null };
}

async function apiKeyNames(db: Database, entries: AuditEntry[]): Promise<Map<number, string>> {
  const ids = [...new Set(entries.map((e) => e.apiKeyId).filter((id): id is number => typeof id === "number"))];
  if (ids.length === 0) return new Map();
  const keys = await db.models.ApiKey.findAll({ where: { id: ids }, attributes: ["id", "name"] });
  return new Map(keys.map((k) => [k.id, k.name]));
}

/** The actions that occur in the log, for the page's filter. */
export async function listAuditActions(db: Database): Promise<string[]> {
  const rows = await db.models.AuditEntry.findAll({ attributes: ["action"], group: ["action"], order: [["action", "ASC"]], raw: true });
  return rows.map((r) => r.action);
}
