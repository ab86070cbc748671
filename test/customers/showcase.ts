// A small store that shows what the customer pages must cope with: names in Cyrillic, Greek and
// Latin, very long names, many tags, customers without orders or without a name, and a rich
// customer with orders, carts, fields, answers and channels. Written through the real ingestion
// functions, so the change log holds what a real store's would.
import type { Database } from "../../models/db";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { upsertCategories } from "../../models/ingest/categories.server";
import { upsertProducts } from "../../models/ingest/products.server";
import { upsertOrders } from "../../models/ingest/orders.server";
import { upsertCarts } from "../../models/ingest/carts.server";
import { CartInput, CategoryInput, CustomerInput, OrderInput, ProductInput } from "../../models/ingest/schemas";

const FIRST = {
  BG: ["Иван", "Мария", "Георги", "Елена", "Димитър", "Цветелина", "Стоян", "Радостина"],
  GR: ["Γιώργος", "Ελένη", "Κωνσταντίνος", "Μαρία", "Οδυσσέας", "Αικατερίνη", "Δημήτρης", "Σοφία"],
  UA: ["Олена", "Тарас", "Оксана", "Богдан", "Ірина", "Юрій"],
  RU: ["Алексей", "Наталья", "Сергей", "Екатерина", "Дмитрий"],
  GB: ["Oliver", "Amelia", "Harry", "Isla", "Jack", "Sophie"],
};
const LAST = {
  BG: ["Петров", "Иванова", "Георгиев", "Димитрова", "Стоянов", "Николова"],
  GR: ["Παπαδόπουλος", "Παπαδοπούλου", "Νικολάου", "Γεωργίου", "Οικονόμου", "Καραγιάννης"],
  UA: ["Коваленко", "Шевченко", "Бондаренко", "Мельник", "Ткаченко"],
  RU: ["Смирнов", "Иванова", "Кузнецов", "Попова", "Соколов"],
  GB: ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson"],
};
const CITY = { BG: ["София", "Пловдив", "Варна"], GR: ["Αθήνα", "Θεσσαλονίκη", "Πάτρα"], UA: ["Київ", "Львів", "Одеса"], RU: ["Москва", "Казань"], GB: ["London", "Leeds", "Bristol"] };
// mobile prefixes and how many digits follow them in each country
const PHONE = { BG: ["+35988", 7], GR: ["+30691", 7], UA: ["+38050", 7], RU: ["+7916", 7], GB: ["+447700", 6] } as const;
const LATIN = { BG: "bg", GR: "gr", UA: "ua", RU: "ru", GB: "uk" };
type Country = keyof typeof FIRST;
const COUNTRIES = Object.keys(FIRST) as Country[];

export interface ShowcaseIds {
  rich: string;
  noOrders: string;
  longName: string;
  nameless: string;
  managerEmail: string;
}

