// The store's configuration the demo customers refer to: customer groups, tags, custom profile
// fields, registration questions, the catalogue's rows, and the managers customers are assigned to.
import crypto from "node:crypto";
import { Op, QueryTypes, type Transaction } from "sequelize";
import type { Database } from "../db";
import type { CustomFieldType } from "../models";
import { bulkInsert } from "../sql/bulk";
import { hashPassword } from "../passwords";
import type { DemoCatalogue } from "./catalogue";

/** The demo's own managers, beside the ones the first start creates. */
export const DEMO_MANAGERS: Array<{ email: string; name: string }> = [
  { email: "d.petkova@demo.store", name: "Десислава Петкова" },
  { email: "n.papadakis@demo.store", name: "Νίκος Παπαδάκης" },
  { email: "o.kovalenko@demo.store", name: "Олена Коваленко" },
  { email: "j.walker@demo.store", name: "James Walker" },
];

export const GROUPS = ["Retail", "Wholesale", "VIP", "Staff"] as const;
export type GroupName = (typeof GROUPS)[number];

export const TAGS = [
  "newsletter", "returning", "gift-buyer", "discount-hunter", "instagram-giveaway", "influencer", "eco-friendly", "complaint",
  "birthday-club", "b2b",
] as const;
export type TagName = (typeof TAGS)[number];

export const FIELDS: Array<{ key: string; label: string; type: CustomFieldType; options?: string[] }> = [
  { key: "loyalty_points", label: "Loyalty points", type: "number" },
  { key: "children", label: "Children", type: "number" },
  { key: "wedding_anniversary", label: "Wedding anniversary", type: "date" },
  { key: "clothing_size", label: "Clothing size", type: "select", options: ["XS", "S", "M", "L", "XL", "XXL"] },
  { key: "company_name", label: "Company", type: "text" },
  { key: "referral_code", label: "Referral code", type: "text" },
];
export type FieldKey = "loyalty_points" | "children" | "wedding_anniversary" | "clothing_size" | "company_name" | "referral_code";

/** A text in the console's other languages (English is the row's own column). */
type Translations = { bg: string; el: string; ru: string; uk: string };
type DemoOption = [key: string, english: string, translations: Translations];

// the demo store sells in Bulgaria, Greece, Russia and Ukraine: its bot asks in each customer's language
export const QUESTIONS: Array<{ key: string; text: string; translations: Translations; options: DemoOption[] }> = [
  {
    key: "heard_from",
    text: "How did you hear about us?",
    translations: { bg: "Откъде научихте за нас?", el: "Πώς μάθατε για εμάς;", ru: "Как вы о нас узнали?", uk: "Як ви про нас дізналися?" },
    options: [
      ["friend", "From a friend", { bg: "От приятел", el: "Από φίλο", ru: "От друзей", uk: "Від друзів" }],
      ["instagram", "Instagram", { bg: "Instagram", el: "Instagram", ru: "Instagram", uk: "Instagram" }],
      ["facebook", "Facebook", { bg: "Facebook", el: "Facebook", ru: "Facebook", uk: "Facebook" }],
      ["google", "Google search", { bg: "Търсене в Google", el: "Αναζήτηση στο Google", ru: "Поиск в Google", uk: "Пошук у Google" }],
      ["tiktok", "TikTok", { bg: "TikTok", el: "TikTok", ru: "TikTok", uk: "TikTok" }],
      ["youtube", "YouTube", { bg: "YouTube", el: "YouTube", ru: "YouTube", uk: "YouTube" }],
      ["other", "Other", { bg: "Друго", el: "Άλλο", ru: "Другое", uk: "Інше" }],
    ],
  },
  {
    key: "interests",
    text: "What do you shop for?",
    translations: { bg: "Какво пазарувате?", el: "Τι ψωνίζετε;", ru: "Что вы покупаете?", uk: "Що ви купуєте?" },
    options: [
      ["women", "Women's fashion", { bg: "Дамска мода", el: "Γυναικεία μόδα", ru: "Женская мода", uk: "Жіноча мода" }],
      ["men", "Men's fashion", { bg: "Мъжка мода", el: "Ανδρική μόδα", ru: "Мужская мода", uk: "Чоловіча мода" }],
      ["kids", "Kids", { bg: "Детски стоки", el: "Παιδικά", ru: "Детские товары", uk: "Дитячі товари" }],
      ["home", "Home", { bg: "За дома", el: "Σπίτι", ru: "Для дома", uk: "Для дому" }],
      ["beauty", "Beauty", { bg: "Козметика", el: "Ομορφιά", ru: "Красота", uk: "Краса" }],
      ["sports", "Sports", { bg: "Спорт", el: "Αθλητικά", ru: "Спорт", uk: "Спорт" }],
      ["tech", "Electronics", { bg: "Електроника", el: "Ηλεκτρονικά", ru: "Электроника", uk: "Електроніка" }],
    ],
  },
  {
    key: "contact",
    text: "How would you like us to contact you?",
    translations: { bg: "Как предпочитате да се свързваме с вас?", el: "Πώς προτιμάτε να επικοινωνούμε μαζί σας;", ru: "Как вам удобнее с нами связываться?", uk: "Як вам зручніше з нами зв’язуватися?" },
    options: [
      ["email", "Email", { bg: "Имейл", el: "Email", ru: "Эл. почта", uk: "Ел. пошта" }],
      ["sms", "SMS", { bg: "SMS", el: "SMS", ru: "SMS", uk: "SMS" }],
      ["viber", "Viber", { bg: "Viber", el: "Viber", ru: "Viber", uk: "Viber" }],
      ["messenger", "Messenger", { bg: "Messenger", el: "Messenger", ru: "Messenger", uk: "Messenger" }],
      ["phone", "Phone call", { bg: "Телефонно обаждане", el: "Τηλεφωνική κλήση", ru: "Телефонный звонок", uk: "Телефонний дзвінок" }],
    ],
  },
];

