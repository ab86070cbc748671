// Who a campaign reaches, fixed when sending starts: the included segments' members minus the
// excluded segments' (through the segment engine at that moment), and for each customer the first
// channel of the fallback chain that reaches them, or why none does. docs/decisions/0023.
import { msg } from "../models/messages";
import type { Database } from "../models/db";
import { SKIP_REASONS, type CampaignRow, type SkipReason } from "../models/campaign-models";
import type { SegmentEngine } from "../segments/engine.server";
import type { Criterion, Rule } from "../segments/definition";
import { evaluate, EvaluationError } from "../segments/evaluate";
import { selectRows, utcMsOf } from "../segments/facts/stream.server";
import { CHANNELS, type ChannelName } from "./channels/channel";
import { customersAtCap } from "./frequency-cap.server";
import { dueInstants, frequencyCapOf, quietHoursFor, scheduleOf, ScheduleError } from "./schedule";

export interface AudienceRecipient {
  customerId: number;
  /** The channel that reaches the customer; with `address`, set exactly when `skipReason` is null. */
  channel: ChannelName | null;
  address: string | null;
  skipReason: SkipReason | null;
  /** The first instant the message may go (for a skipped customer, when it would have). */
  dueAt: Date;
  movedByQuietHours: boolean;
}

export interface AudienceSummary {
  /** Every customer of the audience: those reached on each channel plus those skipped. */
  total: number;
  byChannel: Record<ChannelName, number>;
  skipped: Record<SkipReason, number>;
  /** Customers who will get the message and whose message quiet hours moved later. */
  movedByQuietHours: number;
}

/** A campaign whose audience cannot be worked out (a segment gone or unreadable, a bad chain): nothing should be sent. */
export class AudienceError extends Error {}

/** How long after the customer's last interaction Messenger still takes a message from the page. */
export const MESSENGER_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Customers worked out per round of queries. */
const CHUNK = 2000;

/** The fallback chain "viber,sms" as channels, in order. */
export function channelChain(text: string): ChannelName[] {
  const chain = text
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  if (chain.length === 0) throw new AudienceError("the campaign names no channel");
  for (const c of chain) if (!(CHANNELS as readonly string[]).includes(c)) throw new AudienceError(`the campaign's channel ${c} is not one of ${CHANNELS.join(", ")}`);
  if (new Set(chain).size !== chain.length) throw new AudienceError(`the campaign's channel chain ${text} names a channel twice`);
  return chain as ChannelName[];
}

function segmentIdList(text: string, field: string): number[] {
  let ids: unknown;
  try {
    ids = JSON.parse(text);
  } catch {
    throw new AudienceError(`the campaign's ${field} is not a JSON list`);
  }
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id > 0)) throw new AudienceError(`the campaign's ${field} is not a list of segment ids`);
  return [...new Set(ids as number[])];
}

/**
 * The customer ids (ascending) in any included segment and in no excluded one, each segment as
 * the "member of segment" criterion sees it at `now`: dynamic ones evaluated now, accumulating
 * ones evaluated now plus their stored members, snapshot and manual ones their stored members.
 */
export async function audienceMembers(engine: SegmentEngine, includeIds: number[], excludeIds: number[], now: Date): Promise<number[]> {
  if (includeIds.length === 0) return [];
  const wanted = [...new Set([...includeIds, ...excludeIds])];
  const found = await selectRows(engine.db, `SELECT id, code FROM segments WHERE id IN (${wanted.map(() => "?").join(", ")}) AND deleted_at IS NULL`, wanted);
  const codeOf = new Map(found.map(([id, code]) => [Number(id), String(code)]));
  const missing = wanted.filter((id) => !codeOf.has(id));
  if (missing.length) throw new AudienceError(msg("campaigns.audience.segmentsGone", { count: missing.length, ids: missing.join(", ") }));
  const anyOf = (ids: number[]): Rule => ({
    match: "any",
    criteria: ids.map((id): Criterion => ({ field: "segment", segment: codeOf.get(id)!, isMember: true })),
  });
  const include = anyOf(includeIds);
  const exclude = anyOf(excludeIds);
  const ctx = await engine.context(now, excludeIds.length ? [include, exclude] : [include]);
  let members;
  try {
    members = evaluate(ctx, include).members;
    if (excludeIds.length) members.andNot(evaluate(ctx, exclude).members);
  } catch (error) {
    if (error instanceof EvaluationError) throw new AudienceError(`a segment of the campaign cannot be evaluated: ${error.message}`);
    throw error;
  }
  const ids: number[] = [];
  for (const slot of members) ids.push(ctx.index.ids[slot]);
  return ids.sort((a, b) => a - b);
}

