// One demo customer and everything that hangs off them: profile, channels, tags, custom fields,
// registration answers, orders with items, and abandoned carts, all drawn from the customer's own
// random stream and written as rows for the bulk writer.
import type { Dialect } from "../db";
import type { SqlValue } from "../sql/bulk";
import type { OrderStatus } from "../models";
import { DAY_MS, type StoreCalendar } from "./calendar";
import type { DemoCatalogue, ProductPicker, Shopper } from "./catalogue";
import { searchNames } from "../ingest/util";
import { COUNTRIES, PEOPLE, NATIONALITIES, type City, type Country, type Nationality, type People } from "./people";
import { Random, Weighted } from "./random";
import type { CatalogueIds, GroupName, ReferenceIds, TagName } from "./reference";
import { timestampValue } from "./timestamp-value";
import { transliterate } from "./transliterate";

const HOUR_MS = 3_600_000;
const YEAR_MS = 365.25 * DAY_MS;

/** The tables a demo customer fills, in the order they are written (parents first), with their columns. */
export const CUSTOMER_TABLES = {
  customers: [
    "id", "external_id", "first_name", "last_name", "search_name", "sort_name", "email", "phone", "country", "city", "birthday",
    "registered_at", "accepts_marketing", "customer_group_id", "manager_id", "locale", "first_interaction_at", "last_interaction_at",
    "total_spent", "orders_count", "last_order_at", "created_at", "updated_at",
  ],
  customer_tags: ["customer_id", "tag_id"],
  customer_field_values: ["customer_id", "custom_field_id", "value_text", "value_number", "value_date"],
  registration_answers: ["customer_id", "option_id", "question_id", "answered_at"],
  channel_identities: ["id", "customer_id", "channel", "address", "is_subscribed", "subscription_changed_at", "created_at", "updated_at"],
  orders: ["id", "external_id", "customer_id", "status", "total", "currency", "placed_at", "created_at", "updated_at"],
  order_items: ["id", "order_id", "product_id", "variant_id", "category_id", "quantity", "price"],
  abandoned_carts: ["id", "external_id", "customer_id", "abandoned_at", "value", "currency", "recovered_at", "created_at", "updated_at"],
  // the consent each subscribed channel and the marketing consent were given with (docs/decisions/0040)
  consent_records: ["customer_id", "subject", "is_granted", "source", "reference", "occurred_at", "created_at"],
} as const;

export type CustomerTable = keyof typeof CUSTOMER_TABLES;
export type StoreRows = Record<CustomerTable, SqlValue[][]>;

export function emptyRows(): StoreRows {
  return { customers: [], customer_tags: [], customer_field_values: [], registration_answers: [], channel_identities: [], orders: [], order_items: [], abandoned_carts: [], consent_records: [] };
}

/** Remembers, in a fixed 4 MiB, which strings were handed out; "maybe seen" can be wrong, "not seen" never is. */
export class SeenFilter {
  private readonly bits = new Uint32Array(1 << 20);

  private hashes(value: string): [number, number] {
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    return [a >>> 0, (b | 1) >>> 0];
  }

  /** Marks the value; true when it may have been marked before. */
  add(value: string): boolean {
    const [a, b] = this.hashes(value);
    let seen = true;
    for (let k = 0; k < 3; k++) {
      const bit = (a + Math.imul(k, b)) >>> 7; // 25 bits
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      if (!(this.bits[word] & mask)) {
        seen = false;
        this.bits[word] |= mask;
      }
    }
    return seen;
  }
}

/** Everything generation needs that is the same for every customer, plus the running id counters. */
export interface DemoWorld {
  seed: number;
  dialect: Dialect;
  /** Customers in this store (registration dates are spread by a customer's rank among them). */
  total: number;
  nowMs: number;
  currency: string;
  calendar: StoreCalendar;
  catalogue: DemoCatalogue;
  catalogueIds: CatalogueIds;
  picker: ProductPicker;
  reference: ReferenceIds;
  managerIds: number[];
  /** The id of customer number 0; the seed is the only writer, so ids are handed out here. */
  firstCustomerId: number;
  next: { orderId: number; itemId: number; channelId: number; cartId: number; orderNumber: number; cartNumber: number };
  tenureNorm: number;
  emails: SeenFilter;
  phones: SeenFilter;
  /** Names in Latin letters, by nationality and name: a few hundred names serve a million customers. */
  latin: Map<string, string>;
}