export interface ReferenceIds {
  groups: Record<GroupName, number>;
  tags: Record<TagName, number>;
  fields: Record<FieldKey, number>;
  /** question key → its id and its options' ids by option key */
  questions: Record<string, { id: number; options: Record<string, number> }>;
}

export interface CatalogueIds {
  categories: Map<string, number>;
  /** By the catalogue's product index: the product id, its category id and its variants' ids. */
  products: Array<{ id: number; categoryId: number; variantIds: number[] }>;
}

type Row = Record<string, unknown>;

async function idsBy(db: Database, transaction: Transaction, sql: string, replacements: unknown[]): Promise<Map<string, number>> {
  const rows = await db.sequelize.query<Row>(sql, { type: QueryTypes.SELECT, replacements, transaction });
  return new Map(rows.map((r) => [String(r.k), Number(r.id)]));
}

/** Finds or creates the groups, tags, custom fields and registration questions; a store that has some of them keeps its own. */
export async function ensureReferenceData(db: Database, now: Date, transaction: Transaction): Promise<ReferenceIds> {
  await bulkInsert(db, "customer_groups", ["name", "created_at", "updated_at"], GROUPS.map((g) => [g, now, now]), { conflict: "ignore", transaction });
  await bulkInsert(db, "tags", ["name", "created_at", "updated_at"], TAGS.map((t) => [t, now, now]), { conflict: "ignore", transaction });
  await bulkInsert(
    db,
    "custom_fields",
    ["key", "label", "type", "options", "position", "created_at", "updated_at"],
    FIELDS.map((f, i) => [f.key, f.label, f.type, f.options ? JSON.stringify(f.options) : null, i, now, now]),
    { conflict: "ignore", transaction },
  );
  await bulkInsert(
    db,
    "registration_questions",
    ["key", "text", "translations", "position", "is_active", "created_at", "updated_at"],
    QUESTIONS.map((q, i) => [q.key, q.text, JSON.stringify(q.translations), i, true, now, now]),
    { conflict: "ignore", transaction },
  );
  const groups = await idsBy(db, transaction, "SELECT name AS k, id FROM customer_groups WHERE name IN (?)", [GROUPS]);
  const tags = await idsBy(db, transaction, "SELECT name AS k, id FROM tags WHERE name IN (?)", [TAGS]);
  // "key" is a reserved word on MariaDB
  const key = db.dialect === "mysql" ? "`key`" : '"key"';
  const fields = await idsBy(db, transaction, `SELECT ${key} AS k, id FROM custom_fields WHERE ${key} IN (?)`, [FIELDS.map((f) => f.key)]);
  const questionIds = await idsBy(db, transaction, `SELECT ${key} AS k, id FROM registration_questions WHERE ${key} IN (?)`, [QUESTIONS.map((q) => q.key)]);
  await bulkInsert(
    db,
    "registration_options",
    ["question_id", "key", "label", "translations", "position", "created_at", "updated_at"],
    QUESTIONS.flatMap((q) => q.options.map(([key, label, translations], i) => [questionIds.get(q.key)!, key, label, JSON.stringify(translations), i, now, now])),
    { conflict: "ignore", transaction },
  );
  const options = await db.models.RegistrationOption.findAll({ where: { questionId: { [Op.in]: [...questionIds.values()] } }, raw: true, transaction });
  const questions: ReferenceIds["questions"] = {};
  for (const q of QUESTIONS) {
    const id = questionIds.get(q.key)!;
    questions[q.key] = { id, options: Object.fromEntries(options.filter((o) => o.questionId === id).map((o) => [o.key, o.id])) };
  }
  return {
    groups: Object.fromEntries(GROUPS.map((g) => [g, groups.get(g)!])) as ReferenceIds["groups"],
    tags: Object.fromEntries(TAGS.map((t) => [t, tags.get(t)!])) as ReferenceIds["tags"],
    fields: Object.fromEntries(FIELDS.map((f) => [f.key, fields.get(f.key)!])) as ReferenceIds["fields"],
    questions,
  };
}

