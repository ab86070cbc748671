import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../../test/support/db";
import { addCustomers } from "../../test/customers/factory";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { upsertCategories } from "../../models/ingest/categories.server";
import { upsertProducts } from "../../models/ingest/products.server";
import { upsertOrders } from "../../models/ingest/orders.server";
import { CategoryInput, CustomerInput, OrderInput, ProductInput, parseInput } from "../../models/ingest/schemas";
import { saveStoreSettings } from "../../models/store.server";
import type { ChannelName, RenderedMessage } from "../channels/channel";
import { checkTemplate, previewTemplate, renderForCustomers, storeFieldKeys, type RenderOutcome, type TemplateInput } from "./render.server";
import { CONTEXT_BATCH } from "./context.server";

const now = new Date("2025-03-01T08:00:00Z");
const unsubscribeUrl = (customerId: number, channel: ChannelName) => `https://shop.test/unsubscribe/${channel}-${customerId}`;
const options = { now, unsubscribeUrl };

function parsed<T>(schema: Parameters<typeof parseInput>[0], value: unknown): T {
  const r = parseInput(schema, value);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value as T;
}

function message(outcome: RenderOutcome | undefined): RenderedMessage {
  if (!outcome || "problem" in outcome) throw new Error(`expected a message, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe(`message templates rendered for customers on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const id: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    await saveStoreSettings(db, { name: "Green Leaf", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    await db.models.CustomField.create({ key: "loyalty_level", label: "Loyalty level", type: "select", options: JSON.stringify(["silver", "gold"]) });
    await db.models.CustomField.create({ key: "shoe size", label: "Shoe size", type: "number", options: null });
    await db.models.CustomField.create({ key: "member_since", label: "Member since", type: "date", options: null });
    const customers = [
      {
        externalId: "C-1",
        firstName: "Maria",
        lastName: "Ivanova",
        email: "maria@example.com",
        phone: "+359888123456",
        country: "BG",
        city: "Sofia",
        birthday: "1990-05-17",
        // 23:30 UTC is already the next day in Sofia
        registeredAt: "2024-03-01T23:30:00Z",
        customerGroup: "VIP",
        customFields: { loyalty_level: "gold", "shoe size": 38, member_since: "2020-02-29" },
      },
      { externalId: "C-2", firstName: `<script>alert("x")</script>`, lastName: "O'Neil & Sons", email: "evil@example.com" },
      { externalId: "C-3", firstName: null, email: "anon@example.com" },
    ];
    const out = await upsertCustomers(db, customers.map((c) => parsed(CustomerInput, c)), { source: "api", now });
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    for (const r of out.results) id[r.externalId] = r.id;

    await upsertCategories(db, [parsed(CategoryInput, { externalId: "shirts", name: "Shirts" })], { source: "api", now });
    await upsertProducts(
      db,
      [
        parsed(ProductInput, { externalId: "P-1", name: "Linen shirt", categoryExternalId: "shirts", variants: [{ externalId: "P-1-M", name: "M / blue", price: 4245 }] }),
        parsed(ProductInput, { externalId: "P-2", name: "Socks", categoryExternalId: "shirts" }),
      ],
      { source: "api", now },
    );
    const orders = [
      { externalId: "O-1", customerExternalId: "C-1", status: "completed", total: 1000, currency: "EUR", placedAt: "2024-12-01T10:00:00Z", items: [] },
      {
        externalId: "10234",
        customerExternalId: "C-1",
        status: "completed",
        total: 8490,
        currency: "EUR",
        // 23:30 UTC on the 9th is the 10th in Sofia
        placedAt: "2025-01-09T23:30:00Z",
        items: [
          { productExternalId: "P-1", variantExternalId: "P-1-M", quantity: 2, price: 4245 },
          { productExternalId: "P-2", quantity: 1, price: 0 },
        ],
      },
      // later, but cancelled: not the last order
      { externalId: "O-3", customerExternalId: "C-1", status: "cancelled", total: 500, currency: "EUR", placedAt: "2025-02-01T10:00:00Z", items: [] },
    ];
    const placed = await upsertOrders(db, orders.map((o) => parsed(OrderInput, o)), { source: "api", now });
    if (!placed.ok) throw new Error(JSON.stringify(placed.errors));
  });
  afterAll(() => db.drop());

  it("renders the customer, a custom field, the last order, the store and the unsubscribe link", async () => {
    const sms: TemplateInput = {
      channel: "sms",
      textBody: [
        "Hi {{ customer.first_name }} {{ customer.last_name }} ({{ customer.name }}), {{ customer.email }} {{ customer.phone }} {{ customer.country }}/{{ customer.city }}",
        "born {{ customer.birthday }}, since {{ customer.registered_at }}, {{ customer.external_id }} in {{ customer.group }}",
        "{{ fields.loyalty_level }} size {{ fields['shoe size'] }} member {{ fields.member_since }}",
        "{% if last_order %}Order #{{ last_order.number }} ({{ last_order.status }}) of {{ last_order.placed_at }}: {{ last_order.total }} = {{ last_order.total_amount }} {{ last_order.currency }}",
        "{% for item in last_order.items %}- {{ item.quantity }} × {{ item.name }} {{ item.variant }} [{{ item.category }}] at {{ item.price }}\n{% endfor %}{% endif %}",
        "{{ store.name }} ({{ store.currency }}) {{ today }} Stop: {{ unsubscribe_url }}",
      ].join("\n"),
    };
    const rendered = await renderForCustomers(db, [sms], [id["C-1"]], options);
    expect(message(rendered.get(id["C-1"])?.get("sms")).text).toBe(
      [
        "Hi Maria Ivanova (Maria Ivanova), maria@example.com +359888123456 BG/Sofia",
        "born 1990-05-17, since 2024-03-02, C-1 in VIP",
        "gold size 38 member 2020-02-29",
        "Order #10234 (completed) of 2025-01-10: €84.90 = 84.9 EUR",
        "- 2 × Linen shirt M / blue [Shirts] at €42.45",
        "- 1 × Socks  [Shirts] at €0.00",
        "",
        `Green Leaf (EUR) 2025-03-01 Stop: https://shop.test/unsubscribe/sms-${id["C-1"]}`,
      ].join("\n"),
    );
  });

  it("gives a customer without orders or values an empty last order and empty fields, not an error", async () => {
    const template: TemplateInput = {
      channel: "viber",
      textBody: "Hi {{ customer.first_name | default: 'friend' }}{% if last_order %}, order {{ last_order.number }}{% else %}, no orders yet{% endif %} [{{ fields.loyalty_level }}] {{ last_order.total }}.",
    };
    const rendered = await renderForCustomers(db, [template], [id["C-3"]], options);
    expect(message(rendered.get(id["C-3"])?.get("viber")).text).toBe("Hi friend, no orders yet [] .");
  });

  it("escapes a customer's name in the HTML body, not in the subject or the text made from it", async () => {
    const template: TemplateInput = {
      channel: "email",
      subject: "For {{ customer.first_name }}",
      htmlBody: "<p>Dear {{ customer.first_name }} {{ customer.last_name }}</p>\n<p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>",
      textBody: null,
    };
    const rendered = await renderForCustomers(db, [template], [id["C-2"]], options);
    const email = message(rendered.get(id["C-2"])?.get("email"));
    expect(email.html).toBe(
      `<p>Dear &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; O&#39;Neil &amp; Sons</p>\n<p><a href="https://shop.test/unsubscribe/email-${id["C-2"]}">Unsubscribe</a></p>`,
    );
    expect(email.html).not.toContain("<script>");
    expect(email.subject).toBe(`For <script>alert("x")</script>`);
    expect(email.text).toBe(`Dear <script>alert("x")</script> O'Neil & Sons\n\nUnsubscribe [https://shop.test/unsubscribe/email-${id["C-2"]}]`);
    expect(email.headers).toEqual({ "List-Unsubscribe": `<https://shop.test/unsubscribe/email-${id["C-2"]}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });

  it("renders every channel of a fallback chain, with each channel's own unsubscribe link", async () => {
    const templates: TemplateInput[] = [
      { channel: "viber", textBody: "Viber {{ unsubscribe_url }}" },
      { channel: "sms", textBody: "SMS {{ unsubscribe_url }}" },
    ];
    const rendered = await renderForCustomers(db, templates, [id["C-1"], id["C-3"]], options);
    expect([...rendered.keys()]).toEqual([id["C-1"], id["C-3"]]);
    expect(message(rendered.get(id["C-3"])?.get("viber")).text).toBe(`Viber https://shop.test/unsubscribe/viber-${id["C-3"]}`);
    expect(message(rendered.get(id["C-3"])?.get("sms")).text).toBe(`SMS https://shop.test/unsubscribe/sms-${id["C-3"]}`);
  });

  it("a template with an unknown variable or custom field is a problem for every customer, naming line and variable", async () => {
    const templates: TemplateInput[] = [
      { channel: "sms", textBody: "Hi\n{{ customer.frist_name }}" },
      { channel: "viber", textBody: "{{ fields.no_such_field }}" },
    ];
    const rendered = await renderForCustomers(db, templates, [id["C-1"], id["C-2"]], options);
    for (const customerId of [id["C-1"], id["C-2"]]) {
      expect(rendered.get(customerId)?.get("sms")).toEqual({
        problem: { field: "textBody", line: 2, variable: "customer.frist_name", message: 'SMS text, line 2: unknown variable "customer.frist_name". Did you mean customer.first_name?' },
      });
      expect(rendered.get(customerId)?.get("viber")).toMatchObject({ problem: { field: "textBody", line: 1, variable: "fields.no_such_field" } });
    }
    // checkTemplate says the same before anything is sent, with the store's keys
    const keys = await storeFieldKeys(db);
    expect(keys).toEqual(["loyalty_level", "shoe size", "member_since"]);
    expect(checkTemplate(templates[1], { fieldKeys: keys })[0].message).toContain('no custom field with the key "no_such_field"');
  });

  it("a render that fails for one customer is that customer's problem, and the others get their message", async () => {
    // a misspelt property of a loop item only fails where the loop runs: for the customer with items
    const template: TemplateInput = { channel: "sms", textBody: "Hi {{ customer.email }}\n{% for item in last_order.items %}{{ item.nam }}{% endfor %}" };
    const rendered = await renderForCustomers(db, [template], [id["C-1"], id["C-3"]], options);
    expect(rendered.get(id["C-1"])?.get("sms")).toEqual({
      problem: { field: "textBody", line: 2, variable: "item.nam", message: 'SMS text, line 2: unknown variable "item.nam".' },
    });
    expect(message(rendered.get(id["C-3"])?.get("sms")).text).toBe("Hi anon@example.com");
  });

  it("a message too long for its channel, or empty, for one customer is that customer's problem", async () => {
    const template: TemplateInput = { channel: "sms", textBody: "{{ customer.first_name }}{% if customer.first_name == 'Maria' %}" + "я".repeat(700) + "{% endif %}" };
    const rendered = await renderForCustomers(db, [template], [id["C-1"], id["C-2"], id["C-3"]], options);
    expect(rendered.get(id["C-1"])?.get("sms")).toMatchObject({ problem: { field: "textBody", line: null } });
    expect((rendered.get(id["C-1"])?.get("sms") as { problem: { message: string } }).problem.message).toBe(
      "SMS text: the SMS for this customer is 705 characters in UCS-2: 11 parts, more than the 10 allowed. Shorten the text.",
    );
    expect(message(rendered.get(id["C-2"])?.get("sms")).text).toBe(`<script>alert("x")</script>`);
    expect(rendered.get(id["C-3"])?.get("sms")).toEqual({ problem: { field: "textBody", line: null, variable: null, message: "SMS text: the message is empty for this customer." } });
  });

  it("stops a template that loops too long for a customer, within the time limit", async () => {
    const template: TemplateInput = { channel: "messenger", textBody: "{% for a in (1..5000) %}{% for b in (1..5000) %}{{ a }}{% endfor %}{% endfor %}" };
    const rendered = await renderForCustomers(db, [template], [id["C-1"]], { ...options, timeoutMs: 50 });
    const outcome = rendered.get(id["C-1"])?.get("messenger") as { problem: { message: string; line: number } };
    expect(outcome.problem.line).toBe(1);
    expect(outcome.problem.message).toContain("took longer than 50 ms");
  });

  it("leaves out a customer who does not exist, and asks nothing of the database for nobody", async () => {
    const rendered = await renderForCustomers(db, [{ channel: "sms", textBody: "Hi" }], [id["C-1"], 987654], options);
    expect([...rendered.keys()]).toEqual([id["C-1"]]);
    let queries = 0;
    const count = () => void queries++;
    db.sequelize.addHook("beforeQuery", "count", count);
    try {
      expect((await renderForCustomers(db, [{ channel: "sms", textBody: "Hi" }], [], options)).size).toBe(0);
    } finally {
      db.sequelize.removeHook("beforeQuery", "count");
    }
    expect(queries).toBe(0);
  });

  it("previews a template on the customer the marketer picks, with the SMS parts", async () => {
    const preview = await previewTemplate(db, { channel: "sms", textBody: "Здравей, {{ customer.first_name }}! Поръчка {{ last_order.number }}: {{ last_order.total }}" }, id["C-1"], options);
    expect(preview).toEqual({
      ok: true,
      message: { channel: "sms", text: "Здравей, Maria! Поръчка 10234: €84.90" },
      smsParts: { characters: 37, encoding: "UCS-2", parts: 1 },
      problems: [],
    });
    const email = await previewTemplate(db, { channel: "email", subject: "Hi {{ customer.first_name }}", htmlBody: "<p>{{ store.name }}</p>" }, id["C-1"], options);
    expect(email).toMatchObject({ ok: true, smsParts: null, message: { subject: "Hi Maria", html: "<p>Green Leaf</p>", text: "Green Leaf" } });
    // a message too long is still shown, with its problem
    const long = await previewTemplate(db, { channel: "sms", textBody: "{{ customer.first_name }} " + "x".repeat(1600) }, id["C-1"], options);
    expect(long.ok && long.smsParts).toEqual({ characters: 1606, encoding: "GSM-7", parts: 11 });
    expect(long.ok && long.problems.map((p) => p.field)).toEqual(["textBody"]);

    expect(await previewTemplate(db, { channel: "sms", textBody: "{{ customer.nope }}" }, id["C-1"], options)).toMatchObject({
      ok: false,
      reason: "template",
      problems: [{ field: "textBody", line: 1, variable: "customer.nope" }],
    });
    expect(await previewTemplate(db, { channel: "sms", textBody: "Hi" }, 987654, options)).toEqual({ ok: false, reason: "customer_not_found", problems: [] });
  });
});

describe(`renderForCustomers for many customers on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ids: number[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await saveStoreSettings(db, { name: "Green Leaf", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    await db.models.CustomField.create({ key: "loyalty_level", label: "Loyalty level", type: "text", options: null });
    ids = await addCustomers(
      db,
      Array.from({ length: 2000 }, (_, i) => ({ externalId: `M-${i}`, firstName: `Name${i}`, email: `m${i}@example.com` })),
    );
    // every other customer has an order of (i + 1) euros
    const orders = ids.flatMap((_, i) =>
      i % 2 ? [] : [{ externalId: `MO-${i}`, customerExternalId: `M-${i}`, status: "completed", total: (i + 1) * 100, currency: "EUR", placedAt: "2025-01-10T10:00:00Z", items: [] }],
    );
    const placed = await upsertOrders(db, orders.map((o) => parsed(OrderInput, o)), { source: "api", now });
    if (!placed.ok) throw new Error(JSON.stringify(placed.errors));
  });
  afterAll(() => db.drop());

  it("loads 2,000 customers in a bounded number of queries, not one per customer", async () => {
    const templates: TemplateInput[] = [
      { channel: "email", subject: "Hi {{ customer.first_name }}", htmlBody: "<p>{% if last_order %}{{ last_order.total }}{% else %}none{% endif %} {{ fields.loyalty_level }}</p>" },
      { channel: "sms", textBody: "{{ customer.first_name }}: {{ unsubscribe_url }}" },
    ];
    const sql: string[] = [];
    db.sequelize.addHook("beforeQuery", "count", (_options, query) => void sql.push(String((query as { sql?: string }).sql ?? "")));
    let rendered: Awaited<ReturnType<typeof renderForCustomers>>;
    try {
      rendered = await renderForCustomers(db, templates, ids, options);
    } finally {
      db.sequelize.removeHook("beforeQuery", "count");
    }
    // the store, its custom fields, then customers, field values, last orders and their items per batch
    expect(sql.length).toBeLessThanOrEqual(2 + 4 * Math.ceil(ids.length / CONTEXT_BATCH));
    expect(rendered.size).toBe(2000);
    expect(message(rendered.get(ids[0])?.get("email")).html).toBe("<p>€1.00 </p>");
    expect(message(rendered.get(ids[1])?.get("email")).html).toBe("<p>none </p>");
    expect(message(rendered.get(ids[1998])?.get("email")).subject).toBe("Hi Name1998");
    expect(message(rendered.get(ids[1998])?.get("email")).html).toBe("<p>€1,999.00 </p>");
    expect(message(rendered.get(ids[1999])?.get("sms")).text).toBe(`Name1999: https://shop.test/unsubscribe/sms-${ids[1999]}`);
    const problems = [...rendered.values()].flatMap((byChannel) => [...byChannel.values()].filter((o) => "problem" in o));
    expect(problems).toEqual([]);
  });
});