function latin(world: DemoWorld, name: string, nationality: Nationality): string {
  const key = `${nationality}|${name}`;
  let value = world.latin.get(key);
  if (value === undefined) {
    value = transliterate(name, nationality);
    world.latin.set(key, value);
  }
  return value;
}

const nationalities = new Weighted(NATIONALITIES.map((n) => [PEOPLE[n], PEOPLE[n].share] as const));
const countriesOf = Object.fromEntries(NATIONALITIES.map((n) => [n, new Weighted(PEOPLE[n].countries.map(([c, w]) => [COUNTRIES[c], w] as const))])) as Record<Nationality, Weighted<Country>>;
const citiesOf = Object.fromEntries(Object.values(COUNTRIES).map((c) => [c.code, new Weighted(c.cities.map((city) => [city, city.weight] as const))])) as Record<string, Weighted<City>>;
const domainsOf = Object.fromEntries(NATIONALITIES.map((n) => [n, new Weighted(PEOPLE[n].mailDomains)])) as Record<Nationality, Weighted<string>>;
// the share of customers who have talked to the shop's bot on Messenger / Viber, by nationality
const MESSENGER_SHARE: Record<Nationality, number> = { bg: 0.3, gr: 0.28, ru: 0.12, ua: 0.18, en: 0.22 };
const VIBER_SHARE: Record<Nationality, number> = { bg: 0.5, gr: 0.4, ru: 0.22, ua: 0.45, en: 0.06 };
const SIZES_WOMEN = new Weighted<string>([["XS", 10], ["S", 28], ["M", 32], ["L", 18], ["XL", 9], ["XXL", 3]]);
const SIZES_MEN = new Weighted<string>([["S", 10], ["M", 30], ["L", 33], ["XL", 19], ["XXL", 8]]);
const HEARD_FROM = new Weighted<string>([["friend", 24], ["instagram", 22], ["facebook", 18], ["google", 20], ["tiktok", 7], ["youtube", 4], ["other", 5]]);
const INTERESTS_BY_TOP: Record<string, string> = { beauty: "beauty", home: "home", sports: "sports", electronics: "tech", toys: "kids" };

/** Orders a customer places over time grow with how long they have been a customer; the mean is kept by dividing by the store's average. */
export function tenureFactor(tenureMs: number): number {
  return 0.3 + Math.sqrt(Math.max(0, tenureMs) / YEAR_MS);
}

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const plainDate = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
};

function drawBirthday(r: Random, nowYear: number): { date: string; year: number } | null {
  if (!r.chance(0.78)) return null;
  const age = Math.min(84, Math.max(18, Math.round(r.normal(37, 12))));
  let year = nowYear - age - 1;
  // leap-day birthdays are rare but real, and the date criteria must handle them
  if (r.chance(0.006)) {
    while (!isLeap(year)) year--;
    return { date: `${year}-02-29`, year };
  }
  const day = r.int(0, isLeap(year) ? 365 : 364);
  return { date: plainDate(Date.UTC(year, 0, 1 + day)), year };
}

function drawEmail(r: Random, world: DemoWorld, index: number, people: People, first: string, last: string, birthYear: number | null): string {
  const f = latin(world, first, people.nationality) || "customer";
  const l = latin(world, last, people.nationality) || "shop";
  const number = birthYear && r.chance(0.5) ? (r.chance(0.5) ? String(birthYear) : String(birthYear).slice(2)) : String(r.int(1, 999));
  const pattern = r.int(0, 9);
  const local =
    pattern <= 2 ? `${f}.${l}`
    : pattern === 3 ? `${f}${l}`
    : pattern === 4 ? `${f}_${l}`
    : pattern === 5 ? `${f[0]}.${l}`
    : pattern === 6 ? `${f}.${l}${number}`
    : pattern === 7 ? `${f}${number}`
    : pattern === 8 ? `${l}.${f}`
    : `${f}${l}${number}`;
  const address = `${local}@${domainsOf[people.nationality].pick(r)}`;
  // an address is one person's: when this one may be taken, the customer's number makes it theirs
  // (no other pattern ends in ".digits", so these never meet another address)
  if (!world.emails.add(address)) return address;
  return address.replace("@", `.${index + 1}@`);
}

