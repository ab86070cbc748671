// Exports through the real app (Express + the Remix build, a worker in the same process): who may
// export (admins; marketers only while the store allows it; managers never), a small export
// downloaded from the dialog's form, a large one run as a job to its file, notification, email and
// expiry, the audit log, and the same through /api/v1/exports.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { parse } from "csv-parse/sync";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createUser, setUserLocale } from "../../models/users.server";
import { pruneExpiredExports, runExport } from "../../models/exports/exports.server";
import { updateExportSettings } from "../../models/exports/settings.server";
import { Visitor } from "../access/console";
import { buildExportStore, expectedCells, type ExportStore } from "./store";
import type { ExportColumn } from "../../models/exports/columns";

const password = "a-password-for-the-export-tests";
let app: TestApp;
let store: ExportStore;
const visitors: Record<"admin" | "marketer" | "manager", Visitor> = {} as never;
const userIds: Record<string, number> = {};

beforeAll(async () => {
  app = await startTestApp({ worker: true });
  for (const role of ["admin", "marketer", "manager"] as const) {
    userIds[role] = (await createUser(app.db, { email: `${role}@exports.test`, name: `The ${role}`, password, role })).id;
  }
  store = await buildExportStore(app.db, { extra: 12 });
  for (const role of ["admin", "marketer", "manager"] as const) visitors[role] = await Visitor.signIn(app.url, `${role}@exports.test`, password);
});

afterAll(async () => {
  await app?.close();
});

const columns: ExportColumn[] = ["externalId", "firstName", "lastName", "city", "enteredAt"];

/** Posts the export dialog's form as this visitor, with the token of a page they may open. */
async function postExport(visitor: Visitor, fields: Record<string, string | string[]>, page = "/account") {
  const csrf = await visitor.formToken(page);
  const body = new URLSearchParams({ csrf });
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
  return request(app.url).post("/exports/new").set("Cookie", visitor.cookieHeader).type("form").send(body.toString()).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => done(null, Buffer.concat(chunks)));
  });
}

const segmentFields = (extra: Record<string, string | string[]> = {}) => ({ source: "segment", segmentId: String(store.segmentId), format: "csv", columns, delimiter: "semicolon", bom: "on", ...extra });

async function setSettings(settings: { marketersMayExport: boolean; jobFromRows: number; keepHours: number }) {
  await updateExportSettings(app.db, settings, { userId: userIds.admin }, new Date());
}

