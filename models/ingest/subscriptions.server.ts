import { msg } from "../messages";
import { Op } from "sequelize";
import type { Database } from "../db";
import type { Channel } from "../models";
import { appendChanges } from "../change-log.server";
import { bulkInsert, readTimestamp } from "../sql/bulk";
import { phoneProblem } from "./phone";
import { normalizePhone, type IngestOptions, type UpsertOutcome, type UpsertResult } from "./customers.server";
import { errorList, positionOf, findByExternalIds } from "./lookups.server";
import type { SubscriptionInput } from "./schemas";
import { chunks, inTransaction } from "./util";
import { appendConsents, consentSourceOf, type ConsentChange } from "../privacy/consents.server";

interface CustomerContact {
  id: number;
  externalId: string;
  email: string | null;
  phone: string | null;
  country: string | null;
}

interface Identity {
  address: string | null;
  isSubscribed: boolean;
  subscriptionChangedAt: Date | null;
  isNew: boolean;
  isChanged: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Applies channel subscription changes (subscribe, unsubscribe, a new address) in the order they
 * happened; a change older than the state already stored is ignored, so a late webhook never
 * undoes a newer one. Each customer whose channels changed gets a "channel" change, all in one
 * transaction. Email and SMS default to the customer's email and phone.
 */
export async function changeSubscriptions(db: Database, inputs: SubscriptionInput[], options: IngestOptions): Promise<UpsertOutcome> {
  const now = options.now ?? new Date();
  const t = options.transaction;
  const { errors, fail, sorted } = errorList(positionOf(options));
  const customers = await findByExternalIds<CustomerContact>(db.models.Customer, inputs.map((i) => i.customerExternalId), ["id", "externalId", "email", "phone", "country"], t);

  const refused = new Set<number>();
  const refuse = (index: number, field: string, reason: string) => {
    refused.add(index);
    fail(index, field, reason);
  };
  const addresses: Array<string | null | undefined> = inputs.map((input, index) => {
    const customer = customers.get(input.customerExternalId);
    if (!customer) {
      refuse(index, "customerExternalId", msg("ingest.unknownCustomer"));
      return undefined;
    }
    if (input.address === undefined || input.address === null) return input.address;
    if (input.channel === "email") {
      const email = input.address.toLowerCase();
      if (!EMAIL.test(email)) refuse(index, "address", msg("generic.format.email"));
      return email;
    }
    if (input.channel === "sms") {
      const phone = normalizePhone(input.address, customer.country);
      if (!phone) refuse(index, "address", phoneProblem(input.address, customer.country));
      return phone;
    }
    return input.address;
  });

  const ids = [...new Set([...customers.values()].map((c) => c.id))];
  const identities = new Map<string, Identity>();
  for (const part of chunks(ids, 1000)) {
    const rows = await db.models.ChannelIdentity.findAll({ where: { customerId: { [Op.in]: part } }, transaction: t, raw: true });
    for (const r of rows) {
      identities.set(`${r.customerId}|${r.channel}`, {
        address: r.address,
        isSubscribed: Boolean(r.isSubscribed),
        subscriptionChangedAt: readTimestamp(r.subscriptionChangedAt),
        isNew: false,
        isChanged: false,
      });
    }
  }

  const results: UpsertResult[] = new Array(inputs.length);
  // each real change of state, in the order it happened (a batch may hold several for one identity)
  const consents: ConsentChange[] = [];
  const order = inputs.map((input, index) => ({ input, index, at: input.at ?? now })).sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index);
  for (const { input, index, at } of order) {
    if (refused.has(index)) continue;
    const customer = customers.get(input.customerExternalId)!;
    const key = `${customer.id}|${input.channel}`;
    const have = identities.get(key);
    const fallback = input.channel === "email" ? customer.email : input.channel === "sms" ? customer.phone : null;
    const address = addresses[index] ?? (addresses[index] === null ? null : (have?.address ?? fallback));
    let status: UpsertResult["status"] = "unchanged";
    const stale = have?.subscriptionChangedAt && at < have.subscriptionChangedAt;
    if (!stale && (!have || have.isSubscribed !== input.subscribed || have.address !== address)) {
      if (input.subscribed && !address) fail(index, "address", msg("ingest.addressNeeded", { channel: input.channel }));
      const stateChanged = !have || have.isSubscribed !== input.subscribed;
      if (stateChanged && (have || input.subscribed)) consents.push({ customerId: customer.id, subject: input.channel, isGranted: input.subscribed, occurredAt: at });
      identities.set(key, {
        address,
        isSubscribed: input.subscribed,
        subscriptionChangedAt: stateChanged ? at : (have?.subscriptionChangedAt ?? at),
        isNew: !have || have.isNew,
        isChanged: true,
      });
      status = have && !have.isNew ? "updated" : "created";
    }
    results[index] = { index, externalId: input.customerExternalId, id: customer.id, status };
  }
  if (errors.length) return { ok: false, errors: sorted() };
  if (options.validateOnly) return { ok: true, results: [] };

  return inTransaction(db, t, async (transaction) => {
    const changed = [...identities].filter(([, s]) => s.isChanged);
    await bulkInsert(
      db,
      "channel_identities",
      ["customer_id", "channel", "address", "is_subscribed", "subscription_changed_at", "created_at", "updated_at"],
      changed.map(([key, s]) => {
        const [customerId, channel] = key.split("|");
        return [Number(customerId), channel as Channel, s.address, s.isSubscribed, s.subscriptionChangedAt, now, now];
      }),
      { transaction, conflict: { keys: ["customer_id", "channel"], update: ["address", "is_subscribed", "subscription_changed_at", "updated_at"] } },
    );
    const channelsOf = new Map<number, string[]>();
    for (const [key] of changed) {
      const [customerId, channel] = key.split("|");
      channelsOf.set(Number(customerId), [...(channelsOf.get(Number(customerId)) ?? []), channel].sort());
    }
    await appendChanges(db, [...channelsOf].map(([customerId, channels]) => ({ customerId, kind: "channel", fields: { channels } })), options.source, transaction, now);
    await appendConsents(db, consents, { source: options.consent?.source ?? consentSourceOf(options.source), reference: options.consent?.reference }, transaction, now);
    return { ok: true, results };
  });
}