/** Fills an empty, migrated store; the manager with `managerEmail` must exist. Returns the external ids worth opening. */
export async function buildShowcaseStore(db: Database, options: { now: Date; managerEmail: string; customers?: number }): Promise<ShowcaseIds> {
  const { now } = options;
  const count = options.customers ?? 140;
  const daysAgo = (d: number, h = 11) => new Date(now.getTime() - d * 86_400_000 - (h % 24) * 3_600_000);
  await db.models.CustomField.bulkCreate([
    { key: "shoe_size", label: "Shoe size", type: "number", options: null, position: 1 },
    { key: "loyalty_since", label: "Loyalty card since", type: "date", options: null, position: 2 },
    { key: "skin_type", label: "Skin type", type: "select", options: JSON.stringify(["dry", "normal", "oily"]), position: 3 },
    { key: "notes", label: "Notes from the shop", type: "text", options: null, position: 4 },
  ]);
  const pets = await db.models.RegistrationQuestion.create({ key: "pets", text: "Which pets live with you?", position: 1 });
  const how = await db.models.RegistrationQuestion.create({ key: "heard", text: "How did you hear about us?", position: 2 });
  await db.models.RegistrationOption.bulkCreate([
    { questionId: pets.id, key: "cat", label: "Cat", position: 1 },
    { questionId: pets.id, key: "dog", label: "Dog", position: 2 },
    { questionId: pets.id, key: "parrot", label: "Parrot", position: 3 },
    { questionId: how.id, key: "friend", label: "From a friend", position: 1 },
    { questionId: how.id, key: "instagram", label: "Instagram", position: 2 },
  ]);

  const tagsPool = ["vip", "wholesale", "newsletter", "black-friday-2024", "returns-often", "gift-buyer", "b2b", "eco", "early-adopter", "sample-box", "loyalty-gold", "birthday-club", "sms-only", "influencer", "staff-friend", "needs-follow-up"];
  const inputs: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const country = COUNTRIES[i % COUNTRIES.length];
    const first = FIRST[country][i % FIRST[country].length];
    const last = LAST[country][(i * 7) % LAST[country].length];
    inputs.push({
      externalId: `SC-${String(1000 + i)}`,
      firstName: first,
      lastName: last,
      email: `${LATIN[country]}.customer${i}@example.com`,
      phone: `${PHONE[country][0]}${String(1_000_000 + i * 7919).slice(-PHONE[country][1])}`,
      country,
      city: CITY[country][i % CITY[country].length],
      birthday: i % 5 === 0 ? null : `19${70 + (i % 30)}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 27) + 1).padStart(2, "0")}`,
      registeredAt: daysAgo(1400 - i * 9).toISOString(),
      acceptsMarketing: i % 3 !== 0,
      customerGroup: i % 10 === 0 ? "VIP" : i % 4 === 0 ? "Wholesale" : "Retail",
      tags: tagsPool.filter((_, t) => (i + t) % 7 === 0),
      managerEmail: i % 6 === 0 ? options.managerEmail : undefined,
      channels: i % 2 === 0 ? { email: { subscribed: i % 4 === 0 }, viber: { address: `viber-${i}`, subscribed: true } } : undefined,
    });
  }
  inputs.push(
    {
      externalId: "SC-RICH",
      firstName: "Κωνσταντίνα",
      lastName: "Παπαδοπούλου",
      email: "konstantina.papadopoulou@example.gr",
      phone: "+306912345678",
      country: "GR",
      city: "Θεσσαλονίκη",
      birthday: "1988-02-29",
      registeredAt: daysAgo(900).toISOString(),
      acceptsMarketing: true,
      customerGroup: "VIP",
      tags: tagsPool,
      managerEmail: options.managerEmail,
      locale: "el",
      firstInteractionAt: daysAgo(900).toISOString(),
      lastInteractionAt: daysAgo(2).toISOString(),
      customFields: { shoe_size: 38.5, loyalty_since: "2021-11-26", skin_type: "dry", notes: "Prefers delivery after 18:00; call before shipping fragile items." },
      answers: { pets: ["cat", "parrot"], heard: ["instagram"] },
      channels: {
        email: { subscribed: true, changedAt: daysAgo(880).toISOString() },
        sms: { subscribed: false, changedAt: daysAgo(120).toISOString() },
        messenger: { address: "psid-2839471029384", subscribed: true, changedAt: daysAgo(300).toISOString() },
        viber: { address: "viber-u-77ab1290ffe", subscribed: true, changedAt: daysAgo(45).toISOString() },
      },
    },
    { externalId: "SC-NO-ORDERS", firstName: "Цветелина", lastName: "Ангелова-Добрева", email: "tsveti@example.bg", country: "BG", city: "Велико Търново", registeredAt: daysAgo(3).toISOString() },
    {
      externalId: "SC-LONG",
      firstName: "Αλέξανδρος-Κωνσταντίνος Μιχαήλ",
      lastName: "Χατζηπαναγιωτόπουλος-Καραμανλής του Θεοδώρου",
      email: "alexandros.konstantinos.chatzipanagiotopoulos.karamanlis@very-long-domain-name.example.com",
      country: "GR",
      city: "Αλεξανδρούπολη",
      registeredAt: daysAgo(10).toISOString(),
      tags: ["a-very-long-tag-name-that-someone-typed-into-the-shop-admin", ...tagsPool.slice(0, 5)],
      managerEmail: options.managerEmail,
    },
    { externalId: "SC-NAMELESS", email: "anonymous.buyer@example.com", registeredAt: daysAgo(1).toISOString() },
  );
  const parsed = inputs.map((i) => CustomerInput.parse(i));
  const customers = await upsertCustomers(db, parsed, { source: "import", now: daysAgo(1) });
  if (!customers.ok) throw new Error(`showcase customers: ${JSON.stringify(customers.errors.slice(0, 3))}`);

  const categories = [
    { externalId: "cat-beauty", name: "Beauty" },
    { externalId: "cat-skin", name: "Skin care", parentExternalId: "cat-beauty" },
    { externalId: "cat-home", name: "Home" },
  ].map((c) => CategoryInput.parse(c));
  const catOutcome = await upsertCategories(db, categories, { source: "api", now: daysAgo(1) });
  if (!catOutcome.ok) throw new Error(`showcase categories: ${JSON.stringify(catOutcome.errors)}`);
  const products = [
    { externalId: "p-serum", name: "Hyaluronic serum 30 ml", categoryExternalId: "cat-skin", variants: [{ externalId: "v-serum", name: "30 ml", price: 2490 }] },
    { externalId: "p-candle", name: "Soy candle, fig and cedar", categoryExternalId: "cat-home", variants: [{ externalId: "v-candle", name: "Large", price: 1890 }] },
    { externalId: "p-cream", name: "Night cream", categoryExternalId: "cat-skin", variants: [{ externalId: "v-cream", name: "50 ml", price: 3150 }] },
  ].map((p) => ProductInput.parse(p));
  const prodOutcome = await upsertProducts(db, products, { source: "api", now: daysAgo(1) });
  if (!prodOutcome.ok) throw new Error(`showcase products: ${JSON.stringify(prodOutcome.errors)}`);

  const orders: unknown[] = [];
  const statuses = ["completed", "completed", "completed", "cancelled", "refunded", "completed", "processing", "pending"];
  for (let n = 0; n < 14; n++) {
    orders.push({
      externalId: `ORD-R-${1000 + n}`,
      customerExternalId: "SC-RICH",
      status: statuses[n % statuses.length] === "pending" && n < 10 ? "completed" : statuses[n % statuses.length],
      total: 2490 * (1 + (n % 3)) + 1890,
      currency: "EUR",
      placedAt: daysAgo(850 - n * 60, n).toISOString(),
      items: [
        { productExternalId: "p-serum", variantExternalId: "v-serum", quantity: 1 + (n % 3), price: 2490 },
        { productExternalId: "p-candle", variantExternalId: "v-candle", quantity: 1, price: 1890 },
      ],
    });
  }
  for (let i = 0; i < count; i += 2) {
    const orderCount = i % 8 === 0 ? 5 : i % 4 === 0 ? 2 : 1;
    for (let n = 0; n < orderCount; n++) {
      orders.push({
        externalId: `ORD-${i}-${n}`,
        customerExternalId: `SC-${String(1000 + i)}`,
        status: n === 0 && i % 10 === 4 ? "cancelled" : "completed",
        total: 3150 * (n + 1),
        currency: "EUR",
        placedAt: daysAgo(Math.max(2, 1300 - i * 9 - n * 30)).toISOString(),
        items: [{ productExternalId: "p-cream", variantExternalId: "v-cream", quantity: n + 1, price: 3150 }],
      });
    }
  }
  const orderOutcome = await upsertOrders(db, orders.map((o) => OrderInput.parse(o)), { source: "api", now: daysAgo(1) });
  if (!orderOutcome.ok) throw new Error(`showcase orders: ${JSON.stringify(orderOutcome.errors.slice(0, 3))}`);
  const carts = [
    { externalId: "CART-R-1", customerExternalId: "SC-RICH", abandonedAt: daysAgo(200).toISOString(), value: 5640, currency: "EUR", recoveredAt: daysAgo(199).toISOString() },
    { externalId: "CART-R-2", customerExternalId: "SC-RICH", abandonedAt: daysAgo(20).toISOString(), value: 8120, currency: "EUR" },
    { externalId: "CART-L-1", customerExternalId: "SC-LONG", abandonedAt: daysAgo(5).toISOString(), value: 2490, currency: "EUR" },
  ].map((c) => CartInput.parse(c));
  const cartOutcome = await upsertCarts(db, carts, { source: "api", now: daysAgo(1) });
  if (!cartOutcome.ok) throw new Error(`showcase carts: ${JSON.stringify(cartOutcome.errors)}`);
  // a later profile edit, so the history shows a change with its fields
  const edit = await upsertCustomers(db, [CustomerInput.parse({ externalId: "SC-RICH", city: "Αθήνα", phone: "+306912345679" })], { source: "ui", now });
  if (!edit.ok) throw new Error("showcase edit failed");
  return { rich: "SC-RICH", noOrders: "SC-NO-ORDERS", longName: "SC-LONG", nameless: "SC-NAMELESS", managerEmail: options.managerEmail };
}
