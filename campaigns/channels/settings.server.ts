// The channel_settings rows: per channel, the provider settings an admin saved on the channels page
// (secrets sealed, see seal.ts) and the channel's rate. Saving and clearing are audited with the
// names of what changed, never a secret's value.
import type { Transaction } from "sequelize";
import type { Database } from "../../models/db";
import { recordAudit, type AuditActor } from "../../models/audit.server";
import type { ChannelName } from "./channel";
import { CHANNEL_FIELDS, type ChannelFormValues } from "./settings-schema";
import { isSealed, openSecret, sealSecret } from "./seal";

/** A row's settings as stored: plain values, and secrets as sealed text. */
export type StoredSettings = Record<string, string | number>;

export interface ChannelSettingsRecord {
  channel: ChannelName;
  /** Plain values and opened secrets; a secret that does not open is left out and listed in `unreadable`. */
  values: Record<string, string | number>;
  /** Secrets sealed under another session secret (it changed since they were saved): enter them again. */
  unreadable: string[];
  ratePerSecond: number | null;
  updatedAt: Date;
  updatedById: number | null;
}

function parseStored(text: string): StoredSettings {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === "string" || typeof v === "number")) as StoredSettings;
  } catch {
    return {};
  }
}

function openStored(stored: StoredSettings, secret: string): { values: Record<string, string | number>; unreadable: string[] } {
  const values: Record<string, string | number> = {};
  const unreadable: string[] = [];
  for (const [name, value] of Object.entries(stored)) {
    if (!isSealed(value)) {
      values[name] = value;
      continue;
    }
    const opened = openSecret(secret, value);
    if (opened === null) unreadable.push(name);
    else values[name] = opened;
  }
  return { values, unreadable };
}

/** The saved settings of one channel with its secrets opened, or null when an admin never saved any. */
export async function readChannelSettings(db: Database, channel: ChannelName, secret: string, transaction?: Transaction): Promise<ChannelSettingsRecord | null> {
  const row = await db.models.ChannelSettings.findByPk(channel, { transaction, raw: true });
  if (!row) return null;
  const { values, unreadable } = openStored(parseStored(row.settings), secret);
  return { channel, values, unreadable, ratePerSecond: row.ratePerSecond ?? null, updatedAt: new Date(row.updatedAt), updatedById: row.updatedById ?? null };
}

/** Whether these values are enough to send through the channel's provider. */
export function hasCredentials(channel: ChannelName, values: Record<string, string | number | undefined>): boolean {
  return missingFields(channel, values).length === 0;
}

/**
 * Whether a channel sends through its saved settings rather than the environment's: they hold all
 * the provider needs. The senders and the webhooks' secrets follow this one rule.
 */
export function usesSavedSettings(channel: ChannelName, saved: ChannelSettingsRecord | null): saved is ChannelSettingsRecord {
  return saved !== null && hasCredentials(channel, saved.values);
}

/** The fields still needed to send through these values (catalogue keys by field). */
export function missingFields(channel: ChannelName, values: Record<string, string | number | undefined>): Array<{ field: string; error: string }> {
  const present = (name: string) => values[name] !== undefined && values[name] !== "";
  const missing = CHANNEL_FIELDS[channel].filter((f) => f.required && !present(f.name)).map((f) => ({ field: f.name, error: `channels.errors.missing.${f.name}` }));
  if (channel === "sms" && !present("from") && !present("messagingServiceSid")) missing.push({ field: "from", error: "channels.errors.smsSender" });
  return missing;
}

/** Fields that say how to connect, not what to: alone (a form's defaults) they configure nothing. */
const HOW_NOT_WHAT = new Set(["port", "security"]);

export type SaveChannelSettingsResult = { ok: true; changed: string[] } | { ok: false; errors: Record<string, string> };

