// The demo store's example segments: what a marketer of such a shop would set up in the first week,
// so a newcomer sees segments with members, previews and history rather than an empty list. They
// are saved like any other (validated, audited, scheduled through the caller's hooks).
import type { Database } from "../db";
import type { AuditActor } from "../audit.server";
import { saveSegment, type SegmentSaveHooks } from "../../segments/store.server";

const DEMO_SEGMENTS: unknown[] = [
  {
    code: "vip-big-spenders",
    name: "Big spenders of the last year",
    type: "dynamic",
    isActive: true,
    match: "all",
    criteria: [
      { field: "totalSpent", min: 50_000 },
      { field: "lastOrderAt", date: { form: "inLastDays", days: 365 } },
      { field: "acceptsMarketing", value: true },
    ],
  },
  {
    code: "lapsed-buyers",
    name: "Bought twice or more, nothing for six months",
    type: "dynamic",
    isActive: true,
    match: "all",
    criteria: [
      { field: "orderCount", min: 2 },
      { field: "lastOrderAt", date: { form: "moreThanDaysAgo", days: 180 } },
      { field: "reachableOn", channel: "email" },
    ],
  },
  {
    code: "birthdays-next-week",
    name: "Birthday in the next 7 days",
    type: "dynamic",
    isActive: true,
    match: "all",
    criteria: [
      { field: "birthday", date: { form: "inNextDays", days: 7 } },
      { field: "acceptsMarketing", value: true },
    ],
  },
  {
    code: "abandoned-carts-week",
    name: "Abandoned a cart this week",
    type: "dynamic",
    isActive: true,
    match: "all",
    criteria: [
      { field: "abandonedCartAt", date: { form: "inLastDays", days: 7 } },
      { field: "reachableOn", channel: "email" },
    ],
  },
  {
    code: "kids-clothing-parents",
    name: "Parents who buy kids' clothing, not wholesale",
    type: "accumulating",
    isActive: true,
    match: "all",
    criteria: [
      { field: "orderedFromCategory", mode: "anyOf", categories: ["demo-kids"] },
      { field: "customerGroup", values: [{ value: "Wholesale", mode: "exclude" }] },
    ],
  },
  {
    code: "sms-bulgaria",
    name: "Sofia and Plovdiv, reachable by SMS",
    type: "dynamic",
    isActive: true,
    match: "all",
    criteria: [
      { field: "country", values: [{ value: "BG", mode: "include" }] },
      { field: "city", values: [{ value: "София", mode: "include" }, { value: "Пловдив", mode: "include" }] },
      { field: "reachableOn", channel: "sms" },
    ],
  },
  {
    code: "vips-and-influencers",
    name: "Big spenders or influencers",
    type: "dynamic",
    isActive: true,
    match: "any",
    criteria: [
      { field: "segment", segment: "vip-big-spenders", isMember: true },
      { field: "tag", values: [{ value: "influencer", mode: "include" }] },
    ],
  },
];

/**
 * Saves the example segments on a demo store. A definition the demo data cannot satisfy (a renamed
 * category, say) is reported and skipped, never a reason to stop the first start.
 */
export async function seedDemoSegments(db: Database, actor: AuditActor, hooks: SegmentSaveHooks, log: (line: string) => void): Promise<number> {
  let saved = 0;
  for (const input of DEMO_SEGMENTS) {
    const outcome = await saveSegment(db, input, actor, undefined, hooks);
    if (outcome.ok) saved++;
    else log(`demo segment ${(input as { code: string }).code} skipped: ${outcome.errors.map((e) => `${e.field} ${e.reason}`).join("; ")}`);
  }
  log(`segments: ${saved} examples, formed by the worker in the background`);
  return saved;
}