/** Writes the category tree (with materialized paths), products and variants, reusing rows with the same external ids. */
export async function ensureCatalogue(db: Database, catalogue: DemoCatalogue, now: Date, transaction: Transaction): Promise<CatalogueIds> {
  const categories = new Map<string, number>();
  const paths = new Map<string, string>();
  const depth = Math.max(...catalogue.categories.map((c) => c.depth));
  // a level at a time, so every parent has its id and path before its children are written
  for (let level = 1; level <= depth; level++) {
    const here = catalogue.categories.filter((c) => c.depth === level);
    const parentOf = (c: (typeof here)[number]) => (c.parentKey ? categories.get(c.parentKey)! : null);
    await bulkInsert(
      db,
      "categories",
      ["external_id", "name", "parent_id", "path", "created_at", "updated_at"],
      here.map((c) => [`demo-${c.key}`, c.name, parentOf(c), "/", now, now]),
      { conflict: "ignore", transaction },
    );
    const ids = await idsBy(db, transaction, "SELECT external_id AS k, id FROM categories WHERE external_id IN (?)", [here.map((c) => `demo-${c.key}`)]);
    for (const c of here) {
      const id = ids.get(`demo-${c.key}`)!;
      const path = `${c.parentKey ? paths.get(c.parentKey)! : "/"}${id}/`;
      categories.set(c.key, id);
      paths.set(c.key, path);
      await db.models.Category.update({ path, parentId: parentOf(c) }, { where: { id }, silent: true, transaction });
    }
  }
  await bulkInsert(
    db,
    "products",
    ["external_id", "name", "category_id", "created_at", "updated_at"],
    catalogue.products.map((p) => [p.externalId, p.name, categories.get(p.categoryKey)!, now, now]),
    { conflict: "ignore", transaction },
  );
  const productIds = await idsBy(db, transaction, "SELECT external_id AS k, id FROM products WHERE external_id LIKE ?", ["demo-%"]);
  await bulkInsert(
    db,
    "product_variants",
    ["external_id", "product_id", "name", "sku", "price", "created_at", "updated_at"],
    catalogue.products.flatMap((p) => p.variants.map((v) => [v.externalId, productIds.get(p.externalId)!, v.name, v.sku, v.price, now, now])),
    { conflict: "ignore", transaction },
  );
  const variantIds = await idsBy(db, transaction, "SELECT external_id AS k, id FROM product_variants WHERE external_id LIKE ?", ["demo-%"]);
  return {
    categories,
    products: catalogue.products.map((p) => ({
      id: productIds.get(p.externalId)!,
      categoryId: categories.get(p.categoryKey)!,
      variantIds: p.variants.map((v) => variantIds.get(v.externalId)!),
    })),
  };
}

/**
 * The managers demo customers are assigned to: the demo's own (created with random passwords that
 * nobody is told; an admin can reset them) and manager@demo.store when the first start made it.
 * Ordered by email, so the same users give the same assignments.
 */
export async function ensureDemoManagers(db: Database, transaction: Transaction): Promise<number[]> {
  const { User } = db.models;
  const existing = new Set((await User.findAll({ where: { email: { [Op.in]: DEMO_MANAGERS.map((m) => m.email) } }, transaction })).map((u) => u.email));
  const missing = DEMO_MANAGERS.filter((m) => !existing.has(m.email));
  // hashed together (the thread pool runs them side by side), created one by one so that the same
  // users get the same ids, and the same seed assigns customers to the same ids
  const hashes = await Promise.all(missing.map(() => hashPassword(crypto.randomBytes(24).toString("base64url"))));
  for (const [i, m] of missing.entries()) await User.create({ email: m.email, name: m.name, role: "manager", passwordHash: hashes[i] }, { transaction });
  const managers = await User.findAll({
    where: { email: { [Op.in]: [...DEMO_MANAGERS.map((m) => m.email), "manager@demo.store"] }, role: "manager", isActive: true },
    order: [["email", "ASC"]],
    transaction,
  });
  return managers.map((m) => m.id);
}
