import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, rowCounts, testDialect } from "../support/db";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { CustomerInput, parseInput } from "../../models/ingest/schemas";
import { createUser } from "../../models/users.server";

describe(`upsertCustomers with validateOnly on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase();
    await createUser(db, { email: "manager@shop.test", name: "M", password: "pw-123456", role: "manager" });
    await db.models.CustomField.create({ key: "skin", label: "Skin type", type: "select", options: JSON.stringify(["dry", "oily"]) });
    const q = await db.models.RegistrationQuestion.create({ key: "pets", text: "Which pets do you have?" });
    await db.models.RegistrationOption.create({ questionId: q.id, key: "cat", label: "Cat" });
  });
  afterAll(() => db.drop());

  const parse = (x: unknown) => {
    const r = parseInput(CustomerInput, x);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.value;
  };

  it("reports the same reference errors as a real upsert, offset like one, and writes nothing", async () => {
    const before = await rowCounts(db);
    const batch = [
      parse({ externalId: "V1", firstName: "Fine", customerGroup: "New group", tags: ["new-tag"] }),
      parse({ externalId: "V2", managerEmail: "nobody@shop.test", customFields: { skin: "green", nope: "x" }, answers: { pets: ["fish"], nope: [] } }),
    ];
    const checked = await upsertCustomers(db, batch, { source: "import", validateOnly: true, indexOffset: 2 });
    const real = await upsertCustomers(db, batch, { source: "import", indexOffset: 2 });
    expect(checked).toEqual(real);
    expect(!checked.ok && checked.errors.map((e) => [e.index, e.field])).toEqual([
      [3, "managerEmail"],
      [3, "customFields.skin"],
      [3, "customFields.nope"],
      [3, "answers.pets"],
      [3, "answers.nope"],
    ]);
    expect(await rowCounts(db)).toEqual(before);
  });

  it("a valid batch passes with no results, and no customer, group, tag or change is written", async () => {
    const before = await rowCounts(db);
    const out = await upsertCustomers(
      db,
      [parse({ externalId: "V3", email: "v3@x.test", customerGroup: "VIP", tags: ["a"], managerEmail: "manager@shop.test", customFields: { skin: "dry" }, answers: { pets: ["cat"] }, channels: { email: { subscribed: true } } })],
      { source: "import", validateOnly: true },
    );
    expect(out).toEqual({ ok: true, results: [] });
    expect(await rowCounts(db)).toEqual(before);
    const written = await upsertCustomers(db, [parse({ externalId: "V3", email: "v3@x.test" })], { source: "import" });
    expect(written).toMatchObject({ ok: true, results: [{ status: "created" }] });
  });
});