function drawPhone(r: Random, world: DemoWorld, country: Country, city: City): string {
  let phone = country.mobile(r, city);
  for (let attempt = 0; attempt < 4 && world.phones.add(phone); attempt++) phone = country.mobile(r, city);
  return phone;
}

interface DraftOrder {
  placedMs: number;
  /** [product index, variant index, quantity, unit price] */
  items: Array<[number, number, number, number]>;
}

function statusOf(r: Random, placedMs: number, nowMs: number): OrderStatus {
  const ageHours = (nowMs - placedMs) / HOUR_MS;
  if (ageHours < 24) return r.chance(0.6) ? "pending" : "processing";
  if (ageHours < 96) {
    const u = r.next();
    return u < 0.55 ? "processing" : u < 0.95 ? "completed" : "cancelled";
  }
  const u = r.next();
  return u < 0.895 ? "completed" : u < 0.955 ? "cancelled" : "refunded";
}

/** A moment between from and to, near from more often than not (skew > 1). */
function after(r: Random, fromMs: number, toMs: number, skew: number): number {
  return fromMs + Math.pow(r.next(), skew) * Math.max(0, toMs - fromMs);
}

const VIBER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DISCOUNTS = [0.1, 0.15, 0.2, 0.3];
const INTERESTS = ["women", "men", "kids", "home", "beauty", "sports", "tech"];
const CONTACT = ["email", "email", "sms", "viber", "messenger", "phone"];
const CHILDREN = [0, 0, 1, 1, 1, 2, 2, 3, 4];

/**
 * The drawing of one customer. A class rather than closures inside one function: the build keeps
 * function names, which costs a property definition per closure per customer, a million times over.
 */
class CustomerDraw {
  readonly r: Random;
  readonly id: number;
  readonly registeredMs: number;
  readonly isFemale: boolean;
  readonly shopper: Shopper;
  readonly isWholesale: boolean;
  favouriteTop = "";
  lastEventMs: number;
  signupMs = 0;

  constructor(
    readonly world: DemoWorld,
    readonly index: number,
    readonly rows: StoreRows,
  ) {
    this.r = new Random(world.seed, index);
    this.id = world.firstCustomerId + index;
    this.registeredMs = Math.floor(world.calendar.registrationAt((index + this.r.next()) / world.total));
    this.lastEventMs = this.registeredMs;
    this.isFemale = this.r.chance(0.54);
    this.shopper = this.isFemale ? "women" : "men";
    this.isWholesale = this.r.chance(0.03);
  }

  /** A moment in whole seconds, as a shop's records keep them. */
  at(ms: number): string | number {
    return timestampValue(ms - (ms % 1000), this.world.dialect);
  }

  items(atMs: number, count: number): DraftOrder["items"] {
    const { r, world } = this;
    const items: DraftOrder["items"] = [];
    const sale = world.calendar.isSaleSeason(atMs);
    for (let k = 0; k < count; k++) {
      const product = world.picker.pick(r, this.shopper, this.favouriteTop);
      const variants = world.catalogue.products[product].variants;
      const variant = r.int(0, variants.length - 1);
      const quantity = this.isWholesale ? r.int(4, 30) : r.chance(0.83) ? 1 : r.chance(0.75) ? 2 : r.int(3, 5);
      const discount = r.chance(sale ? 0.3 : 0.08) ? r.pick(DISCOUNTS) : 0;
      items.push([product, variant, quantity, Math.round(variants[variant].price * (1 - discount))]);
    }
    return items;
  }

