// The store's definitions through /api/v1: settings, custom fields, registration questions, the
// questions a customer has yet to answer, and a segment on a field made through the API.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";

describe(`/api/v1 store definitions on ${testDialect}`, () => {
  let app: TestApp;
  let admin: string;
  let reader: string;
  let customersOnly: string;
  beforeAll(async () => {
    app = await startTestApp();
    admin = (await app.apiKey(["store:read", "store:write", "customers:read", "customers:write", "segments:read", "segments:write"])).secret;
    reader = (await app.apiKey(["store:read"])).secret;
    customersOnly = (await app.apiKey(["customers:read", "customers:write"])).secret;
  });
  afterAll(() => app.close());

  const send = (method: "post" | "patch" | "delete", path: string, body?: unknown, key = admin) => {
    const r = request(app.url)[method](`/api/v1${path}`).set("Authorization", `Bearer ${key}`);
    return body === undefined ? r : r.send(body as object);
  };
  const get = (path: string, key = admin) => request(app.url).get(`/api/v1${path}`).set("Authorization", `Bearer ${key}`);
  const fieldsOf = (res: request.Response) => (res.body.error.fields as Array<{ field: string; reason: string }>).map((f) => [f.field, f.reason]);
  const audits = async (action: string) => (await app.db.models.AuditEntry.findAll({ where: { action }, order: [["id", "ASC"]], raw: true })).map((a) => JSON.parse(a.detail!));

  it("reads and changes the store's settings; bad values are named and change nothing; the audit log has the change", async () => {
    expect((await get("/store", reader)).body).toEqual({ name: "My store", timeZone: "UTC", currency: "EUR", locale: "en" });
    const bad = await send("patch", "/store", { timeZone: "Mars/Olympus", currency: "XYZ", locale: "??", name: "" });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad).map(([f]) => f).sort()).toEqual(["currency", "locale", "name", "timeZone"]);
    expect((await get("/store")).body.timeZone).toBe("UTC");
    const ok = await send("patch", "/store", { timeZone: "europe/sofia", locale: "bg-BG" });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ name: "My store", timeZone: "Europe/Sofia", currency: "EUR", locale: "bg-BG" });
    expect((await audits("store.update")).at(-1)).toMatchObject({ timeZone: { to: "Europe/Sofia" }, locale: { to: "bg-BG" } });
    // a key without the store scopes is refused
    expect((await get("/store", customersOnly)).status).toBe(403);
    expect((await send("patch", "/store", { name: "X" }, reader)).status).toBe(403);
  });

  it("creates, lists, changes, orders and deletes custom fields, naming each bad field", async () => {
    const dup = await send("post", "/custom-fields", { key: "size", label: "Size", type: "select", options: ["S", "M"] });
    expect(dup.status).toBe(201);
    expect(dup.body).toEqual({ key: "size", label: "Size", type: "select", options: ["S", "M"], position: 0, valueCount: 0 });
    const bad = [
      [{ key: "size", label: "Again", type: "text" }, [["key", '"size" is already the key of the field “Size”']]],
      [{ key: "colour", label: "Colour", type: "select" }, [["options", "a select field needs at least one option"]]],
      [{ key: "colour", label: "Colour", type: "select", options: ["red", "red"] }, [["options[1]", 'option "red" appears twice']]],
      [{ key: "colour", label: "Colour", type: "money" }, [["type", "must be one of text, number, date, select"]]],
      [{ key: "Colour Name", label: "Colour", type: "text" }, [["key", "must be 1–64 lower-case letters, digits, _ or -, starting with a letter or digit"]]],
      [{ key: "points", label: "Points", type: "number", options: ["1"] }, [["options", "a number field has no options (only select fields do)"]]],
    ] as const;
    for (const [body, errors] of bad) {
      const res = await send("post", "/custom-fields", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(fieldsOf(res)).toEqual(errors);
    }
    expect((await send("post", "/custom-fields", { key: "points", label: "Points", type: "number", position: 0 })).body.position).toBe(0);
    expect((await get("/custom-fields", reader)).body.customFields.map((f: { key: string; position: number }) => [f.key, f.position])).toEqual([["points", 0], ["size", 1]]);
    expect((await send("patch", "/custom-fields/size", { position: 0, label: "Clothing size" })).body).toMatchObject({ key: "size", label: "Clothing size", position: 0 });
    expect((await get("/custom-fields/points")).body.position).toBe(1);
    expect((await get("/custom-fields/nope")).status).toBe(404);
    expect((await send("patch", "/custom-fields/nope", { label: "x" })).status).toBe(404);
    expect((await send("post", "/custom-fields", { key: "size2", label: "x", type: "text" }, reader)).status).toBe(403);

    // an option customers hold cannot be removed; one nobody holds can
    expect((await send("post", "/customers", { externalId: "F-1", customFields: { size: "M" } }, customersOnly)).status).toBe(201);
    const removal = await send("patch", "/custom-fields/size", { options: ["S", "L"] });
    expect(removal.status).toBe(422);
    expect(fieldsOf(removal)).toEqual([["options", '"M" cannot be removed: 1 customer holds it']]);
    expect((await send("patch", "/custom-fields/size", { options: ["M", "L"] })).body.options).toEqual(["M", "L"]);
    // a type does not change under values
    expect(fieldsOf(await send("patch", "/custom-fields/size", { type: "text" }))).toEqual([["type", "cannot change from select: 1 customer holds a value of this field"]]);

    const deleted = await send("delete", "/custom-fields/size");
    expect(deleted.body).toEqual({ key: "size", deleted: true, removedValues: 1 });
    expect(await app.db.models.CustomerFieldValue.count()).toBe(0);
    expect((await audits("custom_field.create")).map((d) => d.key)).toEqual(["size", "points"]);
    expect((await audits("custom_field.update")).map((d) => Object.keys(d).sort())).toEqual([["key", "label", "position"], ["key", "options"]]);
    expect(await audits("custom_field.delete")).toEqual([{ key: "size", label: "Clothing size", valuesRemoved: 1 }]);
    const entry = (await app.db.models.AuditEntry.findOne({ where: { action: "custom_field.delete" }, raw: true }))!;
    expect(entry.apiKeyId).not.toBeNull();
  });

  it("creates questions with options and texts per language, and refuses bad ones by field", async () => {
    const pets = {
      key: "pets",
      texts: { en: "Which pets do you have?", bg: "Какви домашни любимци имате?", uk: "Які у вас домашні тварини?" },
      options: [
        { key: "cat", labels: { en: "Cat", bg: "Котка" } },
        { key: "dog", labels: { en: "Dog", el: "Σκύλος" } },
      ],
    };
    const made = await send("post", "/questions", pets);
    expect(made.status).toBe(201);
    expect(made.body).toEqual({
      key: "pets",
      texts: pets.texts,
      isActive: true,
      position: 0,
      answeredBy: 0,
      options: [
        { key: "cat", labels: { en: "Cat", bg: "Котка" }, chosenBy: 0 },
        { key: "dog", labels: { en: "Dog", el: "Σκύλος" }, chosenBy: 0 },
      ],
    });
    const bad = [
      [{ ...pets, key: "pets" }, [["key", '"pets" is already the key of the question “Which pets do you have?”']]],
      [{ ...pets, key: "kids", options: [] }, [["options", "a question needs at least one option"]]],
      [{ ...pets, key: "kids", texts: { bg: "Деца?" } }, [["texts.en", "is required"]]],
      [{ ...pets, key: "kids", texts: { en: "Kids?", de: "Kinder?" } }, [["texts.de", "is not a known field"]]],
      [{ ...pets, key: "kids", options: [{ key: "one", labels: { en: "One" } }, { key: "one", labels: { en: "Uno" } }] }, [["options[1]", 'option key "one" appears twice']]],
    ] as const;
    for (const [body, errors] of bad) {
      const res = await send("post", "/questions", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(fieldsOf(res)).toEqual(errors);
    }
    expect(await app.db.models.RegistrationQuestion.count()).toBe(1);
    expect((await get("/questions", reader)).body.questions.map((q: { key: string }) => q.key)).toEqual(["pets"]);
    expect((await audits("question.create")).map((d) => d.key)).toEqual(["pets"]);
  });

  it("answers and field values arrive through the customer upsert and bulk, checked against the definitions", async () => {
    await send("post", "/custom-fields", { key: "visits", label: "Visits", type: "number" });
    const bad = await send("post", "/customers/bulk", {
      customers: [
        { externalId: "A-1", answers: { pets: ["cat", "fish"] } },
        { externalId: "A-2", answers: { hobbies: ["chess"] }, customFields: { visits: "many", colour: "red" } },
      ],
    }, customersOnly);
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([
      { index: 0, field: "answers.pets", reason: '"fish" is not an option of this question' },
      { index: 1, field: "customFields.visits", reason: "must be a number" },
      { index: 1, field: "customFields.colour", reason: "is not a known custom field" },
      { index: 1, field: "answers.hobbies", reason: "is not a known registration question" },
    ]);
    expect(await app.db.models.Customer.count({ where: { externalId: ["A-1", "A-2"] } })).toBe(0);
    const ok = await send("post", "/customers/bulk", { customers: [{ externalId: "A-1", answers: { pets: ["cat", "dog"] }, customFields: { visits: 3 } }] }, customersOnly);
    expect(ok.status).toBe(200);
    expect((await get("/questions/pets")).body.options.map((o: { chosenBy: number }) => o.chosenBy)).toEqual([1, 1]);
  });

  it("tells the shop which active questions a customer has not answered, in order, in the customer's language", async () => {
    await send("post", "/questions", { key: "kids", texts: { en: "Do you have children?", bg: "Имате ли деца?" }, options: [{ key: "yes", labels: { en: "Yes", bg: "Да" } }, { key: "no", labels: { en: "No" } }] });
    await send("post", "/questions", { key: "first", position: 0, texts: { en: "First?", el: "Πρώτα;" }, options: [{ key: "a", labels: { en: "A" } }] });
    await send("post", "/questions", { key: "retired", isActive: false, texts: { en: "Old?" }, options: [{ key: "a", labels: { en: "A" } }] });
    await send("post", "/customers", { externalId: "Q-bg", locale: "bg-BG", answers: { pets: ["dog"] } }, customersOnly);
    await send("post", "/customers", { externalId: "Q-el", locale: "el" }, customersOnly);
    await send("post", "/customers", { externalId: "Q-de", locale: "de-DE" }, customersOnly);

    const bg = await get("/customers/Q-bg/questions", customersOnly);
    expect(bg.status).toBe(200);
    expect(bg.body).toEqual({
      externalId: "Q-bg",
      language: "bg",
      questions: [
        { key: "first", text: "First?", options: [{ key: "a", label: "A" }] },
        { key: "kids", text: "Имате ли деца?", options: [{ key: "yes", label: "Да" }, { key: "no", label: "No" }] },
      ],
    });
    const el = await get("/customers/Q-el/questions", customersOnly);
    expect(el.body.language).toBe("el");
    expect(el.body.questions.map((q: { key: string; text: string }) => [q.key, q.text])).toEqual([["first", "Πρώτα;"], ["pets", "Which pets do you have?"], ["kids", "Do you have children?"]]);
    expect(el.body.questions[1].options).toEqual([{ key: "cat", label: "Cat" }, { key: "dog", label: "Σκύλος" }]);
    // German is not a console language: the store's locale (bg-BG, set above) decides
    expect((await get("/customers/Q-de/questions", customersOnly)).body.language).toBe("bg");
    // a question answered drops out; one deactivated is not asked; a new one reaches every customer
    await send("post", "/customers", { externalId: "Q-bg", answers: { kids: ["no"], first: ["a"] } }, customersOnly);
    expect((await get("/customers/Q-bg/questions", customersOnly)).body.questions).toEqual([]);
    await send("patch", "/questions/retired", { isActive: true, position: 0 });
    expect((await get("/customers/Q-bg/questions", customersOnly)).body.questions.map((q: { key: string }) => q.key)).toEqual(["retired"]);
    expect((await get("/customers/nobody/questions", customersOnly)).status).toBe(404);
    expect((await get("/customers/Q-bg/questions", reader)).status).toBe(403);
  });

  it("a question's options change by key: removal refused while chosen, labels and order change, the audit log has it", async () => {
    const refused = await send("patch", "/questions/pets", { options: [{ key: "cat", labels: { en: "Cat" } }] });
    expect(refused.status).toBe(422);
    expect(fieldsOf(refused)).toEqual([["options", '"dog" cannot be removed: 2 customers chose it']]);
    const changed = await send("patch", "/questions/pets", {
      texts: { en: "Pets?", ru: "Питомцы?" },
      options: [{ key: "dog", labels: { en: "Dog" } }, { key: "cat", labels: { en: "Cat", bg: "Коте" } }, { key: "fish", labels: { en: "Fish" } }],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.texts).toEqual({ en: "Pets?", ru: "Питомцы?" });
    expect(changed.body.options.map((o: { key: string; labels: unknown }) => [o.key, o.labels])).toEqual([["dog", { en: "Dog" }], ["cat", { en: "Cat", bg: "Коте" }], ["fish", { en: "Fish" }]]);
    expect((await send("patch", "/questions/pets", { options: [{ key: "dog", labels: { en: "Dog" } }, { key: "cat", labels: { en: "Cat", bg: "Коте" } }] })).status).toBe(200);
    const last = (await audits("question.update")).at(-1);
    expect(last.options.to.map((o: { key: string }) => o.key)).toEqual(["dog", "cat"]);
  });

  it("a field and a question made through the API, with values sent through the API, make segments that match exactly", async () => {
    // the web process's fact index is built before the definitions exist
    expect((await send("post", "/segments/preview", { criteria: [{ field: "country", values: [{ value: "BG", mode: "include" }] }] })).status).toBe(200);
    expect((await send("post", "/custom-fields", { key: "skin", label: "Skin type", type: "select", options: ["dry", "oily", "normal"] })).status).toBe(201);
    expect((await send("post", "/questions", { key: "budget", texts: { en: "Budget?" }, options: [{ key: "low", labels: { en: "Low" } }, { key: "high", labels: { en: "High" } }] })).status).toBe(201);
    // named before any customer holds a value: the preview knows the new names and matches nobody
    const criteria = [
      { field: "customField", key: "skin", condition: { type: "select", values: [{ value: "dry", mode: "include" }, { value: "oily", mode: "include" }] } },
      { field: "registrationAnswer", question: "budget", options: ["high"] },
    ];
    const empty = await send("post", "/segments/preview", { criteria, match: "all" });
    expect(empty.status).toBe(200);
    expect(empty.body.count).toBe(0);

    const customers = [
      { externalId: "S-1", customFields: { skin: "dry" }, answers: { budget: ["high"] } },
      { externalId: "S-2", customFields: { skin: "oily" }, answers: { budget: ["high", "low"] } },
      { externalId: "S-3", customFields: { skin: "normal" }, answers: { budget: ["high"] } },
      { externalId: "S-4", customFields: { skin: "dry" }, answers: { budget: ["low"] } },
      { externalId: "S-5", customFields: { skin: "dry" } },
    ];
    expect((await send("post", "/customers/bulk", { customers }, customersOnly)).status).toBe(200);
    const saved = await send("post", "/segments", { name: "Dry or oily, big budget", code: "skin-budget", type: "dynamic", criteria, match: "all" });
    expect(saved.status).toBe(201);
    const members = await get("/segments/skin-budget/members");
    expect(members.body.members.map((m: { externalId: string }) => m.externalId).sort()).toEqual(["S-1", "S-2"]);
    const preview = await send("post", "/segments/preview", { criteria: [criteria[0]] });
    expect(preview.body.count).toBe(4);

    // now the segment uses them: deleting is refused naming it, deactivating the question is not
    const field = await send("delete", "/custom-fields/skin");
    expect(field.status).toBe(409);
    expect(fieldsOf(field)).toEqual([["key", "“Skin type” is used by the segments “Dry or oily, big budget” (skin-budget): change them first"]]);
    const question = await send("delete", "/questions/budget");
    expect(question.status).toBe(409);
    expect(fieldsOf(question)[0][1]).toContain("deactivate the question");
    const option = await send("patch", "/custom-fields/skin", { options: ["dry", "normal"] });
    expect(fieldsOf(option)).toEqual([["options", '"oily" cannot be removed: 1 customer holds it']]);
    expect((await send("patch", "/questions/budget", { isActive: false })).body.isActive).toBe(false);
    expect(await app.db.models.CustomField.count({ where: { key: "skin" } })).toBe(1);
  });

  it("a field deleted and made again under its key with another type is the new field to segments", async () => {
    await send("post", "/custom-fields", { key: "tier", label: "Tier", type: "text" });
    await send("post", "/customers", { externalId: "T-1", customFields: { tier: "gold" } }, customersOnly);
    const textual = await send("post", "/segments/preview", { criteria: [{ field: "customField", key: "tier", condition: { type: "text", op: "equals", value: "gold" } }] });
    expect(textual.body.count).toBe(1);
    expect((await send("delete", "/custom-fields/tier")).status).toBe(200);
    await send("post", "/custom-fields", { key: "tier", label: "Tier", type: "number" });
    await send("post", "/customers", { externalId: "T-2", customFields: { tier: 2 } }, customersOnly);
    const numeric = await send("post", "/segments/preview", { criteria: [{ field: "customField", key: "tier", condition: { type: "number", min: 1 } }] });
    expect(numeric.body.count).toBe(1);
    expect(numeric.body.customers.map((c: { externalId: string }) => c.externalId)).toEqual(["T-2"]);
  });

  it("answers in the caller's Accept-Language when the console speaks it, else in English", async () => {
    const inLanguage = (language: string | null, res: request.Test) => (language ? res.set("Accept-Language", language) : res);
    const badKey = { key: "Bad Key", label: "Colour", type: "text" };
    const ru = await inLanguage("ru-RU,ru;q=0.9,en;q=0.5", send("post", "/custom-fields", badKey));
    expect(ru.status).toBe(422);
    expect(ru.body.error.code).toBe("validation_failed");
    expect(fieldsOf(ru)).toEqual([["key", "должно состоять из 1–64 строчных латинских букв, цифр, _ или - и начинаться с буквы или цифры"]]);
    // without the header, or in a language the console does not speak: English
    expect(fieldsOf(await send("post", "/custom-fields", badKey))).toEqual([["key", "must be 1–64 lower-case letters, digits, _ or -, starting with a letter or digit"]]);
    expect(fieldsOf(await inLanguage("de-DE", send("post", "/custom-fields", badKey)))).toEqual([["key", "must be 1–64 lower-case letters, digits, _ or -, starting with a letter or digit"]]);

    // a missing field: the message and the reason
    const missing = await inLanguage("bg", get("/custom-fields/nothing-here"));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "not_found", message: "Няма допълнително поле с този ключ.", fields: [{ field: "key", reason: "не е ключ на допълнително поле" }] });
    expect((await get("/custom-fields/nothing-here")).body.error.message).toBe("There is no custom field with this key.");

    // counts in each language's plural forms
    expect((await send("post", "/custom-fields", { key: "shade", label: "Shade", type: "select", options: ["light", "dark"] })).status).toBe(201);
    for (const id of ["SH-1", "SH-2", "SH-3"]) expect((await send("post", "/customers", { externalId: id, customFields: { shade: "dark" } })).status).toBe(201);
    const removal = { options: ["light"] };
    expect(fieldsOf(await inLanguage("uk", send("patch", "/custom-fields/shade", removal)))).toEqual([["options", "«dark» не можна видалити: це значення мають 3 клієнти"]]);
    expect(fieldsOf(await inLanguage("el", send("patch", "/custom-fields/shade", removal)))).toEqual([["options", "το «dark» δεν μπορεί να αφαιρεθεί: το έχουν 3 πελάτες"]]);
    expect(fieldsOf(await send("patch", "/custom-fields/shade", removal))).toEqual([["options", '"dark" cannot be removed: 3 customers hold it']]);
  });
});