interface CustomerFacts {
  acceptsMarketing: boolean;
  timeZone: string | null;
  lastInteractionMs: number | null;
}

interface Identity {
  address: string | null;
  isSubscribed: boolean;
}

/**
 * The first channel of the chain that reaches the customer, or the reason none does. A customer
 * who does not accept marketing is "no_consent" whatever their channels. Otherwise each channel is
 * tried in order: no identity or no address → "no_address"; not subscribed → "unsubscribed"
 * (together: the segment criterion "reachable on"); Messenger with no interaction in the 24 hours
 * before the due instant → "messenger_window". When no channel reaches the customer, the reason
 * is the first channel's.
 */
export function reachOf(
  customer: CustomerFacts,
  identities: ReadonlyMap<ChannelName, Identity>,
  chain: readonly ChannelName[],
  dueAt: Date,
): { channel: ChannelName; address: string } | { skipReason: SkipReason } {
  if (!customer.acceptsMarketing) return { skipReason: "no_consent" };
  let first: SkipReason | null = null;
  for (const channel of chain) {
    const identity = identities.get(channel);
    let reason: SkipReason | null = null;
    if (!identity || identity.address === null) reason = "no_address";
    else if (!identity.isSubscribed) reason = "unsubscribed";
    else if (channel === "messenger" && !(customer.lastInteractionMs !== null && customer.lastInteractionMs > dueAt.getTime() - MESSENGER_WINDOW_MS)) reason = "messenger_window";
    if (reason === null) return { channel, address: identity!.address! };
    first ??= reason;
  }
  return { skipReason: first ?? "no_address" };
}

/**
 * A condition on a customer id column for these ascending ids: a range when they are dense (a
 * segment of most of the store: one range read, the few others it brings are ignored), else an IN
 * list of them. Callers ignore rows of ids not asked for.
 */
export function idCondition(ids: readonly number[]): { sql: string; params: number[]; isRange: boolean } {
  const lo = ids[0];
  const hi = ids[ids.length - 1];
  if (hi - lo + 1 <= 2 * ids.length) return { sql: "BETWEEN ? AND ?", params: [lo, hi], isRange: true };
  return { sql: `IN (${ids.map(() => "?").join(", ")})`, params: [...ids], isRange: false };
}

/** The facts and chain channels of a chunk of customers (ascending ids): two queries. */
async function loadChunk(db: Database, ids: number[], chain: ChannelName[]) {
  const byId = idCondition(ids);
  const [customerRows, identityRows] = await Promise.all([
    selectRows(db, `SELECT id, accepts_marketing, time_zone, last_interaction_at FROM customers WHERE id ${byId.sql}`, byId.params),
    selectRows(db, `SELECT customer_id, channel, address, is_subscribed FROM channel_identities WHERE customer_id ${byId.sql} AND channel IN (${chain.map(() => "?").join(", ")})`, [...byId.params, ...chain]),
  ]);
  const customers = new Map<number, CustomerFacts>();
  for (const [id, accepts, timeZone, lastInteraction] of customerRows) {
    customers.set(Number(id), { acceptsMarketing: Number(accepts) === 1, timeZone: (timeZone as string | null) ?? null, lastInteractionMs: utcMsOf(lastInteraction) });
  }
  const identities = new Map<number, Map<ChannelName, Identity>>();
  for (const [customerId, channel, address, isSubscribed] of identityRows) {
    let mine = identities.get(Number(customerId));
    if (!mine) identities.set(Number(customerId), (mine = new Map()));
    mine.set(channel as ChannelName, { address: (address as string | null) ?? null, isSubscribed: Number(isSubscribed) === 1 });
  }
  return { customers, identities };
}

/** The store's rules for campaigns: its time zone, default quiet hours and frequency cap. */
async function storeRules(db: Database) {
  const row = await db.models.StoreSettings.findByPk(1, { raw: true });
  return {
    timeZone: row?.timeZone ?? "UTC",
    quietHours: { quietHoursStart: row?.quietHoursStart ?? null, quietHoursEnd: row?.quietHoursEnd ?? null },
    cap: frequencyCapOf({ frequencyCapCount: row?.frequencyCapCount ?? null, frequencyCapDays: row?.frequencyCapDays ?? null }),
  };
}