  basketSize(): number {
    if (this.isWholesale) return this.r.int(3, 9);
    let n = 1;
    while (n < 12 && this.r.chance(0.5)) n++;
    return n;
  }

  /** Orders and abandoned carts; a recovered cart becomes an order placed when it was recovered. */
  orders(): { count: number; completedRevenue: number; completedOrders: number; lastOrderAt: string | number | null } {
    const { r, world, registeredMs, rows, id } = this;
    const { nowMs, calendar, currency } = world;
    // a heavy-tailed appetite (most buy once or never, a few buy all the time) times tenure
    const appetite = Math.exp(r.normal(Math.log(2.6) - 0.66, 1.15)) * (this.isWholesale ? 2.5 : 1);
    const tenure = tenureFactor(nowMs - registeredMs) / world.tenureNorm;
    const orderCount = Math.min(400, r.poisson(appetite * tenure));
    const drafts: DraftOrder[] = [];
    for (let k = 0; k < orderCount; k++) {
      // many buy right when they sign up; the rest come back when the season brings them
      const placedMs = Math.floor(k === 0 && r.chance(0.5) ? Math.min(nowMs, registeredMs + r.exponential(HOUR_MS)) : calendar.shoppingMoment(r, registeredMs, nowMs));
      drafts.push({ placedMs, items: this.items(placedMs, this.basketSize()) });
    }
    const cartCount = r.poisson(0.55 * tenure);
    for (let k = 0; k < cartCount; k++) {
      const abandonedMs = Math.floor(calendar.shoppingMoment(r, registeredMs, nowMs));
      const items = this.items(abandonedMs, r.int(1, 4));
      let value = 0;
      for (const item of items) value += item[2] * item[3];
      const recoveredMs = r.chance(0.14) ? Math.floor(abandonedMs + r.exponential(6 * HOUR_MS)) : null;
      const recovered = recoveredMs !== null && recoveredMs <= nowMs ? recoveredMs : null;
      if (recovered !== null) drafts.push({ placedMs: recovered, items });
      this.lastEventMs = Math.max(this.lastEventMs, recovered ?? abandonedMs);
      const abandonedAt = this.at(abandonedMs);
      const recoveredAt = recovered === null ? null : this.at(recovered);
      const cartNumber = world.next.cartNumber++;
      rows.abandoned_carts.push([world.next.cartId++, String(10_000_001 + cartNumber), id, abandonedAt, value, currency, recoveredAt, abandonedAt, recoveredAt ?? abandonedAt]);
    }

    drafts.sort((a, b) => a.placedMs - b.placedMs);
    let completedRevenue = 0;
    let completedOrders = 0;
    // the customer row's order totals (migration 0020): completed orders, and the last one not cancelled
    let lastOrderAt: string | number | null = null;
    for (const draft of drafts) {
      const orderId = world.next.orderId++;
      const orderNumber = world.next.orderNumber++;
      let total = 0;
      for (const [product, variant, quantity, price] of draft.items) {
        const ids = world.catalogueIds.products[product];
        rows.order_items.push([world.next.itemId++, orderId, ids.id, ids.variantIds[variant], ids.categoryId, quantity, price]);
        total += quantity * price;
      }
      const status = statusOf(r, draft.placedMs, nowMs);
      if (status === "completed") {
        completedRevenue += total;
        completedOrders++;
      }
      const placedAt = this.at(draft.placedMs);
      if (status !== "cancelled") lastOrderAt = placedAt;
      const settledAt = status === "pending" ? placedAt : this.at(Math.min(nowMs, draft.placedMs + r.int(2, 120) * HOUR_MS));
      // external ids of one width, so that their order as text is the order they are written in
      rows.orders.push([orderId, String(50_000_001 + orderNumber), id, status, total, currency, placedAt, placedAt, settledAt]);
      this.lastEventMs = Math.max(this.lastEventMs, draft.placedMs);
    }
    return { count: drafts.length, completedRevenue, completedOrders, lastOrderAt };
  }

