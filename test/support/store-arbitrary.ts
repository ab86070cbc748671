// fast-check arbitraries for the segment agreement test: small stores whose values come from small
// vocabularies (so criteria hit), with every moment clustered around the days where day rules go
// wrong — store midnights, New Year, 28/29 Feb and 1 Mar, daylight-saving switches — and
// definitions across the whole criteria catalogue.
import fc from "fast-check";
import { DateTime } from "luxon";
import { CHANNELS, ORDER_STATUSES } from "../../models/models";
import { Criterion as CriterionSchema, type Criterion, type DateCondition, type Rule } from "../../segments/definition";
import type { RefCustomer, RefStore } from "../../segments/reference";
import type { StoreSchema, TestStore } from "./store-writer";

export const TIME_ZONES = ["Europe/Sofia", "America/New_York", "Asia/Kathmandu", "Pacific/Apia", "Australia/Lord_Howe", "UTC"] as const;

const COUNTRIES = ["BG", "GR", "RO"];
const CITIES = ["Sofia", "sofia", "Plovdiv", "Αθήνα"];
const GROUPS = ["VIP", "vip", "Wholesale"];
const TAGS = ["vip", "VIP", "new", "b2b", "winter"];
const CATEGORIES = ["cat-a", "cat-b", "cat-c", "cat-d", "cat-e", "cat-f"];
const TOTALS = [0, 500, 1000, 1500, 2500, 9999];
const SCHEMA: StoreSchema = {
  customFields: [
    { key: "size", type: "number" },
    { key: "renewal", type: "date" },
    { key: "colour", type: "select", options: ["red", "blue", "green"] },
    { key: "note", type: "text" },
  ],
  questions: [
    { key: "pets", options: ["cat", "dog", "fish"] },
    { key: "source", options: ["web", "shop", "phone"] },
  ],
};
const SIZES = [-1.5, 0, 38, 38.5, 40, 100];
const NOTES = ["Sofia", "sofia shop", "SOFIA", "Αθήνα", "ΑΘΗΝΑ", "Straße", "ΚΟΣΜΟΣ", "κόσμος"];
const SEGMENT_CODES = ["seg-a", "seg-b", "seg-c"];

// --- days and moments -------------------------------------------------------------------------

const plusDays = (day: string, days: number) =>
  new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + days)).toISOString().slice(0, 10);

/** Days whose offset at the end differs from the start: the daylight-saving switches of a year. */
function switchDays(zone: string, year: number): string[] {
  const days: string[] = [];
  let day = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
  while (day.year === year) {
    const next = day.plus({ days: 1 });
    if (next.offset !== day.offset) days.push(day.toISODate()!);
    day = next;
  }
  return days;
}

const anchorCache = new Map<string, string[]>();

/** The days a store's data clusters around: New Year, the end of February, and the zone's switches. */
export function anchorDays(zone: string): string[] {
  let days = anchorCache.get(zone);
  if (!days) {
    days = [
      "2023-12-31",
      "2024-01-01",
      "2024-12-31",
      "2025-01-01",
      "2023-02-28",
      "2023-03-01",
      "2024-02-28",
      "2024-02-29",
      "2024-03-01",
      "2025-02-28",
      ...switchDays(zone, 2020),
      ...switchDays(zone, 2024),
    ];
    anchorCache.set(zone, days);
  }
  return days;
}

const dayCache = new Map<string, { midnightMs: number; switchMinute: number | null }>();

/**
 * A store day's first instant, and the minute after it at which the offset changes (null on most
 * days). Cached: Luxon with a zone costs tens of microseconds a call, and every moment needs these.
 */
function storeDayInfo(zone: string, day: string) {
  const key = `${zone} ${day}`;
  let info = dayCache.get(key);
  if (!info) {
    const start = DateTime.fromISO(day, { zone }).startOf("day");
    let switchMinute: number | null = null;
    if (start.plus({ days: 1 }).offset !== start.offset) {
      for (let m = 1; m <= 26 * 60 && switchMinute === null; m++) {
        if (start.plus({ minutes: m }).offset !== start.plus({ minutes: m - 1 }).offset) switchMinute = m;
      }
    }
    info = { midnightMs: start.toMillis(), switchMinute };
    dayCache.set(key, info);
  }
  return info;
}

