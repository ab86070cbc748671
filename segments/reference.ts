// The reference evaluator: SEGMENT-SEMANTICS.md as plain code over plain rows, written to be checked
// by eye rather than to be fast. Randomised tests require the fast evaluator to agree with it.
// It shares no code with the fast evaluator except the definition types; days come from Luxon.
import { DateTime } from "luxon";
import type { Criterion, DateCondition, Rule } from "./definition";

export interface RefCustomer {
  id: number;
  registeredAt: Date | null;
  firstInteractionAt: Date | null;
  lastInteractionAt: Date | null;
  birthday: string | null;
  acceptsMarketing: boolean;
  country: string | null;
  city: string | null;
  group: string | null;
  tags: string[];
  /** custom field key → text, number or YYYY-MM-DD */
  fields: Record<string, string | number>;
  /** question key → chosen option keys */
  answers: Record<string, string[]>;
}

export interface RefOrder {
  customerId: number;
  status: string;
  total: number;
  placedAt: Date;
  /** external ids of the categories of its items */
  categories: string[];
}

export interface RefStore {
  timeZone: string;
  customers: RefCustomer[];
  orders: RefOrder[];
  carts: Array<{ customerId: number; abandonedAt: Date; recoveredAt: Date | null }>;
  channels: Array<{ customerId: number; channel: string; address: string | null; isSubscribed: boolean }>;
  categories: Array<{ externalId: string; parentExternalId: string | null }>;
  /** Other segments a definition may name: dynamic ones by rule; the rest by their stored members. */
  segments: Array<{ code: string; type: string; rule: Rule; members: number[] }>;
}

/** The ids of the customers the rule selects at `now`. */
export function referenceEvaluate(store: RefStore, rule: Rule, now: Date): Set<number> {
  const selected = new Set<number>();
  for (const customer of store.customers) {
    if (referenceMatches(store, rule, customer, now)) selected.add(customer.id);
  }
  return selected;
}

export function referenceMatches(store: RefStore, rule: Rule, customer: RefCustomer, now: Date): boolean {
  const results = rule.criteria.map((c) => referenceCriterion(store, c, customer, now));
  return rule.match === "all" ? results.every(Boolean) : results.some(Boolean);
}

/** Whether one criterion holds for one customer. */
export function referenceCriterion(store: RefStore, criterion: Criterion, customer: RefCustomer, now: Date): boolean {
  const zone = store.timeZone;
  const storeDay = (t: Date) => DateTime.fromJSDate(t, { zone }).toISODate()!;
  const today = DateTime.fromJSDate(now, { zone }).startOf("day");
  const orders = store.orders.filter((o) => o.customerId === customer.id);

  switch (criterion.field) {
    case "orderStatus":
      return includeExclude(
        criterion.values,
        orders.map((o) => o.status),
      );
    case "totalSpent":
    case "orderCount":
    case "averageOrderValue": {
      const counted = orders.filter((o) => {
        if (o.status !== "completed") return false;
        const d = storeDay(o.placedAt);
        const frame = criterion.timeFrame;
        if (frame?.lastDays !== undefined) return dateMatches({ form: "inLastDays", days: frame.lastDays }, d, today);
        const from = frame?.from;
        const to = frame?.to;
        return (from === undefined || d >= from) && (to === undefined || d <= to);
      });
      const total = counted.reduce((sum, o) => sum + o.total, 0);
      const count = counted.length;
      if (criterion.field === "averageOrderValue" && count === 0) return false;
      const value = criterion.field === "totalSpent" ? total : criterion.field === "orderCount" ? count : total / count;
      return (criterion.min === undefined || value >= criterion.min) && (criterion.max === undefined || value <= criterion.max);
    }
    case "registeredAt":
      return customer.registeredAt !== null && dateMatches(criterion.date, storeDay(customer.registeredAt), today);
    case "firstInteractionAt":
      return customer.firstInteractionAt !== null && dateMatches(criterion.date, storeDay(customer.firstInteractionAt), today);
    case "lastInteractionAt":
      return customer.lastInteractionAt !== null && dateMatches(criterion.date, storeDay(customer.lastInteractionAt), today);
    case "lastOrderAt": {
      const placed = orders.filter((o) => o.status !== "cancelled").map((o) => o.placedAt.getTime());
      if (placed.length === 0) return false;
      return dateMatches(criterion.date, storeDay(new Date(Math.max(...placed))), today);
    }
    case "abandonedCartAt":
      return store.carts.some(
        (c) => c.customerId === customer.id && c.recoveredAt === null && dateMatches(criterion.date, storeDay(c.abandonedAt), today),
      );
    case "birthday":
      return customer.birthday !== null && dateMatches(criterion.date, customer.birthday, today);
    case "acceptsMarketing":
      return customer.acceptsMarketing === criterion.value;
    case "country":
      return includeExclude(criterion.values, customer.country === null ? [] : [customer.country]);
    case "city":
      return includeExclude(criterion.values, customer.city === null ? [] : [customer.city]);
    case "customerGroup":
      return includeExclude(criterion.values, customer.group === null ? [] : [customer.group]);
    case "tag":
      return includeExclude(criterion.values, customer.tags);
    case "orderedFromCategory": {
      const bought = new Set(orders.filter((o) => o.status === "completed").flatMap((o) => o.categories));
      const boughtFromSubtree = (root: string) => subtreeOf(store, root).some((c) => bought.has(c));
      if (criterion.mode === "anyOf") return criterion.categories.some(boughtFromSubtree);
      if (criterion.mode === "allOf") return criterion.categories.every(boughtFromSubtree);
      return !criterion.categories.some(boughtFromSubtree);
    }
    case "subscribedOn":
      return store.channels.some((c) => c.customerId === customer.id && c.channel === criterion.channel && c.isSubscribed);
    case "reachableOn":
      return store.channels.some((c) => c.customerId === customer.id && c.channel === criterion.channel && c.isSubscribed && c.address !== null);
    case "customField": {
      const value = customer.fields[criterion.key];
      const condition = criterion.condition;
      if (condition.type === "select") return includeExclude(condition.values, value === undefined ? [] : [String(value)]);
      if (value === undefined) return false;
      if (condition.type === "number") {
        return (condition.min === undefined || Number(value) >= condition.min) && (condition.max === undefined || Number(value) <= condition.max);
      }
      if (condition.type === "date") return dateMatches(condition.date, String(value), today);
      const text = ignoringCase(String(value));
      const wanted = ignoringCase(condition.value);
      return condition.op === "equals" ? text === wanted : text.includes(wanted);
    }
    case "registrationAnswer": {
      const chosen = customer.answers[criterion.question] ?? [];
      return chosen.some((o) => criterion.options.includes(o));
    }
    case "segment": {
      const other = store.segments.find((s) => s.code === criterion.segment);
      if (!other) throw new Error(`unknown segment ${criterion.segment}`);
      const isMember =
        other.type === "dynamic"
          ? referenceMatches(store, other.rule, customer, now)
          : other.type === "accumulating"
            ? other.members.includes(customer.id) || referenceMatches(store, other.rule, customer, now)
            : other.members.includes(customer.id);
      return isMember === criterion.isMember;
    }
  }
}