  /** An address on a channel, whether the customer is subscribed there, and since when. */
  channel(name: string, address: string, isSubscribed: boolean, sinceMs: number): void {
    const since = this.at(Math.floor(Math.min(this.world.nowMs, Math.max(this.registeredMs, sinceMs))));
    this.rows.channel_identities.push([this.world.next.channelId++, this.id, name, address, isSubscribed, since, since, since]);
    if (isSubscribed) this.consent(name, since);
  }

  /** The consent given on a channel (or to marketing) at a moment, as the demo's own record. */
  consent(subject: string, at: SqlValue): void {
    this.rows.consent_records.push([this.id, subject, true, "demo", null, at, at]);
  }

  channels(nationality: Nationality, email: string | null, phone: string | null, acceptsMarketing: boolean): void {
    const { r, registeredMs, signupMs } = this;
    const { nowMs } = this.world;
    if (email) {
      const subscribed = r.chance(acceptsMarketing ? 0.9 : 0.06);
      // most who are not subscribed any more once were, and left later
      this.channel("email", email, subscribed, subscribed || r.chance(0.4) ? signupMs : after(r, registeredMs, nowMs, 1));
    }
    if (phone) {
      const subscribed = r.chance(acceptsMarketing ? 0.55 : 0.04);
      this.channel("sms", phone, subscribed, subscribed || r.chance(0.5) ? signupMs : after(r, registeredMs, nowMs, 1));
    }
    // Messenger and Viber addresses come from talking to the shop's bot, which is an interaction too
    if (r.chance(MESSENGER_SHARE[nationality])) {
      const connectedMs = after(r, registeredMs, nowMs, 2);
      this.channel("messenger", String(r.int(1, 9)) + r.digits(15), r.chance(0.8), connectedMs);
      this.lastEventMs = Math.max(this.lastEventMs, connectedMs);
    }
    if (phone && r.chance(VIBER_SHARE[nationality])) {
      const connectedMs = after(r, registeredMs, nowMs, 2);
      let id = "";
      for (let k = 0; k < 22; k++) id += VIBER_ALPHABET[r.uint32() & 63];
      this.channel("viber", `${id}==`, r.chance(0.85), connectedMs);
      this.lastEventMs = Math.max(this.lastEventMs, connectedMs);
    }
  }

  tag(name: TagName): void {
    this.rows.customer_tags.push([this.id, this.world.reference.tags[name]]);
  }

  field(key: keyof ReferenceIds["fields"], text: string | null, number: number | null, date: string | null): void {
    this.rows.customer_field_values.push([this.id, this.world.reference.fields[key], text, number, date]);
  }

  answer(question: string, option: string, answeredAt: string | number): void {
    const q = this.world.reference.questions[question];
    this.rows.registration_answers.push([this.id, q.options[option], q.id, answeredAt]);
  }
}