/** A moment on a day near the anchor: near the store's midnight, near a switch, or any time. */
function momentNear(zone: string, anchor: string, maxDays: number): fc.Arbitrary<Date> {
  return fc
    .record({
      dayOffset: fc.integer({ min: -maxDays, max: maxDays }),
      where: fc.constantFrom("midnight", "midnight", "switch", "anytime"),
      minutes: fc.integer({ min: -90, max: 90 }),
      anyMinute: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      ms: fc.constantFrom(0, -1, 30_000),
    })
    .map(({ dayOffset, where, minutes, anyMinute, ms }) => {
      const { midnightMs, switchMinute } = storeDayInfo(zone, plusDays(anchor, dayOffset));
      const offset = where === "anytime" ? anyMinute : where === "switch" && switchMinute !== null ? switchMinute + minutes : minutes;
      return new Date(midnightMs + offset * 60_000 + ms);
    });
}

const YEARS = [1970, 1984, 1990, 1999, 2000, 2003];

/** A month-day ("MM-DD") near the anchor's, or one of the days the rules single out. */
function monthDayNear(anchor: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: -5, max: 12 }).map((d) => plusDays(anchor, d).slice(5)),
    fc.constantFrom("12-02", "12-31", "01-01", "01-02", "01-03", "02-28", "02-29", "03-01"),
  );
}

function birthdayNear(anchor: string): fc.Arbitrary<string> {
  return fc.record({ md: monthDayNear(anchor), year: fc.constantFrom(...YEARS) }).map(({ md, year }) => `${md === "02-29" && year % 4 !== 0 ? 2000 : year}-${md}`);
}

const plainDateNear = (anchor: string) => fc.integer({ min: -12, max: 12 }).map((d) => plusDays(anchor, d));

// --- customers ---------------------------------------------------------------------------------

interface Ctx {
  zone: string;
  anchor: string;
}

type CustomerData = Omit<RefCustomer, "id"> & {
  orders: Array<Omit<RefStore["orders"][number], "customerId">>;
  carts: Array<Omit<RefStore["carts"][number], "customerId">>;
  channels: Array<Omit<RefStore["channels"][number], "customerId">>;
};

function customerData({ zone, anchor }: Ctx): fc.Arbitrary<CustomerData> {
  const at = momentNear(zone, anchor, 12);
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
  return fc.record({
    registeredAt: maybe(at),
    firstInteractionAt: maybe(at),
    lastInteractionAt: maybe(at),
    birthday: maybe(birthdayNear(anchor)),
    acceptsMarketing: fc.boolean(),
    country: maybe(fc.constantFrom(...COUNTRIES)),
    city: maybe(fc.constantFrom(...CITIES)),
    group: maybe(fc.constantFrom(...GROUPS)),
    tags: fc.subarray(TAGS, { maxLength: 3 }),
    fields: fc
      .record({
        size: fc.option(fc.constantFrom(...SIZES), { nil: undefined }),
        renewal: fc.option(fc.oneof(plainDateNear(anchor), birthdayNear(anchor)), { nil: undefined }),
        colour: fc.option(fc.constantFrom("red", "blue", "green"), { nil: undefined }),
        note: fc.option(fc.constantFrom(...NOTES), { nil: undefined }),
      })
      .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Record<string, string | number>),
    answers: fc
      .record({ pets: fc.subarray(["cat", "dog", "fish"]), source: fc.subarray(["web", "shop", "phone"], { maxLength: 1 }) })
      .map((a) => Object.fromEntries(Object.entries(a).filter(([, chosen]) => chosen.length > 0))),
    orders: fc.array(
      fc.record({
        status: fc.constantFrom(...ORDER_STATUSES, "completed", "completed"),
        total: fc.oneof(fc.constantFrom(...TOTALS), fc.integer({ min: 0, max: 5000 })),
        placedAt: at,
        categories: fc.subarray(CATEGORIES, { maxLength: 2 }),
      }),
      { maxLength: 4 },
    ),
    carts: fc.array(fc.record({ abandonedAt: at, recoveredAt: fc.option(at, { nil: null, freq: 2 }) }), { maxLength: 2 }),
    channels: fc
      .record({
        email: fc.option(fc.record({ address: maybe(fc.constant("someone@example.com")), isSubscribed: fc.boolean() }), { nil: undefined }),
        sms: fc.option(fc.record({ address: maybe(fc.constant("+359888123456")), isSubscribed: fc.boolean() }), { nil: undefined }),
        messenger: fc.option(fc.record({ address: maybe(fc.constant("psid-1")), isSubscribed: fc.boolean() }), { nil: undefined }),
        viber: fc.option(fc.record({ address: maybe(fc.constant("viber-1")), isSubscribed: fc.boolean() }), { nil: undefined }),
      })
      .map((byChannel) => Object.entries(byChannel).flatMap(([channel, identity]) => (identity ? [{ channel, ...identity }] : []))),
  });
}

