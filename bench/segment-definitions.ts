// The ten four-criterion definitions the segment bench measures, each with the best single SQL
// query for its count that we could write by hand for each dialect: store days turned into UTC
// bounds up front, category subtrees expanded to id lists, and per-customer aggregates in derived
// tables. The bench requires the SQL count and the engine's count to be equal.
import { DateTime } from "luxon";
import { QueryTypes } from "sequelize";
import type { Database, Dialect } from "../models/db";
import { formatTimestamp } from "../models/sql/bulk";
import type { Rule } from "../segments/definition";

export interface BenchDefinition {
  code: string;
  what: string;
  rule: Rule;
  /** A WHERE condition on `customers c` selecting the same customers. */
  where(q: SqlContext): string;
}

export interface SqlContext {
  dialect: Dialect;
  /** Literal of the UTC instant the store day `daysFromToday` days from today begins. */
  dayStart(daysFromToday: number): string;
  /** Literal of the UTC instant a plain store date (YYYY-MM-DD) begins. */
  dateStart(date: string): string;
  groupId(name: string): number;
  tagId(name: string): number;
  optionIds(question: string, keys: string[]): number[];
  fieldId(key: string): number;
  /** Ids of a category (by external id) and everything under it. */
  subtree(externalId: string): number[];
  /** MMDD of a plain date column. */
  monthDay(column: string): string;
  /** The WHERE of another definition (for segment membership). */
  of(code: string): string;
}

const subscribed = (channel: string, reachable = false) =>
  `EXISTS (SELECT 1 FROM channel_identities ch WHERE ch.customer_id = c.id AND ch.channel = '${channel}' AND ch.is_subscribed = 1${reachable ? " AND ch.address IS NOT NULL" : ""})`;
const hasTag = (q: SqlContext, tag: string) => `EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag_id = ${q.tagId(tag)})`;
const boughtFrom = (q: SqlContext, category: string) =>
  `EXISTS (SELECT 1 FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = c.id AND o.status = 'completed' AND i.category_id IN (${q.subtree(category).join(",")}))`;

