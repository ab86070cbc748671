import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";

describe(`concurrent bulk writes on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await app.apiKey(["customers:write"])).secret;
  });
  afterAll(() => app.close());

  const post = (body: object) => request(app.url).post("/api/v1/customers/bulk").set("Authorization", `Bearer ${key}`).send(body);

  it("calls creating the same new customers all succeed, and each customer exists once", async () => {
    const body = { customers: Array.from({ length: 100 }, (_, i) => ({ externalId: `RACE-${i}`, firstName: `N${i}` })) };
    const responses = await Promise.all(Array.from({ length: 4 }, () => post(body)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(responses.map((r) => r.body.counts.created).sort()).toEqual([0, 0, 0, 100]);
    expect(await app.db.models.Customer.count()).toBe(100);
  });

  it("calls naming the same new tags and group at once all succeed, and each name exists once", async () => {
    const batch = (n: number) => ({
      customers: Array.from({ length: 50 }, (_, i) => ({ externalId: `TAG-${n}-${i}`, tags: ["fresh-a", "fresh-b"], customerGroup: "Fresh group" })),
    });
    const responses = await Promise.all([0, 1, 2, 3, 4, 5].map((n) => post(batch(n))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await app.db.models.Tag.count({ where: { name: ["fresh-a", "fresh-b"] } })).toBe(2);
    expect(await app.db.models.CustomerGroup.count({ where: { name: "Fresh group" } })).toBe(1);
    expect(await app.db.models.CustomerTag.count()).toBe(6 * 50 * 2);
  });
});