function addCustomer(store: RefStore, id: number, data: CustomerData): void {
  const { orders, carts, channels, ...profile } = data;
  store.customers.push({ id, ...profile });
  for (const o of orders) store.orders.push({ customerId: id, ...o });
  for (const c of carts) store.carts.push({ customerId: id, ...c });
  for (const c of channels) store.channels.push({ customerId: id, ...c });
}

// --- definitions -------------------------------------------------------------------------------

const includeExclude = <T extends string>(values: T[]) =>
  fc.array(fc.record({ value: fc.constantFrom(...values), mode: fc.constantFrom("include" as const, "exclude" as const) }), { minLength: 1, maxLength: 3 });

/** min ≤ max, at least one of them. */
const bounds = (values: number[]) =>
  fc
    .record({ a: fc.constantFrom(...values), b: fc.constantFrom(...values), which: fc.constantFrom("min", "max", "both") })
    .map(({ a, b, which }) => {
      const [min, max] = a <= b ? [a, b] : [b, a];
      return which === "min" ? { min } : which === "max" ? { max } : { min, max };
    });

/** Two plain dates, in order, either possibly open; `needsOne` refuses both open. */
const dateRange = (anchor: string, needsOne: boolean) =>
  fc
    .record({ a: plainDateNear(anchor), b: plainDateNear(anchor), open: fc.constantFrom("none", "from", "to", needsOne ? "none" : "both") })
    .map(({ a, b, open }) => {
      const [from, to] = a <= b ? [a, b] : [b, a];
      return { ...(open === "from" || open === "both" ? {} : { from }), ...(open === "to" || open === "both" ? {} : { to }) };
    });

function dateCondition(anchor: string): fc.Arbitrary<DateCondition> {
  const days = (min: number) => fc.integer({ min, max: 12 });
  return fc.oneof(
    dateRange(anchor, true).map((r) => ({ form: "between" as const, ...r })),
    days(1).map((n) => ({ form: "inLastDays" as const, days: n })),
    days(0).map((n) => ({ form: "moreThanDaysAgo" as const, days: n })),
    days(0).map((n) => ({ form: "daysAgo" as const, days: n })),
    fc.record({ from: monthDayNear(anchor), to: monthDayNear(anchor) }).map((r) => ({ form: "dayOfYear" as const, ...r })),
    fc.oneof(fc.integer({ min: 1, max: 14 }), fc.integer({ min: 360, max: 366 })).map((n) => ({ form: "inNextDays" as const, days: n })),
  );
}

