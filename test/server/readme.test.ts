import fs from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";

// The README's examples are what people paste first: they must work as written.
describe(`the README's examples on ${testDialect}`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("the curl bulk upsert with a key writes the customers it sends", async () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const curl = /```sh\n(curl -X POST [\s\S]*?)```/.exec(readme)?.[1];
    expect(curl).toBeDefined();
    const path = /curl -X POST http:\/\/localhost:3000(\S+)/.exec(curl!)![1];
    const headers = [...curl!.matchAll(/-H "([^:]+): ([^"]+)"/g)].map((m) => [m[1], m[2]] as const);
    const body = JSON.parse(/-d '([\s\S]*?)'/.exec(curl!)![1]) as { customers: Array<{ externalId: string }> };
    const { secret } = await app.apiKey(["customers:write"]);
    let call = request(app.url).post(path);
    for (const [name, value] of headers) call = call.set(name, value.replace("$CONSOLE_API_KEY", secret));
    const response = await call.send(JSON.stringify(body));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const stored = await app.db.models.Customer.findAll({ attributes: ["externalId"], order: [["externalId", "ASC"]], raw: true });
    expect(stored.map((c) => c.externalId)).toEqual(body.customers.map((c) => c.externalId));
  });
});