/** An empty count per channel and per skip reason. */
export function emptySummary(): AudienceSummary {
  return {
    total: 0,
    byChannel: Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<ChannelName, number>,
    skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
    movedByQuietHours: 0,
  };
}

/**
 * The campaign's audience at `now` (the moment sending starts, or the preview's moment): one
 * recipient per customer in an included segment and in no excluded one, ascending by customer id,
 * with the channel that reaches them (or why none does) and when the message is due; and the
 * counts per channel and per reason. The frequency cap is tested at `now` (the campaign's own
 * earlier messages not counted) for customers a channel reaches. Loads in batches: one query per
 * 500 customers for their facts, one for their channels, one for the cap.
 */
export async function resolveAudience(
  deps: { db: Database; engine: SegmentEngine },
  campaign: CampaignRow,
  now: Date,
): Promise<{ recipients: AudienceRecipient[]; summary: AudienceSummary }> {
  try {
    return await resolve(deps, campaign, now);
  } catch (error) {
    // one kind of refusal for callers: a schedule or quiet hours written around the checks
    if (error instanceof ScheduleError) throw new AudienceError(`the campaign's schedule cannot be read: ${error.message}`);
    throw error;
  }
}

async function resolve(deps: { db: Database; engine: SegmentEngine }, campaign: CampaignRow, now: Date) {
  const { db, engine } = deps;
  const chain = channelChain(campaign.channels);
  const includeIds = segmentIdList(campaign.includeSegmentIds, "includeSegmentIds");
  const excludeIds = segmentIdList(campaign.excludeSegmentIds, "excludeSegmentIds");
  const store = await storeRules(db);
  const dueFor = dueInstants({ schedule: scheduleOf(campaign), quietHours: quietHoursFor(campaign, store.quietHours), storeTimeZone: store.timeZone, startedAt: now });
  const members = await audienceMembers(engine, includeIds, excludeIds, now);

  const recipients: AudienceRecipient[] = [];
  const summary = emptySummary();
  const load = (from: number) => {
    const loading = loadChunk(db, members.slice(from, from + CHUNK), chain);
    loading.catch(() => {}); // awaited below; a failure while the previous chunk is worked on is not unhandled
    return loading;
  };
  // the next chunk loads while this one is worked out (MariaDB answers on another connection)
  let next = members.length > 0 ? load(0) : null;
  for (let i = 0; i < members.length; i += CHUNK) {
    const ids = members.slice(i, i + CHUNK);
    const { customers, identities } = await next!;
    next = i + CHUNK < members.length ? load(i + CHUNK) : null;
    const chunk: AudienceRecipient[] = [];
    for (const customerId of ids) {
      const customer = customers.get(customerId);
      // deleted since the fact index last heard of it: nobody to send to
      if (!customer) continue;
      const due = dueFor(customer.timeZone);
      const reach = reachOf(customer, identities.get(customerId) ?? new Map(), chain, due.dueAt);
      chunk.push(
        "skipReason" in reach
          ? { customerId, channel: null, address: null, skipReason: reach.skipReason, dueAt: due.dueAt, movedByQuietHours: due.movedByQuietHours }
          : { customerId, channel: reach.channel, address: reach.address, skipReason: null, dueAt: due.dueAt, movedByQuietHours: due.movedByQuietHours },
      );
    }
    if (store.cap) {
      const reached = chunk.filter((r) => r.skipReason === null).map((r) => r.customerId);
      const capped = reached.length ? await customersAtCap(db, reached, now, store.cap, { exceptCampaignId: campaign.id }) : new Set<number>();
      for (const recipient of chunk) {
        if (!capped.has(recipient.customerId)) continue;
        recipient.channel = null;
        recipient.address = null;
        recipient.skipReason = "frequency_cap";
      }
    }
    for (const recipient of chunk) {
      recipients.push(recipient);
      if (recipient.skipReason !== null) summary.skipped[recipient.skipReason]++;
      else {
        summary.byChannel[recipient.channel!]++;
        if (recipient.movedByQuietHours) summary.movedByQuietHours++;
      }
    }
  }
  summary.total = recipients.length;
  return { recipients, summary };
}