function criterion(anchor: string, segments: string[]): fc.Arbitrary<Criterion> {
  const dated = <F extends "registeredAt" | "firstInteractionAt" | "lastInteractionAt" | "lastOrderAt" | "abandonedCartAt" | "birthday">(field: F) =>
    dateCondition(anchor).map((date) => ({ field, date }));
  // none, absolute (from/to) or rolling (the last N store days)
  const timeFrame = fc
    .option(fc.oneof(dateRange(anchor, false), fc.integer({ min: 1, max: 12 }).map((lastDays) => ({ lastDays }))), { nil: undefined, freq: 2 })
    .map((t) => (t === undefined ? {} : { timeFrame: t }));
  const money = <F extends "totalSpent" | "averageOrderValue">(field: F) =>
    fc.record({ b: bounds([0, 500, 1000, 1250, 1500, 2000, 2500, 5000]), t: timeFrame }).map(({ b, t }) => ({ field, ...b, ...t }));
  const options: Array<fc.Arbitrary<Criterion>> = [
    includeExclude([...ORDER_STATUSES]).map((values) => ({ field: "orderStatus" as const, values })),
    money("totalSpent"),
    money("averageOrderValue"),
    fc.record({ b: bounds([0, 1, 2, 3]), t: timeFrame }).map(({ b, t }) => ({ field: "orderCount" as const, ...b, ...t })),
    dated("registeredAt"),
    dated("firstInteractionAt"),
    dated("lastInteractionAt"),
    dated("lastOrderAt"),
    dated("abandonedCartAt"),
    dated("birthday"),
    fc.boolean().map((value) => ({ field: "acceptsMarketing" as const, value })),
    includeExclude([...COUNTRIES, "UA"]).map((values) => ({ field: "country" as const, values })),
    includeExclude([...CITIES, "Varna"]).map((values) => ({ field: "city" as const, values })),
    includeExclude([...TAGS, "ghost"]).map((values) => ({ field: "tag" as const, values })),
    includeExclude([...GROUPS, "Retail"]).map((values) => ({ field: "customerGroup" as const, values })),
    fc
      .record({ mode: fc.constantFrom("anyOf" as const, "allOf" as const, "noneOf" as const), categories: fc.subarray(CATEGORIES, { minLength: 1, maxLength: 3 }) })
      .map((c) => ({ field: "orderedFromCategory" as const, ...c })),
    fc.constantFrom(...CHANNELS).map((channel) => ({ field: "subscribedOn" as const, channel })),
    fc.constantFrom(...CHANNELS).map((channel) => ({ field: "reachableOn" as const, channel })),
    bounds([...SIZES, 39]).map((b) => ({ field: "customField" as const, key: "size", condition: { type: "number" as const, ...b } })),
    dateCondition(anchor).map((date) => ({ field: "customField" as const, key: "renewal", condition: { type: "date" as const, date } })),
    includeExclude(["red", "blue", "green", "purple"]).map((values) => ({ field: "customField" as const, key: "colour", condition: { type: "select" as const, values } })),
    fc
      .record({ op: fc.constantFrom("equals" as const, "contains" as const), value: fc.constantFrom("sofia", "SOFIA", "sofia shop", "αθήνα", "shop", "ß", "x", "ΚΟΣ", "κοσ", "μος") })
      .map(({ op, value }) => ({ field: "customField" as const, key: "note", condition: { type: "text" as const, op, value } })),
    fc.oneof(
      fc.subarray(["cat", "dog", "fish", "parrot"], { minLength: 1 }).map((options) => ({ field: "registrationAnswer" as const, question: "pets", options })),
      fc.subarray(["web", "shop", "phone"], { minLength: 1 }).map((options) => ({ field: "registrationAnswer" as const, question: "source", options })),
    ),
  ];
  if (segments.length) options.push(fc.record({ segment: fc.constantFrom(...segments), isMember: fc.boolean() }).map((s) => ({ field: "segment" as const, ...s })));
  // every generated criterion must be one the definition schema accepts, or the test proves nothing
  return fc.oneof(...options).map((c) => CriterionSchema.parse(c));
}

function rule(anchor: string, segments: string[], maxCriteria = 4): fc.Arbitrary<Rule> {
  return fc.record({
    match: fc.constantFrom("all" as const, "any" as const),
    criteria: fc.array(criterion(anchor, segments), { minLength: 1, maxLength: maxCriteria }),
  });
}

// --- whole cases -------------------------------------------------------------------------------

