// The store's marketing rules, kept beside its other settings (store_settings): the quiet hours a
// campaign gets unless it sets its own, the frequency cap, and the price of an SMS part for the
// cost estimate. Admins change them on the store page.
import type { Database } from "./db";
import { recordAudit, type AuditActor } from "./audit.server";
import { getStoreSettings } from "./store.server";

export interface MarketingSettings {
  /** "21:00" to "09:00"; both null: no default quiet hours. */
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  /** At most `frequencyCapCount` marketing messages per customer per `frequencyCapDays` days; both null: no cap. */
  frequencyCapCount: number | null;
  frequencyCapDays: number | null;
  /** Thousandths of the store's currency per SMS part (0.074 € = 74); null: no estimate. */
  smsPartPriceMillis: number | null;
}

const NONE: MarketingSettings = { quietHoursStart: null, quietHoursEnd: null, frequencyCapCount: null, frequencyCapDays: null, smsPartPriceMillis: null };
const KEYS = Object.keys(NONE) as Array<keyof MarketingSettings>;

export async function getMarketingSettings(db: Database): Promise<MarketingSettings> {
  const row = await db.models.StoreSettings.findByPk(1, { raw: true });
  if (!row) return NONE;
  return Object.fromEntries(KEYS.map((k) => [k, row[k] ?? null])) as unknown as MarketingSettings;
}

/** An admin changes the marketing rules; the audit entry lists each changed field with its old and new value. */
export async function updateMarketingSettings(db: Database, settings: MarketingSettings, actor: AuditActor, now: Date): Promise<{ changed: string[] }> {
  const defaults = await getStoreSettings(db);
  return db.sequelize.transaction(async (transaction) => {
    const row = await db.models.StoreSettings.findByPk(1, { transaction, lock: db.dialect === "mysql" ? transaction.LOCK.UPDATE : undefined });
    const before: MarketingSettings = row ? (Object.fromEntries(KEYS.map((k) => [k, row[k] ?? null])) as unknown as MarketingSettings) : NONE;
    const changed = KEYS.filter((k) => before[k] !== settings[k]);
    if (changed.length === 0) return { changed };
    // the store's other settings keep their values (their defaults, when no admin saved them yet)
    if (row) await row.update(settings, { transaction });
    else await db.models.StoreSettings.create({ id: 1, ...defaults, ...settings }, { transaction });
    const detail = Object.fromEntries(changed.map((k) => [k, { from: before[k], to: settings[k] }]));
    await recordAudit(db, actor, "store.marketing", { type: "store", id: 1, detail }, transaction, now);
    return { changed };
  });
}