export const BENCH_DEFINITIONS: BenchDefinition[] = [
  {
    code: "b1-broad",
    what: "broad: registered in 4 years, consents, email subscriber, not in GR",
    rule: {
      match: "all",
      criteria: [
        { field: "registeredAt", date: { form: "inLastDays", days: 1460 } },
        { field: "acceptsMarketing", value: true },
        { field: "subscribedOn", channel: "email" },
        { field: "country", values: [{ value: "GR", mode: "exclude" }] },
      ],
    },
    where: (q) =>
      `c.registered_at >= ${q.dayStart(-1459)} AND c.registered_at < ${q.dayStart(1)} AND c.accepts_marketing = 1 AND ${subscribed("email")} AND (c.country IS NULL OR c.country <> 'GR')`,
  },
  {
    code: "b2-narrow",
    what: "narrow: influencer, VIP, in BG, spent ≥ 1,000",
    rule: {
      match: "all",
      criteria: [
        { field: "tag", values: [{ value: "influencer", mode: "include" }] },
        { field: "customerGroup", values: [{ value: "VIP", mode: "include" }] },
        { field: "country", values: [{ value: "BG", mode: "include" }] },
        { field: "totalSpent", min: 100_000 },
      ],
    },
    where: (q) =>
      `${hasTag(q, "influencer")} AND c.customer_group_id = ${q.groupId("VIP")} AND c.country = 'BG' AND (SELECT COALESCE(SUM(o.total), 0) FROM orders o WHERE o.customer_id = c.id AND o.status = 'completed') >= 100000`,
  },
  {
    code: "b3-money",
    what: "time-frame money: spent ≥ 300 and ≥ 2 orders in 2026, AOV ≥ 80, ordered in 120 days",
    rule: {
      match: "all",
      criteria: [
        { field: "totalSpent", min: 30_000, timeFrame: { from: "2026-01-01", to: "2026-10-31" } },
        { field: "orderCount", min: 2, timeFrame: { from: "2026-01-01", to: "2026-10-31" } },
        { field: "averageOrderValue", min: 8_000 },
        { field: "lastOrderAt", date: { form: "inLastDays", days: 120 } },
      ],
    },
    where: (q) => {
      const inFrame = `o.placed_at >= ${q.dateStart("2026-01-01")} AND o.placed_at < ${q.dateStart("2026-11-01")}`;
      return `c.id IN (
        SELECT o.customer_id FROM orders o WHERE o.status = 'completed' GROUP BY o.customer_id
        HAVING SUM(CASE WHEN ${inFrame} THEN o.total ELSE 0 END) >= 30000
           AND SUM(CASE WHEN ${inFrame} THEN 1 ELSE 0 END) >= 2
           AND SUM(o.total) >= 8000 * COUNT(*))
        AND c.id IN (SELECT o.customer_id FROM orders o WHERE o.status <> 'cancelled' GROUP BY o.customer_id
          HAVING MAX(o.placed_at) >= ${q.dayStart(-119)} AND MAX(o.placed_at) < ${q.dayStart(1)})`;
    },
  },
  {
    code: "b4-category",
    what: "category: any shoes, all of women + beauty, none of toys, in BG",
    rule: {
      match: "all",
      criteria: [
        { field: "orderedFromCategory", mode: "anyOf", categories: ["demo-shoes"] },
        { field: "orderedFromCategory", mode: "allOf", categories: ["demo-women", "demo-beauty"] },
        { field: "orderedFromCategory", mode: "noneOf", categories: ["demo-toys"] },
        { field: "country", values: [{ value: "BG", mode: "include" }] },
      ],
    },
    where: (q) =>
      `c.country = 'BG' AND ${boughtFrom(q, "demo-shoes")} AND ${boughtFrom(q, "demo-women")} AND ${boughtFrom(q, "demo-beauty")} AND NOT ${boughtFrom(q, "demo-toys")}`,
  },
  {
    code: "b5-birthday",
    what: "birthday 02 Dec – 03 Jan, consents, reachable by SMS, no complaint",
    rule: {
      match: "all",
      criteria: [
        { field: "birthday", date: { form: "dayOfYear", from: "12-02", to: "01-03" } },
        { field: "acceptsMarketing", value: true },
        { field: "reachableOn", channel: "sms" },
        { field: "tag", values: [{ value: "complaint", mode: "exclude" }] },
      ],
    },
    where: (q) =>
      `c.birthday IS NOT NULL AND (${q.monthDay("c.birthday")} >= '1202' OR ${q.monthDay("c.birthday")} <= '0103') AND c.accepts_marketing = 1 AND ${subscribed("sms", true)} AND NOT ${hasTag(q, "complaint")}`,
  },
  {
    code: "b6-relative",
    what: "relative dates: last order > 90 days ago, registered > a year ago, seen in 60 days, cart in 30",
    rule: {
      match: "all",
      criteria: [
        { field: "lastOrderAt", date: { form: "moreThanDaysAgo", days: 90 } },
        { field: "registeredAt", date: { form: "moreThanDaysAgo", days: 365 } },
        { field: "lastInteractionAt", date: { form: "inLastDays", days: 60 } },
        { field: "abandonedCartAt", date: { form: "inLastDays", days: 30 } },
      ],
    },
    where: (q) =>
      `c.id IN (SELECT o.customer_id FROM orders o WHERE o.status <> 'cancelled' GROUP BY o.customer_id HAVING MAX(o.placed_at) < ${q.dayStart(-90)})
       AND c.registered_at < ${q.dayStart(-365)}
       AND c.last_interaction_at >= ${q.dayStart(-59)} AND c.last_interaction_at < ${q.dayStart(1)}
       AND EXISTS (SELECT 1 FROM abandoned_carts a WHERE a.customer_id = c.id AND a.recovered_at IS NULL AND a.abandoned_at >= ${q.dayStart(-29)} AND a.abandoned_at < ${q.dayStart(1)})`,
  },
  {
    code: "b7-nested",
    what: "segment of segments: in b1, not in b2, has an order, Viber subscriber",
    rule: {
      match: "all",
      criteria: [
        { field: "segment", segment: "b1-broad", isMember: true },
        { field: "segment", segment: "b2-narrow", isMember: false },
        { field: "orderCount", min: 1 },
        { field: "subscribedOn", channel: "viber" },
      ],
    },
    where: (q) =>
      // NOT of a condition that is NULL for a customer without a country or group would drop them
      `(${q.of("b1-broad")}) AND NOT COALESCE((${q.of("b2-narrow")}), 0) AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'completed') AND ${subscribed("viber")}`,
  },
  {
    code: "b8-profile",
    what: "profile: size M or L, heard on Instagram/TikTok, ≥ 100 points, Retail",
    rule: {
      match: "all",
      criteria: [
        { field: "customField", key: "clothing_size", condition: { type: "select", values: [{ value: "M", mode: "include" }, { value: "L", mode: "include" }] } },
        { field: "registrationAnswer", question: "heard_from", options: ["instagram", "tiktok"] },
        { field: "customField", key: "loyalty_points", condition: { type: "number", min: 100 } },
        { field: "customerGroup", values: [{ value: "Retail", mode: "include" }] },
      ],
    },
    where: (q) =>
      `EXISTS (SELECT 1 FROM customer_field_values f WHERE f.customer_id = c.id AND f.custom_field_id = ${q.fieldId("clothing_size")} AND f.value_text IN ('M', 'L'))
       AND EXISTS (SELECT 1 FROM registration_answers a WHERE a.customer_id = c.id AND a.option_id IN (${q.optionIds("heard_from", ["instagram", "tiktok"]).join(",")}))
       AND EXISTS (SELECT 1 FROM customer_field_values f WHERE f.customer_id = c.id AND f.custom_field_id = ${q.fieldId("loyalty_points")} AND f.value_number >= 100)
       AND c.customer_group_id = ${q.groupId("Retail")}`,
  },
  {
    code: "b9-any",
    what: "any of: newsletter, Messenger subscriber, a refund, birthday in 7 days",
    rule: {
      match: "any",
      criteria: [
        { field: "tag", values: [{ value: "newsletter", mode: "include" }] },
        { field: "subscribedOn", channel: "messenger" },
        { field: "orderStatus", values: [{ value: "refunded", mode: "include" }] },
        { field: "birthday", date: { form: "inNextDays", days: 7 } },
      ],
    },
    // today is 2026-11-20 in the store: the seven days are 20–26 November
    where: (q) =>
      `${hasTag(q, "newsletter")} OR ${subscribed("messenger")} OR EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'refunded')
       OR (c.birthday IS NOT NULL AND ${q.monthDay("c.birthday")} BETWEEN '1120' AND '1126')`,
  },
  {
    code: "b10-status",
    what: "completed and never cancelled, AOV 50–200, not Staff, seen 2025-01-01…2026-06-30",
    rule: {
      match: "all",
      criteria: [
        { field: "orderStatus", values: [{ value: "completed", mode: "include" }, { value: "cancelled", mode: "exclude" }] },
        { field: "averageOrderValue", min: 5_000, max: 20_000 },
        { field: "customerGroup", values: [{ value: "Staff", mode: "exclude" }] },
        { field: "lastInteractionAt", date: { form: "between", from: "2025-01-01", to: "2026-06-30" } },
      ],
    },
    where: (q) =>
      `c.id IN (SELECT o.customer_id FROM orders o GROUP BY o.customer_id
          HAVING SUM(CASE WHEN o.status = 'cancelled' THEN 1 ELSE 0 END) = 0 AND SUM(CASE WHEN o.status = 'completed' THEN 1 ELSE 0 END) > 0
             AND SUM(CASE WHEN o.status = 'completed' THEN o.total ELSE 0 END) >= 5000 * SUM(CASE WHEN o.status = 'completed' THEN 1 ELSE 0 END)
             AND SUM(CASE WHEN o.status = 'completed' THEN o.total ELSE 0 END) <= 20000 * SUM(CASE WHEN o.status = 'completed' THEN 1 ELSE 0 END))
       AND (c.customer_group_id IS NULL OR c.customer_group_id <> ${q.groupId("Staff")})
       AND c.last_interaction_at >= ${q.dateStart("2025-01-01")} AND c.last_interaction_at < ${q.dateStart("2026-07-01")}`,
  },
];

