// Names reach the list through the API (and imports) and are searched the way people type them:
// without ё, й and Greek accents, or with them where the stored name has none.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryTypes } from "sequelize";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { listCustomers } from "../../models/customers/list.server";
import { readCustomerListQuery } from "../../models/customers/list-query";
import { up as refold } from "../../models/migrations/0019-customer-list-edges";

describe(`names searched as people type them, on ${testDialect}`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    const { secret } = await app.apiKey(["customers:write"]);
    const res = await request(app.url)
      .post("/api/v1/customers/bulk")
      .set("Authorization", `Bearer ${secret}`)
      .send({
        customers: [
          { externalId: "solovyova", firstName: "Анна", lastName: "Соловьёва" },
          { externalId: "andrey", firstName: "Андрей", lastName: "Зуев" },
          { externalId: "eleni-accented", firstName: "Ελένη", lastName: "Πάππα" },
          { externalId: "eleni-plain", firstName: "Ελενη", lastName: "Καρρα" },
        ],
      });
    expect(res.status).toBeLessThan(300);
  });
  afterAll(() => app.close());

  async function found(q: string): Promise<string[]> {
    const query = readCustomerListQuery(new URLSearchParams({ q })).query;
    const page = await listCustomers(app.db, { viewer: { id: 0, role: "admin" }, query, storeCountry: null, pageSize: 50 });
    return page.rows.map((r) => r.externalId).sort();
  }

  it("Соловьева finds Соловьёва, and Соловьёва finds her too", async () => {
    expect(await found("Соловьева")).toEqual(["solovyova"]);
    expect(await found("соловьёва")).toEqual(["solovyova"]);
    expect(await found("Анна Соловье")).toEqual(["solovyova"]);
  });

  it("Андреи finds Андрей", async () => {
    expect(await found("Андреи")).toEqual(["andrey"]);
    expect(await found("андрей з")).toEqual(["andrey"]);
  });

  it("Ελένη finds Ελενη and Ελενη finds Ελένη", async () => {
    expect(await found("Ελένη")).toEqual(["eleni-accented", "eleni-plain"]);
    expect(await found("Ελενη")).toEqual(["eleni-accented", "eleni-plain"]);
    expect(await found("ΕΛΕΝΗ ΠΑΠ")).toEqual(["eleni-accented"]);
  });

  it("the migration folds the names of rows stored only lower-cased", async () => {
    await app.db.sequelize.query("UPDATE customers SET search_name = 'анна соловьёва', sort_name = 'соловьёва анна' WHERE external_id = 'solovyova'", { type: QueryTypes.UPDATE });
    expect(await found("Соловьева")).toEqual([]);
    await refold(app.db.sequelize.getQueryInterface());
    const [row] = await app.db.sequelize.query<{ search_name: string; sort_name: string }>("SELECT search_name, sort_name FROM customers WHERE external_id = 'solovyova'", { type: QueryTypes.SELECT });
    expect(row).toEqual({ search_name: "анна соловьева", sort_name: "соловьева анна" });
    expect(await found("Соловьева")).toEqual(["solovyova"]);
  });
});