/**
 * An admin saves a channel's settings. Plain fields take the form's values (blank clears them); a
 * secret left blank keeps the one saved. Either no credentials at all (only a rate) or all the
 * provider needs: half a configuration is refused, naming the missing field.
 */
export async function saveChannelSettings<C extends ChannelName>(
  db: Database,
  channel: C,
  input: ChannelFormValues[C] & { ratePerSecond?: number },
  actor: AuditActor,
  secret: string,
  now: Date,
): Promise<SaveChannelSettingsResult> {
  return db.sequelize.transaction(async (transaction) => {
    const row = await db.models.ChannelSettings.findByPk(channel, { transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    const stored = row ? parseStored(row.settings) : {};
    const before = openStored(stored, secret);
    const given = input as Record<string, string | number | undefined>;
    let next: StoredSettings = {};
    let nextValues: Record<string, string | number> = {};
    for (const field of CHANNEL_FIELDS[channel]) {
      const value = given[field.name];
      if (value !== undefined && value !== "") {
        next[field.name] = field.secret ? sealSecret(secret, String(value)) : value;
        nextValues[field.name] = value;
      } else if (field.secret && before.values[field.name] !== undefined) {
        next[field.name] = stored[field.name];
        nextValues[field.name] = before.values[field.name];
      }
    }
    const anyCredential = CHANNEL_FIELDS[channel].some((f) => nextValues[f.name] !== undefined && !HOW_NOT_WHAT.has(f.name));
    if (anyCredential) {
      const missing = missingFields(channel, nextValues);
      if (missing.length) {
        const errors = Object.fromEntries(missing.map((m) => [m.field, before.unreadable.includes(m.field) ? "channels.errors.secretUnreadable" : m.error]));
        return { ok: false as const, errors };
      }
    } else {
      // only a rate: the form's defaults (port, encryption) configure nothing
      next = {};
      nextValues = {};
    }
    // what changed, by name: plain values with their old and new value, secrets only that they changed
    const detail: Record<string, unknown> = {};
    for (const field of CHANNEL_FIELDS[channel]) {
      const [was, is] = [before.values[field.name], nextValues[field.name]];
      if (was === is) continue;
      if (field.secret) detail[field.name] = is === undefined ? "removed" : was === undefined ? "set" : "replaced";
      else detail[field.name] = { from: was ?? null, to: is ?? null };
    }
    const rate = input.ratePerSecond ?? null;
    const rateBefore = row?.ratePerSecond ?? null;
    if (rate !== rateBefore) detail.ratePerSecond = { from: rateBefore, to: rate };
    const changed = Object.keys(detail);
    if (changed.length === 0) return { ok: true as const, changed };
    const values = { settings: JSON.stringify(next), ratePerSecond: rate, updatedById: actor.userId ?? null, updatedAt: now };
    if (row) await row.update(values, { transaction });
    else await db.models.ChannelSettings.create({ channel, ...values, createdAt: now }, { transaction });
    await recordAudit(db, actor, "channel.settings.update", { type: "channel", id: channel, detail }, transaction, now);
    return { ok: true as const, changed };
  });
}

/** An admin removes a channel's saved credentials (the rate stays): it goes back to the environment, else the outbox. */
export async function clearChannelSettings(db: Database, channel: ChannelName, actor: AuditActor, now: Date): Promise<{ cleared: boolean }> {
  return db.sequelize.transaction(async (transaction) => {
    const row = await db.models.ChannelSettings.findByPk(channel, { transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    if (!row) return { cleared: false };
    const removed = Object.keys(parseStored(row.settings));
    if (removed.length === 0) return { cleared: false };
    if (row.ratePerSecond === null) await row.destroy({ transaction });
    else await row.update({ settings: "{}", updatedById: actor.userId ?? null, updatedAt: now }, { transaction });
    await recordAudit(db, actor, "channel.settings.clear", { type: "channel", id: channel, detail: { removed } }, transaction, now);
    return { cleared: true };
  });
}
