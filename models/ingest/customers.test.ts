import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, rowCounts, testDialect } from "../../test/support/db";
import { upsertCustomers } from "./customers.server";
import { CustomerInput, parseInput } from "./schemas";
import { createUser } from "../users.server";

describe(`upsertCustomers on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    await createUser(db, { email: "manager@shop.test", name: "M", password: "pw-123456", role: "manager" });
    await db.models.CustomField.create({ key: "shoe_size", label: "Shoe size", type: "number", options: null });
    await db.models.CustomField.create({ key: "skin", label: "Skin type", type: "select", options: JSON.stringify(["dry", "oily"]) });
    const q = await db.models.RegistrationQuestion.create({ key: "pets", text: "Which pets do you have?" });
    await db.models.RegistrationOption.bulkCreate([
      { questionId: q.id, key: "cat", label: "Cat" },
      { questionId: q.id, key: "dog", label: "Dog" },
    ]);
  });
  afterAll(() => db.drop());

  const parse = (x: unknown) => {
    const r = parseInput(CustomerInput, x);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  };

  it("creates a customer with everything, and logs one change", async () => {
    const out = await upsertCustomers(
      db,
      [
        parse({
          externalId: "C1", firstName: "Иван", lastName: "Петров", email: "Ivan@Example.BG", phone: "0888 123 456", country: "bg",
          city: "София", birthday: "1990-02-28", acceptsMarketing: true, customerGroup: "VIP", tags: ["b", "a", "a"],
          managerEmail: "manager@shop.test", customFields: { shoe_size: 43, skin: "dry" }, answers: { pets: ["cat", "dog"] },
          channels: { email: { subscribed: true }, sms: { subscribed: false }, viber: { address: "vbr-1", subscribed: true } },
        }),
      ],
      { source: "api" },
    );
    expect(out).toMatchObject({ ok: true, results: [{ externalId: "C1", status: "created" }] });
    const c = await db.models.Customer.findOne({ where: { externalId: "C1" } });
    expect(c).toMatchObject({ email: "ivan@example.bg", phone: "+359888123456", country: "BG", searchName: "иван петров", sortName: "петров иван" });
    const channels = await db.models.ChannelIdentity.findAll({ where: { customerId: c!.id }, order: [["channel", "ASC"]] });
    expect(channels.map((x) => [x.channel, x.address, Boolean(x.isSubscribed)])).toEqual([
      ["email", "ivan@example.bg", true],
      ["sms", "+359888123456", false],
      ["viber", "vbr-1", true],
    ]);
    expect(await db.models.CustomerTag.count({ where: { customerId: c!.id } })).toBe(2);
    expect(await db.models.RegistrationAnswer.count({ where: { customerId: c!.id } })).toBe(2);
    expect(await db.models.CustomerFieldValue.count({ where: { customerId: c!.id } })).toBe(2);
    expect(await db.models.CustomerChange.count({ where: { customerId: c!.id } })).toBe(1);
  });

  it("sending the same record again changes nothing and logs nothing", async () => {
    const before = await db.models.CustomerChange.count();
    const out = await upsertCustomers(db, [parse({ externalId: "C1", firstName: "Иван", tags: ["a", "b"], customFields: { shoe_size: 43 }, channels: { email: { subscribed: true } } })], { source: "api" });
    expect(out).toMatchObject({ ok: true, results: [{ status: "unchanged" }] });
    expect(await db.models.CustomerChange.count()).toBe(before);
  });

  it("an update names what changed; absent fields keep their value and null clears", async () => {
    const out = await upsertCustomers(db, [parse({ externalId: "C1", city: null, tags: ["a"], channels: { sms: { subscribed: true } } })], { source: "import" });
    expect(out).toMatchObject({ ok: true, results: [{ status: "updated" }] });
    const c = await db.models.Customer.findOne({ where: { externalId: "C1" } });
    expect(c).toMatchObject({ city: null, firstName: "Иван", email: "ivan@example.bg" });
    const last = await db.models.CustomerChange.findOne({ where: { customerId: c!.id }, order: [["id", "DESC"]] });
    expect(JSON.parse(last!.fields!)).toEqual({ changed: ["city", "tags", "channels.sms"] });
    expect(last!.source).toBe("import");
  });

  it("with one bad record writes nothing and reports every problem by index and field", async () => {
    const before = await rowCounts(db);
    const out = await upsertCustomers(
      db,
      [
        parse({ externalId: "N1", firstName: "New" }),
        parse({ externalId: "N2", managerEmail: "nobody@shop.test", customFields: { nope: 1, skin: "green" }, answers: { pets: ["fish"] } }),
        parse({ externalId: "N1" }),
        parse({ externalId: "N3", phone: "12" }),
      ],
      { source: "api" },
    );
    expect(out.ok).toBe(false);
    expect(!out.ok && out.errors).toEqual([
      { index: 1, field: "managerEmail", reason: "is not an active manager's email" },
      { index: 1, field: "customFields.nope", reason: "is not a known custom field" },
      { index: 1, field: "customFields.skin", reason: "must be one of: dry, oily" },
      { index: 1, field: "answers.pets", reason: '"fish" is not an option of this question' },
      { index: 2, field: "externalId", reason: "appears twice in this batch (also at 0)" },
      { index: 3, field: "phone", reason: "has no country: write it with +country code, or give the customer's country" },
    ]);
    expect(await rowCounts(db)).toEqual(before);
  });

  it("takes a thousand new customers in one call", async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => parse({ externalId: `B${i}`, firstName: `F${i}`, email: `b${i}@x.test`, tags: ["bulk"], channels: { email: { subscribed: i % 2 === 0 } } }));
    const out = await upsertCustomers(db, batch, { source: "api" });
    expect(out.ok && out.results.filter((r) => r.status === "created").length).toBe(1000);
    expect(await db.models.ChannelIdentity.count({ where: { channel: "email", isSubscribed: true } })).toBe(501);
  });
});
