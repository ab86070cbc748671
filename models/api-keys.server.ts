import crypto from "node:crypto";
import { Op, QueryTypes } from "sequelize";
import type { Database } from "./db";
import { recordAudit, type AuditActor } from "./audit.server";
import { API_SCOPES, type ApiScope } from "./api-scopes";
import { readTimestamp } from "./sql/bulk";

export { API_SCOPES, type ApiScope };

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: string | null;
}

export interface ApiCaller {
  apiKeyId: number;
  scopes: ApiScope[];
}

const hash = (key: string) => crypto.createHash("sha256").update(key).digest("hex");

/**
 * Creates a key and returns its secret, which is never stored and so can be shown only now.
 * Keys are 160 random bits; a SHA-256 of the whole key is what the database keeps.
 */
export async function createApiKey(
  db: Database,
  input: { name: string; scopes: ApiScope[] },
  actor: AuditActor,
  now = new Date(),
): Promise<{ id: number; secret: string }> {
  const prefix = `sk_${crypto.randomBytes(4).toString("hex")}`;
  const secret = `${prefix}_${crypto.randomBytes(20).toString("base64url")}`;
  return db.sequelize.transaction(async (transaction) => {
    const key = await db.models.ApiKey.create(
      { name: input.name, prefix, keyHash: hash(secret), scopes: [...new Set(input.scopes)].join(" "), createdById: actor.userId ?? null },
      { transaction },
    );
    await recordAudit(db, actor, "api_key.create", { type: "api_key", id: key.id, detail: { name: input.name, scopes: input.scopes } }, transaction, now);
    return { id: key.id, secret };
  });
}

/** Revokes a key at once: its next call is refused. False when it was unknown or already revoked. */
export async function revokeApiKey(db: Database, id: number, actor: AuditActor, now = new Date()): Promise<boolean> {
  return db.sequelize.transaction(async (transaction) => {
    const [count] = await db.models.ApiKey.update({ revokedAt: now }, { where: { id, revokedAt: { [Op.is]: null } }, transaction });
    if (count) await recordAudit(db, actor, "api_key.revoke", { type: "api_key", id }, transaction, now);
    return count > 0;
  });
}

export async function listApiKeys(db: Database): Promise<ApiKeyView[]> {
  const keys = await db.models.ApiKey.findAll({ include: [{ association: "createdBy", attributes: ["name"] }], order: [["id", "DESC"]] });
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes.split(" ").filter(Boolean) as ApiScope[],
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt ?? null,
    revokedAt: k.revokedAt ?? null,
    createdBy: (k as unknown as { createdBy?: { name: string } }).createdBy?.name ?? null,
  }));
}

// last_used_at is written at most once a minute per key, so a busy integration does not turn
// every API call into an extra UPDATE
const LAST_USED_RESOLUTION_MS = 60_000;

/** The caller behind a bearer key, or null for an unknown or revoked key. */
export async function authenticateApiKey(db: Database, secret: string, now = new Date()): Promise<ApiCaller | null> {
  if (!/^sk_[0-9a-f]{8}_[A-Za-z0-9_-]{20,64}$/.test(secret)) return null;
  // plain SQL: every API call asks, and building a model query costs twice the indexed read itself
  // (the storefront lookup's bar, docs/decisions/0037)
  const [key] = await db.sequelize.query<{ id: number; scopes: string; last_used_at: Date | string | null; revoked_at: Date | string | null }>(
    "SELECT id, scopes, last_used_at, revoked_at FROM api_keys WHERE key_hash = ?",
    { replacements: [hash(secret)], type: QueryTypes.SELECT },
  );
  if (!key || key.revoked_at) return null;
  if (!key.last_used_at || now.getTime() - readTimestamp(key.last_used_at)!.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.models.ApiKey.update({ lastUsedAt: now }, { where: { id: key.id } });
  }
  return { apiKeyId: Number(key.id), scopes: key.scopes.split(" ").filter(Boolean) as ApiScope[] };
}