/** Resolves the names the SQL needs and builds each definition's count query. */
export async function sqlContext(db: Database, timeZone: string, now: Date): Promise<SqlContext> {
  const rows = <T extends object>(sql: string) => db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  const groups = new Map((await rows<{ id: number; name: string }>("SELECT id, name FROM customer_groups")).map((g) => [g.name, g.id]));
  const tags = new Map((await rows<{ id: number; name: string }>("SELECT id, name FROM tags")).map((t) => [t.name, t.id]));
  const name = (n: string) => (db.dialect === "mysql" ? `\`${n}\`` : `"${n}"`);
  const fields = new Map((await rows<{ id: number; key: string }>(`SELECT id, ${name("key")} FROM custom_fields`)).map((f) => [f.key, f.id]));
  const options = await rows<{ id: number; question: string; option: string }>(
    `SELECT o.id, q.${name("key")} AS question, o.${name("key")} AS ${name("option")} FROM registration_options o JOIN registration_questions q ON q.id = o.question_id`,
  );
  const categories = await rows<{ id: number; external_id: string; parent_id: number | null }>("SELECT id, external_id, parent_id FROM categories");
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf("day");
  const literal = (dt: DateTime) => `'${formatTimestamp(dt.toUTC().toJSDate(), db.dialect)}'`;
  const context: SqlContext = {
    dialect: db.dialect,
    dayStart: (n) => literal(today.plus({ days: n })),
    dateStart: (date) => literal(DateTime.fromISO(date, { zone: timeZone }).startOf("day")),
    groupId: (name) => groups.get(name) ?? -1,
    tagId: (name) => tags.get(name) ?? -1,
    fieldId: (key) => fields.get(key) ?? -1,
    optionIds: (question, keys) => options.filter((o) => o.question === question && keys.includes(o.option)).map((o) => o.id),
    subtree: (externalId) => {
      const root = categories.find((c) => c.external_id === externalId);
      if (!root) return [-1];
      const ids = [root.id];
      for (let i = 0; i < ids.length; i++) for (const c of categories) if (c.parent_id === ids[i]) ids.push(c.id);
      return ids;
    },
    monthDay: (column) => (db.dialect === "mysql" ? `DATE_FORMAT(${column}, '%m%d')` : `strftime('%m%d', ${column})`),
    of: (code) => BENCH_DEFINITIONS.find((d) => d.code === code)!.where(context),
  };
  return context;
}

export function countQuery(definition: BenchDefinition, q: SqlContext): string {
  return `SELECT COUNT(*) AS n FROM customers c WHERE ${definition.where(q)}`;
}