export interface AgreementCase {
  store: TestStore;
  /** Evaluation moments, near the anchor like the data. */
  moments: Date[];
  /** Definitions to evaluate at each moment. */
  rules: Rule[];
  /** The store after some customers changed and some were added, and which ids those are. */
  changed: { store: TestStore; customerIds: number[] };
}

export interface CaseSizes {
  moments: number;
  rules: number;
  maxCustomers: number;
}

/** A small store, moments and definitions around one anchor day, and an edit of a few customers. */
export function agreementCase(sizes: CaseSizes): fc.Arbitrary<AgreementCase> {
  return fc
    .record({ zone: fc.constantFrom(...TIME_ZONES), pick: fc.nat() })
    .map(({ zone, pick }) => ({ zone, anchor: anchorDays(zone)[pick % anchorDays(zone).length] }))
    .chain((ctx) =>
      fc
        .record({
          count: fc.integer({ min: 1, max: sizes.maxCustomers }),
          firstId: fc.integer({ min: 1, max: 50 }),
          idStep: fc.integer({ min: 1, max: 3 }),
          parents: fc.tuple(...CATEGORIES.map((_, i) => (i === 0 ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: i - 1 }), { nil: null, freq: 3 })))),
          segmentCount: fc.integer({ min: 0, max: SEGMENT_CODES.length }),
        })
        .chain((shape) => {
          const ids = Array.from({ length: shape.count }, (_, i) => shape.firstId + i * shape.idStep);
          const codes = SEGMENT_CODES.slice(0, shape.segmentCount);
          const segment = (i: number) =>
            fc.record({
              type: fc.constantFrom("dynamic", "dynamic", "accumulating", "snapshot", "manual"),
              rule: rule(ctx.anchor, codes.slice(0, i), 2),
              members: fc.subarray(ids),
            });
          return fc.record({
            customers: fc.array(customerData(ctx), { minLength: shape.count, maxLength: shape.count }),
            segments: fc.tuple(...codes.map((_, i) => segment(i))),
            moments: fc.array(momentNear(ctx.zone, ctx.anchor, 3), { minLength: sizes.moments, maxLength: sizes.moments }),
            rules: fc.array(rule(ctx.anchor, codes), { minLength: sizes.rules, maxLength: sizes.rules }),
            edits: fc.array(fc.record({ pick: fc.nat(), data: customerData(ctx) }), { minLength: 1, maxLength: 4 }),
            // sometimes enough new customers to outgrow the index's first capacity
            added: fc.oneof({ weight: 4, arbitrary: fc.array(customerData(ctx), { maxLength: 2 }) }, { weight: 1, arbitrary: fc.array(customerData(ctx), { minLength: 20, maxLength: 30 }) }),
          }).map((parts): AgreementCase => {
            const base = (): TestStore => ({
              timeZone: ctx.zone,
              customers: [],
              orders: [],
              carts: [],
              channels: [],
              categories: CATEGORIES.map((externalId, i) => ({ externalId, parentExternalId: shape.parents[i] === null ? null : CATEGORIES[shape.parents[i]!] })),
              segments: codes.map((code, i) => {
                const s = parts.segments[i];
                return { code, type: s.type, rule: s.type === "manual" ? { match: "all" as const, criteria: [] } : s.rule, members: s.members };
              }),
              ...SCHEMA,
            });
            const store = base();
            ids.forEach((id, i) => addCustomer(store, id, parts.customers[i]));

            const edited = new Map<number, CustomerData>();
            for (const e of parts.edits) edited.set(ids[e.pick % ids.length], e.data);
            const next = base();
            ids.forEach((id, i) => addCustomer(next, id, edited.get(id) ?? parts.customers[i]));
            const newIds = parts.added.map((_, i) => ids[ids.length - 1] + 1 + i);
            newIds.forEach((id, i) => addCustomer(next, id, parts.added[i]));

            return { store, moments: parts.moments, rules: parts.rules, changed: { store: next, customerIds: [...edited.keys(), ...newIds] } };
          });
        }),
    );
}