async function waitFor<T>(what: string, read: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`exports through the app on ${testDialect}`, () => {
  it("an admin's small export downloads at once: the CSV with a byte order mark and semicolons holds exactly the members, and the audit log says who, what and how many", async () => {
    await setSettings({ marketersMayExport: false, jobFromRows: 50_000, keepHours: 72 });
    const res = await postExport(visitors.admin, segmentFields());
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toContain(`filename="${store.segmentCode}-`);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes, { bom: true, delimiter: ";" }) as string[][];
    expect(records.slice(1)).toEqual(store.members.map((m) => expectedCells(m, columns)));
    const entry = await app.db.models.AuditEntry.findOne({ where: { action: "export.download" }, order: [["id", "DESC"]], raw: true });
    expect(entry?.userId).toBe(userIds.admin);
    expect(JSON.parse(entry!.detail!)).toMatchObject({ segment: { code: store.segmentCode }, rows: store.members.length, columns, format: "csv", delivery: "download" });
  });

  it("a marketer is refused (403) while the setting is off and exports once an admin turns it on; a manager never may", async () => {
    await setSettings({ marketersMayExport: false, jobFromRows: 50_000, keepHours: 72 });
    const auditBefore = await app.db.models.AuditEntry.count({ where: { action: "export.download" } });
    expect((await postExport(visitors.marketer, segmentFields())).status).toBe(403);
    expect((await request(app.url).get("/exports").set("Cookie", visitors.marketer.cookieHeader)).status).toBe(403);
    expect((await postExport(visitors.manager, segmentFields())).status).toBe(403);
    expect(await app.db.models.AuditEntry.count({ where: { action: "export.download" } })).toBe(auditBefore);
    // the marketer's pages offer no export while it is off
    const page = await request(app.url).get(`/segments/${store.segmentId}`).set("Cookie", visitors.marketer.cookieHeader).expect(200);
    expect(page.text).not.toContain('data-testid="export-open"');

    // the admin turns it on through the store page's form
    const csrf = await visitors.admin.formToken("/admin/store");
    await request(app.url).post("/admin/store").set("Cookie", visitors.admin.cookieHeader).type("form").send({ csrf, intent: "exports", marketersMayExport: "on", jobFromRows: "50000", keepHours: "72" }).expect(200);
    const allowed = await postExport(visitors.marketer, segmentFields());
    expect(allowed.status).toBe(200);
    expect((parse(allowed.body as Buffer, { bom: true, delimiter: ";" }) as string[][]).length).toBe(store.members.length + 1);
    expect((await request(app.url).get("/exports").set("Cookie", visitors.marketer.cookieHeader)).status).toBe(200);
    expect((await request(app.url).get(`/segments/${store.segmentId}`).set("Cookie", visitors.marketer.cookieHeader)).text).toContain('data-testid="export-open"');
    // managers stay out whatever the setting
    expect((await postExport(visitors.manager, segmentFields())).status).toBe(403);
    expect((await request(app.url).get("/exports").set("Cookie", visitors.manager.cookieHeader)).status).toBe(403);
    expect((await request(app.url).get(`/segments/${store.segmentId}`).set("Cookie", visitors.manager.cookieHeader)).text).not.toContain('data-testid="export-open"');
    const store_ = await app.db.models.AuditEntry.findOne({ where: { action: "store.exports" }, order: [["id", "DESC"]], raw: true });
    expect(JSON.parse(store_!.detail!)).toMatchObject({ marketersMayExport: { from: false, to: true } });
  });

  it("bad input starts nothing and names the field", async () => {
    const before = await app.db.models.AuditEntry.count();
    // the browser goes back to the Exports page, which lists what was wrong
    const problems = async (fields: Record<string, string | string[]>) => {
      const res = await postExport(visitors.admin, fields);
      expect(res.status).toBe(303);
      const url = new URL(res.headers.location, app.url);
      expect(url.pathname).toBe("/exports");
      const page = await request(app.url).get(res.headers.location).set("Cookie", visitors.admin.cookieHeader).expect(200);
      expect(page.text).toContain('data-testid="export-problems"');
      return JSON.parse(url.searchParams.get("problems")!) as Array<{ field: string; reason: string }>;
    };
    expect(await problems(segmentFields({ columns: [] }))).toEqual([{ field: "columns", reason: "choose at least one column" }]);
    expect((await problems(segmentFields({ delimiter: "other", otherDelimiter: "a" }))).map((p) => p.field)).toEqual(["otherDelimiter"]);
    expect(await problems({ source: "customers", filters: "country=BG", format: "csv", columns: ["externalId", "enteredAt"] })).toEqual([
      { field: "columns", reason: "enteredAt is the entry into a segment: export a segment to have it" },
    ]);
    expect(await problems(segmentFields({ segmentId: "999999" }))).toEqual([{ field: "segmentId", reason: "names no segment" }]);
    expect((await problems(segmentFields({ columns: ["externalId", "password"] })))[0].field).toBe("columns.1");
    expect(await app.db.models.AuditEntry.count()).toBe(before);
    expect(await app.db.models.Export.count()).toBe(0);
  });

  it("says what was wrong in the reader's language: a Bulgarian admin's form, a refused manager's browser, an API caller's Accept-Language", async () => {
    const { id } = await createUser(app.db, { email: "bg-admin@exports.test", name: "Bulgarian admin", password, role: "admin" });
    await setUserLocale(app.db, id, "bg");
    const bulgarian = await Visitor.signIn(app.url, "bg-admin@exports.test", password);
    const problemsOf = async (fields: Record<string, string | string[]>) => {
      const res = await postExport(bulgarian, fields);
      expect(res.status).toBe(303);
      return JSON.parse(new URL(res.headers.location, app.url).searchParams.get("problems")!) as Array<{ field: string; reason: string }>;
    };
    expect(await problemsOf(segmentFields({ columns: [] }))).toEqual([{ field: "columns", reason: "изберете поне една колона" }]);
    expect(await problemsOf(segmentFields({ segmentId: "999999" }))).toEqual([{ field: "segmentId", reason: "не сочи към сегмент" }]);

    // a manager may not export: the refusal in the browser's language, English without one
    const refused = (language?: string) => {
      const r = request(app.url).post("/exports/new").set("Cookie", visitors.manager.cookieHeader).type("form");
      return (language ? r.set("Accept-Language", language) : r).send("");
    };
    expect((await refused("ru,en;q=0.5")).text).toBe("Запрещено: выгрузки доступны администраторам, а маркетологам — если это разрешают настройки магазина.");
    expect((await refused()).text).toBe("Forbidden: exports are for admins, and for marketers when the store's settings allow it.");

    const key = await app.apiKey(["exports:read"]);
    const api = (body: object, language?: string) => {
      const r = request(app.url).post("/api/v1/exports").set("Authorization", `Bearer ${key.secret}`);
      return (language ? r.set("Accept-Language", language) : r).send(body);
    };
    const uk = await api({ customers: { tag: "nobody-has-it" } }, "uk-UA");
    expect(uk.status).toBe(422);
    expect(uk.body.error).toMatchObject({ code: "validation_failed", message: "Експорт містить помилки; нічого не запущено.", fields: [{ field: "customers.tag", reason: "не вказує на жоден тег" }] });
    const en = await api({ customers: { tag: "nobody-has-it" } });
    expect(en.body.error).toMatchObject({ message: "The export has errors; nothing was started.", fields: [{ field: "customers.tag", reason: "names no tag" }] });
    expect((await api({ segment: store.segmentCode, columns: ["externalId", "externalId"] }, "el")).body.error.fields).toEqual([{ field: "columns", reason: "η στήλη externalId έχει επιλεγεί δύο φορές" }]);
    expect(await app.db.models.Export.count()).toBe(0);
  });

  it("an export larger than the threshold runs as a job: progress, the file, a notification and an email, then expiry deletes the file", async () => {
    await setSettings({ marketersMayExport: true, jobFromRows: 5, keepHours: 2 });
    // the marketer reads Bulgarian: the email that tells them is written in it
    await setUserLocale(app.db, userIds.marketer, "bg");
    const res = await postExport(visitors.marketer, segmentFields({ format: "csv", delimiter: "comma", bom: [] as unknown as string }));
    expect(res.status).toBe(302);
    const id = Number(/\/exports\?id=(\d+)/.exec(res.headers.location)![1]);
    const done = await waitFor("the export to finish", async () => {
      const row = await app.db.models.Export.findByPk(id, { raw: true });
      return row?.status === "done" ? row : null;
    });
    expect(done.writtenRows).toBe(store.members.length);
    expect(done.totalRows).toBe(store.members.length);
    // the page lists it ready with a download link; the file holds the members
    const page = await request(app.url).get("/exports?_data=routes%2Fexports._index").set("Cookie", visitors.marketer.cookieHeader).expect(200);
    expect(page.body.exports.find((e: { id: number }) => e.id === id)).toMatchObject({ status: "done", percent: 100, writtenRows: store.members.length });
    const file = await request(app.url).get(`/exports/${id}/download`).set("Cookie", visitors.marketer.cookieHeader).expect(200);
    expect(parse(file.text, {}).slice(1)).toEqual(store.members.map((m) => expectedCells(m, columns)));
    // the admin may download it too; the bell and the outbox tell the marketer
    await request(app.url).get(`/exports/${id}/download`).set("Cookie", visitors.admin.cookieHeader).expect(200);
    const note = await app.db.models.Notification.findOne({ where: { userId: userIds.marketer, kind: "export.ready" }, raw: true });
    expect(note?.link).toBe(`/exports?id=${id}`);
    const mail = await app.db.models.OutboxMessage.findOne({ where: { userId: userIds.marketer, purpose: "notification" }, order: [["id", "DESC"]], raw: true });
    expect(mail?.subject).toMatch(new RegExp(`^Експортът .+ е готов: ${store.members.length} реда$`));
    expect(mail?.textBody).toContain("Изтеглете го от страницата с експорти:");
    expect(mail?.textBody).toContain(`/exports?id=${id}`);
    await setUserLocale(app.db, userIds.marketer, null);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "export.create" }, order: [["id", "DESC"]], raw: true });
    expect(audit?.userId).toBe(userIds.marketer);
    expect(JSON.parse(audit!.detail!)).toMatchObject({ exportId: id, rows: store.members.length, columns, delivery: "job" });

    // past its expiry the prune job deletes the file and the download is gone
    expect(fs.existsSync(done.filePath!)).toBe(true);
    expect(await pruneExpiredExports(app.db, new Date(Date.now() + 60_000))).toBe(0);
    expect(await pruneExpiredExports(app.db, new Date(new Date(done.expiresAt!).getTime() + 1))).toBe(1);
    expect(fs.existsSync(done.filePath!)).toBe(false);
    expect((await app.db.models.Export.findByPk(id, { raw: true }))?.status).toBe("expired");
    expect((await request(app.url).get(`/exports/${id}/download`).set("Cookie", visitors.marketer.cookieHeader)).status).toBe(410);
  });

  it("the job saves its progress after every batch", async () => {
    await setSettings({ marketersMayExport: true, jobFromRows: 5, keepHours: 2 });
    const { startExport } = await import("../../jobs/run-export");
    // a queue of its own that no worker reads, so the test runs the export itself
    const id = await app.db.sequelize.transaction(async (transaction) =>
      startExport(app.services.jobs, { target: { kind: "segment", segmentId: store.segmentId }, format: "xlsx", columns, csv: { delimiter: ",", bom: false } }, { userId: userIds.admin, apiKeyId: null, role: "admin" }, { rows: store.members.length, dataDir: app.services.config.dataDir, now: new Date(), transaction }),
    );
    await app.db.models.AgendaJob.destroy({ where: { name: "run-export" } });
    await app.db.models.Export.update({ status: "queued" }, { where: { id } });
    const seen: number[] = [];
    const outcome = await runExport(app.db, id, {
      now: () => new Date(),
      publicUrl: "http://127.0.0.1",
      batchSize: 4,
      onProgress: (written) => seen.push(written),
    });
    expect(outcome).toEqual({ ok: true, rows: store.members.length });
    expect(seen).toEqual(Array.from({ length: Math.ceil(store.members.length / 4) }, (_, i) => Math.min(store.members.length, (i + 1) * 4)));
    const row = (await app.db.models.Export.findByPk(id, { raw: true }))!;
    expect([row.status, row.writtenRows, row.totalRows]).toEqual(["done", store.members.length, store.members.length]);
  });

  it("through the API: POST /api/v1/exports, its state, its file; scope and ownership enforced; bad input names the field", async () => {
    const key = await app.apiKey(["exports:read"]);
    const other = await app.apiKey(["exports:read"]);
    const noScope = await app.apiKey(["customers:read"]);
    const api = (k: string) => ({ Authorization: `Bearer ${k}` });
    const made = await request(app.url).post("/api/v1/exports").set(api(key.secret)).send({ segment: store.segmentCode, columns, delimiter: "\t", bom: false });
    expect(made.status).toBe(202);
    expect(made.body).toMatchObject({ status: "queued", source: "segment", segment: { code: store.segmentCode }, columns, totalRows: store.members.length });
    const id = made.body.id as number;
    const done = await waitFor("the API export to finish", async () => {
      const r = await request(app.url).get(`/api/v1/exports/${id}`).set(api(key.secret));
      return r.body.status === "done" ? r.body : null;
    });
    expect(done.fileUrl).toBe(`/api/v1/exports/${id}/file`);
    const file = await request(app.url).get(done.fileUrl).set(api(key.secret)).expect(200);
    expect(file.headers["content-type"]).toMatch(/^text\/csv/);
    expect(parse(file.text, { delimiter: "\t" }).slice(1)).toEqual(store.members.map((m) => expectedCells(m, columns)));
    expect((await request(app.url).get(`/api/v1/exports/${id}`).set(api(other.secret))).status).toBe(404);
    expect((await request(app.url).get(`/api/v1/exports/${id}/file`).set(api(other.secret))).status).toBe(404);
    expect((await request(app.url).post("/api/v1/exports").set(api(noScope.secret)).send({ segment: store.segmentCode })).status).toBe(403);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "export.create", apiKeyId: key.id }, raw: true });
    expect(JSON.parse(audit!.detail!)).toMatchObject({ exportId: id, rows: store.members.length });

    // the filtered customers: the other segment's members left out
    const filtered = await request(app.url).post("/api/v1/exports").set(api(key.secret)).send({ customers: { segment: [store.segmentCode], notSegment: ["other"], country: "BG" }, columns: ["externalId"] });
    expect(filtered.status).toBe(202);
    const filteredDone = await waitFor("the filtered export", async () => {
      const r = await request(app.url).get(`/api/v1/exports/${filtered.body.id}`).set(api(key.secret));
      return r.body.status === "done" ? r.body : null;
    });
    const ids = (parse((await request(app.url).get(filteredDone.fileUrl).set(api(key.secret))).text, {}) as string[][]).slice(1).map((r) => r[0]);
    expect(ids.sort()).toEqual(store.members.filter((m) => m.country === "BG" && m.externalId !== "ivan").map((m) => m.externalId).sort());

    const bad = async (body: object) => (await request(app.url).post("/api/v1/exports").set(api(key.secret)).send(body)).body.error.fields.map((f: { field: string }) => f.field);
    expect(await bad({ segment: store.segmentCode, columns: ["nope"] })).toEqual(["columns[0]"]);
    expect(await bad({ segment: "no-such-segment" })).toEqual(["segment"]);
    expect(await bad({ segment: store.segmentCode, customers: {} })).toEqual(["segment"]);
    expect(await bad({ customers: { tag: "nobody-has-it" } })).toEqual(["customers.tag"]);
    expect(await bad({ segment: store.segmentCode, delimiter: "ab" })).toEqual(["delimiter"]);
    expect(await bad({ customers: {}, columns: ["externalId", "enteredAt"] })).toEqual(["columns"]);
  });
});
