// The custom field and registration question pages through the real app: forms posted with the
// page's token, bad input named by field with nothing written, refusals that name the segments,
// who may read and who may change; and answers and field values arriving by CSV import.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { tableContents } from "../access/console";
import { importsDir, uploadedImport } from "../imports/support";
import { checkImport, runImport } from "../../models/imports/run-import.server";
import { getImportDetail } from "../../models/imports/imports.server";
import { upsertCustomers } from "../../models/ingest/customers.server";
import { saveSegment } from "../../segments/store.server";
import { setUserLocale } from "../../models/users.server";

type Visitor = Awaited<ReturnType<typeof signIn>>;

const question = (key: string, options: Array<[string, string, string?]>, fields: Record<string, string> = {}) => ({
  key,
  "text.en": `Question ${key}?`,
  "text.bg": "",
  "text.el": `Ερώτηση ${key};`,
  isActive: "on",
  "option.key": options.map(([k]) => k),
  "option.en": options.map(([, en]) => en),
  "option.bg": options.map(([, , bg]) => bg ?? ""),
  "option.el": options.map(() => ""),
  "option.ru": options.map(() => ""),
  "option.uk": options.map(() => ""),
  ...fields,
});

describe(`the custom field and question pages on ${testDialect}`, () => {
  let app: TestApp;
  let admin: Visitor;
  let marketer: Visitor;
  let manager: Visitor;
  const files = importsDir();

  beforeAll(async () => {
    app = await startTestApp();
    [admin, marketer, manager] = await Promise.all([signIn(app, "admin"), signIn(app, "marketer"), signIn(app, "manager")]);
  });
  afterAll(async () => {
    files.remove();
    await app?.close();
  });

  const data = async <T,>(visitor: Visitor, path: string, route: string): Promise<{ status: number; body: T }> => {
    const res = await visitor.get(`${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`);
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as T) : (undefined as T) };
  };
  /** Posts a form as the page's fetch does (?_data=): a redirect comes back as its location, an answer as JSON. */
  const act = async (visitor: Visitor, path: string, route: string, fields: Record<string, string | string[]>, tokenPage?: string) => {
    const res = await visitor.submit(`${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`, fields, tokenPage ?? path);
    const location = res.headers.get("x-remix-redirect");
    return { status: location ? 302 : res.status, location, body: location ? null : ((await res.json().catch(() => null)) as { errors: Array<{ field: string; reason: string }>; offerDeactivation?: boolean }) };
  };
  const fieldId = async (key: string) => (await app.db.models.CustomField.findOne({ where: { key } }))!.id;
  const questionId = async (key: string) => (await app.db.models.RegistrationQuestion.findOne({ where: { key } }))!.id;

  it("an admin adds fields through the form; a duplicate key, a select without options and an unknown type are named and write nothing", async () => {
    const made = await act(admin, "/admin/fields", "routes/admin.fields._index", { intent: "create", key: "skin", label: "Skin type", type: "select", options: "dry\r\noily\n\nnormal\n" });
    expect(made.status).toBe(302);
    expect(made.location).toBe("/admin/fields?created=skin");
    const row = (await app.db.models.CustomField.findOne({ where: { key: "skin" }, raw: true }))!;
    expect([row.label, row.type, JSON.parse(row.options!)]).toEqual(["Skin type", "select", ["dry", "oily", "normal"]]);
    expect((await act(admin, "/admin/fields", "routes/admin.fields._index", { intent: "create", key: "visits", label: "Visits", type: "number" })).status).toBe(302);

    const before = await tableContents(app.db);
    const refusals: Array<[Record<string, string>, Array<{ field: string; reason: string }>]> = [
      [{ key: "skin", label: "Again", type: "text" }, [{ field: "key", reason: '"skin" is already the key of the field “Skin type”' }]],
      [{ key: "colour", label: "Colour", type: "select", options: "" }, [{ field: "options", reason: "a select field needs at least one option" }]],
      [{ key: "colour", label: "Colour", type: "money" }, [{ field: "type", reason: "must be one of text, number, date, select" }]],
      [{ key: "", label: "", type: "text" }, [{ field: "key", reason: "must be 1–64 lower-case letters, digits, _ or -, starting with a letter or digit" }, { field: "label", reason: "must not be empty" }]],
    ];
    for (const [fields, errors] of refusals) {
      const res = await act(admin, "/admin/fields", "routes/admin.fields._index", { intent: "create", ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body!.errors).toEqual(errors);
    }
    expect(await tableContents(app.db)).toBe(before);
    // the page names the problem beside the input
    const page = await admin.submit("/admin/fields", { intent: "create", key: "colour", label: "Colour", type: "select", options: "" });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("a select field needs at least one option");
  });

  it("an admin moves fields, edits one, and is refused removing an option customers hold, with their count", async () => {
    const list = async () => (await data<{ fields: Array<{ key: string }> }>(admin, "/admin/fields", "routes/admin.fields._index")).body.fields.map((f) => f.key);
    expect(await list()).toEqual(["skin", "visits"]);
    expect((await act(admin, "/admin/fields", "routes/admin.fields._index", { intent: "move", id: String(await fieldId("skin")), position: "1" })).status).toBe(200);
    expect(await list()).toEqual(["visits", "skin"]);

    const out = await upsertCustomers(app.db, [{ externalId: "P-1", customFields: { skin: "oily" } }, { externalId: "P-2", customFields: { skin: "oily" } }], { source: "api" });
    expect(out.ok).toBe(true);
    const path = `/admin/fields/${await fieldId("skin")}`;
    const refused = await act(admin, path, "routes/admin.fields.$id", { intent: "save", label: "Skin", type: "select", options: "dry\nnormal" });
    expect(refused.status).toBe(400);
    expect(refused.body!.errors).toEqual([{ field: "options", reason: '"oily" cannot be removed: 2 customers hold it' }]);
    const saved = await act(admin, path, "routes/admin.fields.$id", { intent: "save", label: "Skin", type: "select", options: "dry\noily\nnormal\nmixed" });
    expect(saved.status).toBe(302);
    const row = (await app.db.models.CustomField.findOne({ where: { key: "skin" }, raw: true }))!;
    expect([row.label, JSON.parse(row.options!)]).toEqual(["Skin", ["dry", "oily", "normal", "mixed"]]);
    const audit = (await app.db.models.AuditEntry.findOne({ where: { action: "custom_field.update" }, order: [["id", "DESC"]], raw: true }))!;
    expect(audit.userId).toBe(admin.id);
    expect(JSON.parse(audit.detail!)).toEqual({ key: "skin", label: { from: "Skin type", to: "Skin" }, options: { from: ["dry", "oily", "normal"], to: ["dry", "oily", "normal", "mixed"] } });
  });

  it("an admin makes a question with options and texts per language; bad rows are named by field", async () => {
    const made = await act(admin, "/admin/questions/new", "routes/admin.questions.new", question("pets", [["cat", "Cat", "Котка"], ["dog", "Dog"]]));
    expect(made.status).toBe(302);
    const id = await questionId("pets");
    expect(made.location).toBe(`/admin/questions/${id}?saved=1`);
    const view = (await data<{ question: { texts: unknown; options: Array<{ key: string; labels: unknown }> } }>(admin, `/admin/questions/${id}`, "routes/admin.questions.$id")).body.question;
    expect(view.texts).toEqual({ en: "Question pets?", el: "Ερώτηση pets;" });
    expect(view.options.map((o) => [o.key, o.labels])).toEqual([["cat", { en: "Cat", bg: "Котка" }], ["dog", { en: "Dog" }]]);

    const before = await tableContents(app.db);
    const bad = await act(admin, "/admin/questions/new", "routes/admin.questions.new", question("kids", [["yes", "Yes"], ["yes", ""]], { "text.en": "" }));
    expect(bad.status).toBe(400);
    expect(bad.body!.errors).toEqual([
      { field: "texts.en", reason: "must not be empty" },
      { field: "options[1].labels.en", reason: "must not be empty" },
      { field: "options[1]", reason: 'option key "yes" appears twice' },
    ]);
    const none = await act(admin, "/admin/questions/new", "routes/admin.questions.new", question("kids", []));
    expect(none.body!.errors).toEqual([{ field: "options", reason: "a question needs at least one option" }]);
    expect(await tableContents(app.db)).toBe(before);
  });

  it("options are reordered and relabelled by key; one customers chose is not removed; a question a segment uses is not deleted, deactivation is offered", async () => {
    const id = await questionId("pets");
    const path = `/admin/questions/${id}`;
    await upsertCustomers(app.db, [{ externalId: "P-1", answers: { pets: ["dog"] } }], { source: "api" });
    const refused = await act(admin, path, "routes/admin.questions.$id", question("pets", [["cat", "Cat"]]));
    expect(refused.status).toBe(400);
    expect(refused.body!.errors).toEqual([{ field: "options", reason: '"dog" cannot be removed: 1 customer chose it' }]);
    expect((await act(admin, path, "routes/admin.questions.$id", question("pets", [["dog", "Doggo"], ["cat", "Cat", "Коте"], ["fish", "Fish"]]))).status).toBe(302);
    const options = await app.db.models.RegistrationOption.findAll({ where: { questionId: id }, order: [["position", "ASC"]], raw: true });
    expect(options.map((o) => [o.key, o.label, o.translations])).toEqual([["dog", "Doggo", null], ["cat", "Cat", '{"bg":"Коте"}'], ["fish", "Fish", null]]);

    const saved = await saveSegment(app.db, { name: "Dog people", code: "dog-people", type: "dynamic", criteria: [{ field: "registrationAnswer", question: "pets", options: ["dog"] }] }, { userId: null });
    expect(saved.ok).toBe(true);
    const before = await tableContents(app.db);
    const del = await act(admin, path, "routes/admin.questions.$id", { intent: "delete" });
    expect(del.status).toBe(409);
    const answer = del.body!;
    expect(answer.errors[0].reason).toContain("“Dog people” (dog-people)");
    expect(answer.offerDeactivation).toBe(true);
    expect(await tableContents(app.db)).toBe(before);
    // the option a segment names is not removed either, even when nobody chose it
    await saveSegment(app.db, { name: "Fish people", code: "fish-people", type: "dynamic", criteria: [{ field: "registrationAnswer", question: "pets", options: ["fish"] }] }, { userId: null });
    const fish = await act(admin, path, "routes/admin.questions.$id", question("pets", [["dog", "Doggo"], ["cat", "Cat"]]));
    expect(fish.body!.errors).toEqual([{ field: "options", reason: '"fish" cannot be removed: the segments “Fish people” (fish-people) use it' }]);
    // the page offers to deactivate instead
    expect((await act(admin, path, "routes/admin.questions.$id", { intent: "deactivate" })).status).toBe(302);
    expect((await app.db.models.RegistrationQuestion.findByPk(id))!.isActive).toBe(false);
    // a field a segment uses is not deleted either
    await saveSegment(app.db, { name: "Oily", code: "oily", type: "dynamic", criteria: [{ field: "customField", key: "skin", condition: { type: "select", values: [{ value: "oily", mode: "include" }] } }] }, { userId: null });
    const field = await act(admin, `/admin/fields/${await fieldId("skin")}`, "routes/admin.fields.$id", { intent: "delete" });
    expect(field.status).toBe(409);
    expect(field.body!.errors).toEqual([{ field: "key", reason: "“Skin” is used by the segments “Oily” (oily): change them first" }]);
    // one nobody uses goes, with the audit entry
    expect((await act(admin, `/admin/fields/${await fieldId("visits")}`, "routes/admin.fields.$id", { intent: "delete" })).location).toBe("/admin/fields");
    expect(await app.db.models.AuditEntry.count({ where: { action: "custom_field.delete", userId: admin.id } })).toBe(1);
    // the list activates it again and moves it
    await act(admin, "/admin/questions/new", "routes/admin.questions.new", question("kids", [["yes", "Yes"]]));
    expect((await act(admin, "/admin/questions", "routes/admin.questions._index", { intent: "activate", id: String(id), isActive: "true" })).status).toBe(200);
    expect((await act(admin, "/admin/questions", "routes/admin.questions._index", { intent: "move", id: String(await questionId("kids")), position: "0" })).status).toBe(200);
    const list = (await data<{ questions: Array<{ key: string; isActive: boolean }> }>(admin, "/admin/questions", "routes/admin.questions._index")).body.questions;
    expect(list.map((q) => [q.key, q.isActive])).toEqual([["kids", true], ["pets", true]]);
  });

  it("a marketer reads the pages and cannot change them; a manager can neither read nor change them", async () => {
    const fieldPath = `/admin/fields/${await fieldId("skin")}`;
    const questionPath = `/admin/questions/${await questionId("pets")}`;
    for (const [path, route] of [["/admin/fields", "routes/admin.fields._index"], [fieldPath, "routes/admin.fields.$id"], ["/admin/questions", "routes/admin.questions._index"], [questionPath, "routes/admin.questions.$id"]]) {
      const read = await data<{ canEdit: boolean }>(marketer, path, route);
      expect([path, read.status, read.body.canEdit]).toEqual([path, 200, false]);
      expect((await data(manager, path, route)).status, path).toBe(403);
    }
    expect((await marketer.get("/admin/questions/new")).status).toBe(403);
    const before = await tableContents(app.db);
    const posts: Array<[string, Record<string, string | string[]>]> = [
      ["/admin/fields", { intent: "create", key: "sneaky", label: "Sneaky", type: "text" }],
      [fieldPath, { intent: "delete" }],
      ["/admin/questions/new", question("sneaky", [["a", "A"]])],
      [questionPath, { intent: "deactivate" }],
      ["/admin/questions", { intent: "activate", id: "1", isActive: "false" }],
    ];
    for (const visitor of [marketer, manager]) {
      for (const [path, fields] of posts) {
        // the token of a page they may open: the refusal is the role's, not the form's
        const res = await visitor.submit(path, fields, "/account");
        expect(res.status, path).toBe(403);
      }
    }
    expect(await tableContents(app.db)).toBe(before);
  });

  it("a CSV import maps columns to a custom field and a question (option keys or labels separated by |), checking each against the definitions", async () => {
    const file = files.write(
      ["id,Skin,Pets", "I-1,oily,cat|dog", "I-2,Dry,Fish", "I-3,purple,cat", "I-4,,parrot|dog", ""].join("\n"),
    );
    const id = await uploadedImport(app.db, file, ["externalId", "customFields.skin", "answers.pets"]);
    await checkImport(app.db, id);
    const detail = (await getImportDetail(app.db, id))!;
    expect(detail.firstErrors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [4, "Skin", "must be one of: dry, oily, normal, mixed"],
      [5, "Pets", '"parrot" is not an option of this question'],
    ]);
    await runImport(app.db, id);
    const customers = await app.db.models.Customer.findAll({ where: { externalId: ["I-1", "I-2", "I-3", "I-4"] }, raw: true });
    expect(customers.map((c) => c.externalId).sort()).toEqual(["I-1", "I-2"]);
    const idOf = new Map(customers.map((c) => [c.externalId, c.id]));
    const values = await app.db.models.CustomerFieldValue.findAll({ where: { customerId: [...idOf.values()] }, raw: true });
    expect(values.map((v) => [v.customerId, v.valueText]).sort()).toEqual([[idOf.get("I-1"), "oily"], [idOf.get("I-2"), "dry"]].sort());
    const options = new Map((await app.db.models.RegistrationOption.findAll({ raw: true })).map((o) => [o.id, o.key]));
    const answers = await app.db.models.RegistrationAnswer.findAll({ where: { customerId: [...idOf.values()] }, raw: true });
    expect(answers.map((a) => `${a.customerId === idOf.get("I-1") ? "I-1" : "I-2"}:${options.get(a.optionId)}`).sort()).toEqual(["I-1:cat", "I-1:dog", "I-2:fish"]);
  });

  it("a form's refusals are in the admin's own language: a Russian admin reads Russian, an English one English", async () => {
    const russian = await signIn(app, "admin");
    await setUserLocale(app.db, russian.id, "ru");
    const before = await tableContents(app.db);
    const selectWithout = { intent: "create", key: "hair", label: "Hair", type: "select", options: "" };
    const ru = await act(russian, "/admin/fields", "routes/admin.fields._index", selectWithout);
    expect(ru.status).toBe(400);
    expect(ru.body!.errors).toEqual([{ field: "options", reason: "у поля-списка должен быть хотя бы один вариант" }]);
    const moved = await act(russian, "/admin/questions", "routes/admin.questions._index", { intent: "move", id: "999999", position: "0" });
    expect(moved.body!.errors).toEqual([{ field: "id", reason: "не является вопросом" }]);
    // the English admin, at the same time, reads English
    expect((await act(admin, "/admin/fields", "routes/admin.fields._index", selectWithout)).body!.errors).toEqual([{ field: "options", reason: "a select field needs at least one option" }]);
    expect(await tableContents(app.db)).toBe(before);
  });
});