/** Appends customer number `index` (0-based) and all their rows. */
export function generateCustomer(world: DemoWorld, index: number, rows: StoreRows): void {
  const draw = new CustomerDraw(world, index, rows);
  const { r, id, registeredMs, isFemale, isWholesale } = draw;
  const { nowMs, reference, picker } = world;

  const people = nationalities.pick(r);
  const firstName = r.pick(isFemale ? people.femaleFirstNames : people.maleFirstNames);
  const surname = r.pick(people.surnames);
  const lastName = isFemale ? surname[1] : surname[0];
  const country = countriesOf[people.nationality].pick(r);
  const city = citiesOf[country.code].pick(r);
  const nowYear = new Date(nowMs).getUTCFullYear();
  const birthday = drawBirthday(r, nowYear);
  const email = r.chance(0.94) ? drawEmail(r, world, index, people, firstName, lastName, birthday?.year ?? null) : null;
  const phone = r.chance(0.82) || !email ? drawPhone(r, world, country, city) : null;
  const acceptsMarketing = r.chance(0.62);
  const locale = people.nationality === "ua" && r.chance(0.15) ? "ru" : people.locale;
  const isStaff = !isWholesale && r.chance(0.004);
  draw.favouriteTop = picker.favourite(r, draw.shopper);
  draw.signupMs = Math.min(nowMs, registeredMs + r.int(0, 120) * 1000);

  const { count: orderCount, completedRevenue, completedOrders, lastOrderAt } = draw.orders();
  const group: GroupName | null = isWholesale
    ? "Wholesale"
    : isStaff
      ? "Staff"
      : completedRevenue >= 150_000 || completedOrders >= 12
        ? "VIP"
        : r.chance(0.88)
          ? "Retail"
          : null;
  const managerChance = group === "Wholesale" ? 0.85 : group === "VIP" ? 0.55 : 0.09;
  const managerId = world.managerIds.length && r.chance(managerChance) ? r.pick(world.managerIds) : null;

  if (acceptsMarketing) draw.consent("marketing", draw.at(draw.signupMs));
  draw.channels(people.nationality, email, phone, acceptsMarketing);

  if (acceptsMarketing && r.chance(0.3)) draw.tag("newsletter");
  if (orderCount >= 2 && r.chance(0.5)) draw.tag("returning");
  if (r.chance(0.06)) draw.tag("gift-buyer");
  if (r.chance(0.08)) draw.tag("discount-hunter");
  if (r.chance(0.04)) draw.tag("instagram-giveaway");
  if (r.chance(0.005)) draw.tag("influencer");
  if (r.chance(0.05)) draw.tag("eco-friendly");
  if (orderCount > 0 && r.chance(0.025)) draw.tag("complaint");
  if (birthday && r.chance(0.12)) draw.tag("birthday-club");
  if (isWholesale || r.chance(0.004)) draw.tag("b2b");

  if (completedRevenue > 0 && r.chance(0.85)) draw.field("loyalty_points", null, Math.floor((completedRevenue / 100) * (0.3 + 0.7 * r.next())), null);
  if (r.chance(0.3)) draw.field("children", null, r.pick(CHILDREN), null);
  if (r.chance(0.1)) draw.field("wedding_anniversary", null, null, plainDate(Date.UTC(nowYear - r.int(1, 35), 0, r.int(1, 365))));
  if (r.chance(0.4)) draw.field("clothing_size", (isFemale ? SIZES_WOMEN : SIZES_MEN).pick(r), null, null);
  if (isWholesale || r.chance(0.015)) draw.field("company_name", people.company(surname[0]), null, null);
  if (r.chance(0.07)) draw.field("referral_code", `${latin(world, firstName, people.nationality).toUpperCase().slice(0, 8)}${r.int(10, 99)}`, null, null);

  // registration answers, given when the customer signed up
  const answeredAt = draw.at(draw.signupMs);
  if (r.chance(0.6)) draw.answer("heard_from", HEARD_FROM.pick(r), answeredAt);
  if (r.chance(0.45)) {
    const interests = [INTERESTS_BY_TOP[draw.favouriteTop] ?? (isFemale ? "women" : "men")];
    const extra = r.int(0, 2);
    for (let k = 0; k < extra; k++) {
      const option = r.pick(INTERESTS);
      if (!interests.includes(option)) interests.push(option);
    }
    for (const option of interests.sort()) draw.answer("interests", option, answeredAt);
  }
  if (r.chance(0.35)) draw.answer("contact", r.pick(CONTACT), answeredAt);

  // interactions frame everything above: some browsed before signing up, and the last visit is at
  // or after the last order, cart or chat
  const firstMs = r.chance(0.55) ? registeredMs - Math.floor(Math.min(r.exponential(DAY_MS), 14 * DAY_MS)) : registeredMs;
  const lastInteractionAt = draw.at(Math.floor(after(r, draw.lastEventMs, nowMs, 3)));
  const registeredAt = draw.at(registeredMs);
  const { searchName, sortName } = searchNames(firstName, lastName);
  rows.customers.push([
    id, String(10_000_001 + index), firstName, lastName, searchName, sortName, email, phone, country.code, city.name,
    birthday?.date ?? null, registeredAt, acceptsMarketing, group ? reference.groups[group] : null, managerId, locale,
    draw.at(firstMs), lastInteractionAt, completedRevenue, completedOrders, lastOrderAt, registeredAt, lastInteractionAt,
  ]);
}