/** (no include values, or one of them present) and none of the excluded values present. */
function includeExclude(values: Array<{ value: string; mode: "include" | "exclude" }>, has: string[]): boolean {
  const include = values.filter((v) => v.mode === "include").map((v) => v.value);
  const exclude = values.filter((v) => v.mode === "exclude").map((v) => v.value);
  return (include.length === 0 || has.some((h) => include.includes(h))) && !has.some((h) => exclude.includes(h));
}

/** Text as compared without regard to case: lower case, with the word-final ς written σ (both are Σ). */
function ignoringCase(text: string): string {
  return text.toLowerCase().replaceAll("ς", "σ");
}

function subtreeOf(store: RefStore, root: string): string[] {
  const result = [root];
  for (let i = 0; i < result.length; i++) {
    for (const c of store.categories) if (c.parentExternalId === result[i]) result.push(c.externalId);
  }
  return result;
}

/** `date` is a plain date "YYYY-MM-DD" (a timestamp's store day, or a plain date as it is). */
function dateMatches(condition: DateCondition, date: string, today: DateTime): boolean {
  const d = DateTime.fromISO(date, { zone: "utc" });
  const t = DateTime.fromObject({ year: today.year, month: today.month, day: today.day }, { zone: "utc" });
  switch (condition.form) {
    case "between":
      return (condition.from === undefined || date >= condition.from) && (condition.to === undefined || date <= condition.to);
    case "inLastDays":
      return d >= t.minus({ days: condition.days - 1 }) && d <= t;
    case "moreThanDaysAgo":
      return d < t.minus({ days: condition.days });
    case "daysAgo":
      return d.equals(t.minus({ days: condition.days }));
    case "dayOfYear": {
      const md = d.month * 100 + d.day;
      const from = Number(condition.from.replace("-", ""));
      const to = Number(condition.to.replace("-", ""));
      return from <= to ? md >= from && md <= to : md >= from || md <= to;
    }
    case "inNextDays": {
      for (let i = 0; i < condition.days; i++) {
        const day = t.plus({ days: i });
        const isLeap = day.isInLeapYear;
        // a 29 February date falls on 28 February in a year without one
        const month = d.month === 2 && d.day === 29 && !isLeap ? 2 : d.month;
        const dom = d.month === 2 && d.day === 29 && !isLeap ? 28 : d.day;
        if (day.month === month && day.day === dom) return true;
      }
      return false;
    }
  }
}
