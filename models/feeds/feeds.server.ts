// A segment's secret feed (docs/decisions/0036): a URL whose token is the whole authority, so only
// its SHA-256 is stored; it is shown once when made, replaced when rotated and dropped when revoked.
// An unknown, rotated or revoked token finds no row by its hash: all three are the same miss.
import crypto from "node:crypto";
import { Op, type Transaction } from "sequelize";
import type { Database } from "../db";
import { recordAudit, type AuditActor } from "../audit.server";
import { FEED_FORMATS, type FeedFormat, type FeedResource } from "../feed-models";

export { FEED_FORMATS, type FeedFormat, type FeedResource };

/** 192 random bits, base64url: 32 characters. */
const TOKEN_BYTES = 24;

export const hashFeedToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

const newToken = () => crypto.randomBytes(TOKEN_BYTES).toString("base64url");

export interface FeedState {
  isEnabled: boolean;
  formats: FeedFormat[];
  enabledAt: Date | null;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

const NO_FEED: FeedState = { isEnabled: false, formats: [...FEED_FORMATS], enabledAt: null, rotatedAt: null, revokedAt: null };

const formatsOf = (text: string): FeedFormat[] => FEED_FORMATS.filter((f) => text.split(" ").includes(f));
const date = (v: Date | string | null | undefined) => (v ? new Date(v) : null);

/** The feed's state as the segment page and the API show it; never the token. */
export async function getFeedState(db: Database, segmentId: number): Promise<FeedState> {
  const row = await db.models.SegmentFeed.findOne({ where: { segmentId }, raw: true });
  return row ? stateOf(row) : NO_FEED;
}

function stateOf(row: { tokenHash: string | null; formats: string; enabledAt: Date; rotatedAt: Date | null; revokedAt: Date | null }): FeedState {
  const isEnabled = row.tokenHash !== null;
  return { isEnabled, formats: formatsOf(row.formats), enabledAt: isEnabled ? date(row.enabledAt) : null, rotatedAt: isEnabled ? date(row.rotatedAt) : null, revokedAt: date(row.revokedAt) };
}

/** Each segment's feed state ("on", "revoked" or "off"), for the segments list. */
export async function feedLinkStates(db: Database, segmentIds: number[]): Promise<Map<number, "on" | "revoked">> {
  if (segmentIds.length === 0) return new Map();
  const rows = await db.models.SegmentFeed.findAll({ attributes: ["segmentId", "tokenHash"], where: { segmentId: { [Op.in]: segmentIds } }, raw: true });
  return new Map(rows.map((r) => [r.segmentId, r.tokenHash === null ? "revoked" : "on"]));
}

export type FeedChange = { ok: true; token: string; state: FeedState } | { ok: false; reason: "missing" | "already_enabled" | "not_enabled" };

async function liveSegment(db: Database, segmentId: number, transaction: Transaction) {
  return db.models.Segment.findOne({
    attributes: ["id"],
    where: { id: segmentId, deletedAt: { [Op.is]: null } },
    transaction,
    // MariaDB: two admins changing one feed take turns
    lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined,
  });
}

/** Turns the feed on with a new token, returned only here. Refused when it is on already (rotate instead). */
export async function enableFeed(db: Database, segmentId: number, formats: FeedFormat[], actor: AuditActor, now: Date): Promise<FeedChange> {
  return db.sequelize.transaction(async (transaction) => {
    if (!(await liveSegment(db, segmentId, transaction))) return { ok: false, reason: "missing" };
    const row = await db.models.SegmentFeed.findOne({ where: { segmentId }, transaction });
    if (row?.tokenHash) return { ok: false, reason: "already_enabled" };
    const token = newToken();
    const values = { tokenHash: hashFeedToken(token), formats: formatsText(formats), enabledById: actor.userId ?? null, enabledAt: now, rotatedAt: null, revokedAt: null };
    const saved = row ? await row.update(values, { transaction }) : await db.models.SegmentFeed.create({ segmentId, ...values }, { transaction });
    await recordAudit(db, actor, "segment.feed.enable", { type: "segment", id: segmentId, detail: { formats: formatsOf(saved.formats) } }, transaction, now);
    return { ok: true, token, state: stateOf(saved) };
  });
}

/** A new token for a feed that is on; the old one is refused from this commit on. */
export async function rotateFeed(db: Database, segmentId: number, actor: AuditActor, now: Date): Promise<FeedChange> {
  return db.sequelize.transaction(async (transaction) => {
    if (!(await liveSegment(db, segmentId, transaction))) return { ok: false, reason: "missing" };
    const row = await db.models.SegmentFeed.findOne({ where: { segmentId }, transaction });
    if (!row?.tokenHash) return { ok: false, reason: "not_enabled" };
    const token = newToken();
    await row.update({ tokenHash: hashFeedToken(token), rotatedAt: now }, { transaction });
    await recordAudit(db, actor, "segment.feed.rotate", { type: "segment", id: segmentId }, transaction, now);
    return { ok: true, token, state: stateOf(row) };
  });
}

/** Turns the feed off: its token is forgotten, so the URL answers 404 from this commit on. */
export async function revokeFeed(db: Database, segmentId: number, actor: AuditActor, now: Date): Promise<{ ok: true; state: FeedState } | { ok: false; reason: "missing" | "not_enabled" }> {
  return db.sequelize.transaction(async (transaction) => {
    if (!(await liveSegment(db, segmentId, transaction))) return { ok: false, reason: "missing" };
    const row = await db.models.SegmentFeed.findOne({ where: { segmentId }, transaction });
    if (!row?.tokenHash) return { ok: false, reason: "not_enabled" };
    await row.update({ tokenHash: null, revokedAt: now }, { transaction });
    await recordAudit(db, actor, "segment.feed.revoke", { type: "segment", id: segmentId }, transaction, now);
    return { ok: true, state: stateOf(row) };
  });
}

/** Which formats the feed serves; the URL stays the same. */
export async function setFeedFormats(db: Database, segmentId: number, formats: FeedFormat[], actor: AuditActor, now: Date): Promise<{ ok: true; state: FeedState } | { ok: false; reason: "missing" | "not_enabled" }> {
  return db.sequelize.transaction(async (transaction) => {
    if (!(await liveSegment(db, segmentId, transaction))) return { ok: false, reason: "missing" };
    const row = await db.models.SegmentFeed.findOne({ where: { segmentId }, transaction });
    if (!row?.tokenHash) return { ok: false, reason: "not_enabled" };
    const before = formatsOf(row.formats);
    await row.update({ formats: formatsText(formats) }, { transaction });
    if (before.join(" ") !== row.formats) await recordAudit(db, actor, "segment.feed.formats", { type: "segment", id: segmentId, detail: { from: before, to: formatsOf(row.formats) } }, transaction, now);
    return { ok: true, state: stateOf(row) };
  });
}

const formatsText = (formats: FeedFormat[]) => FEED_FORMATS.filter((f) => formats.includes(f)).join(" ");

/**
 * The segment a token opens and the formats it serves, or null. The token is looked up by its hash
 * (an index lookup that learns nothing from how much of a guess is right), and the stored hash is
 * compared once more in constant time.
 */
export async function openFeed(db: Database, token: string): Promise<{ segmentId: number; formats: FeedFormat[] } | null> {
  const hash = hashFeedToken(token);
  const row = await db.models.SegmentFeed.findOne({ attributes: ["segmentId", "tokenHash", "formats"], where: { tokenHash: hash }, raw: true });
  if (!row?.tokenHash || !crypto.timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return null;
  // a deleted segment's feed serves nothing
  if (!(await db.models.Segment.count({ where: { id: row.segmentId, deletedAt: { [Op.is]: null } } }))) return null;
  return { segmentId: row.segmentId, formats: formatsOf(row.formats) };
}

export interface FeedReadView {
  id: number;
  at: Date;
  address: string;
  resource: FeedResource;
  format: FeedFormat;
  rows: number;
}

/** Writes one served read of a feed to its log. */
export async function logFeedRead(db: Database, read: { segmentId: number; at: Date; address: string; resource: FeedResource; format: FeedFormat; rows: number }): Promise<void> {
  await db.models.SegmentFeedRead.create({ ...read, address: read.address.slice(0, 64) });
}

/** A segment's latest feed reads, newest first. */
export async function latestFeedReads(db: Database, segmentId: number, limit: number): Promise<FeedReadView[]> {
  const rows = await db.models.SegmentFeedRead.findAll({ where: { segmentId }, order: [["id", "DESC"]], limit, raw: true });
  return rows.map((r) => ({ id: Number(r.id), at: new Date(r.at), address: r.address, resource: r.resource, format: r.format, rows: r.rows }));
}
