// The API's messages and field reasons in the caller's Accept-Language (its codes stay English),
// English without the header; and a bulk record's duplicate names the place of the earlier one in
// the request in every language, even when records before it failed the schema.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";

describe(`the API's messages in the caller's language on ${testDialect}`, () => {
  let app: TestApp;
  let writer: string;
  let reader: string;
  beforeAll(async () => {
    app = await startTestApp();
    writer = (await app.apiKey(["customers:write"])).secret;
    reader = (await app.apiKey(["customers:read"])).secret;
  });
  afterAll(() => app.close());

  // a record the schema refuses, then a customer twice (the second names the first's place, 1), then a
  // phone number too short for Bulgaria
  const bulk = {
    customers: [{ externalId: "L-0", email: "not-an-email" }, { externalId: "L-1" }, { externalId: "L-1" }, { externalId: "L-3", phone: "0888 12", country: "BG" }],
  };
  const postBulk = (language?: string) => {
    const req = request(app.url).post("/api/v1/customers/bulk").set("Authorization", `Bearer ${writer}`);
    return (language ? req.set("Accept-Language", language) : req).send(bulk);
  };

  it("a bulk with bad records is answered in Russian to a caller who asks for Russian, and in English to one who asks for nothing", async () => {
    const ru = await postBulk("ru-RU,ru;q=0.9,en;q=0.5");
    expect(ru.status).toBe(422);
    expect(ru.body.error).toMatchObject({ code: "validation_failed", message: "В 3 записях есть ошибки; ничего не сохранено." });
    expect(ru.body.error.fields).toEqual([
      { index: 0, field: "email", reason: "должно быть адресом электронной почты" },
      { index: 2, field: "externalId", reason: "встречается в этом пакете дважды (также на позиции 1)" },
      { index: 3, field: "phone", reason: "слишком мало цифр для номера телефона в стране BG" },
    ]);

    const en = await postBulk();
    expect(en.status).toBe(422);
    expect(en.body.error).toMatchObject({ code: "validation_failed", message: "3 records have errors; nothing was written." });
    expect(en.body.error.fields).toEqual([
      { index: 0, field: "email", reason: "must be an email address" },
      { index: 2, field: "externalId", reason: "appears twice in this batch (also at 1)" },
      { index: 3, field: "phone", reason: "is too short to be a phone number in BG" },
    ]);
    expect(await app.db.models.Customer.count()).toBe(0);
  });

  it("an unknown customer and a bad query are answered in Ukrainian, Greek and Bulgarian", async () => {
    const uk = await request(app.url).get("/api/v1/customers/NOBODY").set("Authorization", `Bearer ${reader}`).set("Accept-Language", "uk");
    expect(uk.status).toBe(404);
    expect(uk.body.error).toMatchObject({ code: "not_found", message: "Клієнта з таким зовнішнім ID немає.", fields: [{ field: "externalId", reason: "немає клієнта з таким зовнішнім ID" }] });

    const el = await request(app.url).get("/api/v1/customers?updatedSince=yesterday&cursor=nope").set("Authorization", `Bearer ${reader}`).set("Accept-Language", "el");
    expect(el.status).toBe(422);
    expect(el.body.error.message).toBe("Οι παράμετροι του αιτήματος έχουν σφάλματα.");
    expect(el.body.error.fields).toContainEqual({ field: "updatedSince", reason: "πρέπει να είναι ημερομηνία και ώρα κατά ISO 8601 με ζώνη ώρας, π.χ. 2024-03-01T09:30:00Z" });

    // a well-formed cursor the API never gave is refused after the query is read, by the listing itself
    const bg = await request(app.url).get("/api/v1/customers?cursor=nope").set("Authorization", `Bearer ${reader}`).set("Accept-Language", "bg");
    expect(bg.status).toBe(422);
    expect(bg.body.error).toMatchObject({ message: "Параметрите на заявката съдържат грешки.", fields: [{ field: "cursor", reason: "не е курсор, върнат от този API" }] });
  });
});
