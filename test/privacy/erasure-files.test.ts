// Erasure and the files on disk (docs/decisions/0040, "Files"): a customer is in two uploaded import
// CSVs (UTF-8 with a byte order mark; windows-1251), in an import's error report, in a CSV export, an
// XLSX export and an export past its expiry; erased through the API, then no file under the data
// directory holds any of their values, the other customers' lines are the same bytes, the XLSX and
// the expired export are gone with their rows expired (410), and the import pages still read the
// files. Files in use (an import or export under way) are left to a job that deletes them once
// free; a file the rewrite fails on is deleted at once, and the log says which by id only.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import crypto from "node:crypto";
import { Writable } from "node:stream";
import iconv from "iconv-lite";
import { QueryTypes } from "sequelize";
import { parse } from "csv-parse/sync";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createLogger } from "../../server/logger";
import { signIn } from "../imports/http";
import { uploadedImport } from "../imports/support";
import { checkImport } from "../../models/imports/run-import.server";
import { createImport } from "../../models/imports/imports.server";
import { createExport, runExport, type ExportRequest } from "../../models/exports/exports.server";
import { CustomerListQuery } from "../../models/customers/list-query";
import type { ExportColumn } from "../../models/exports/columns";
import { eraseCustomer } from "../../models/privacy/erase.server";
import { removeErasureLeftovers, type StoredFile } from "../../models/privacy/scrub-files.server";
import { JOB_NAMES } from "../../jobs/job-names";

const ZQ = {
  externalId: "ZQF-Erase-5582",
  firstName: "Zephyrinka",
  lastName: 'Quattle"baumova',
  email: "zephyrinka.f@erasure-files.example",
  phone: "+359887775678",
  city: "Vlaxhorodishte",
  birthday: "1987-11-23",
  note: "Prefers Xylophonic-Wrapping",
  viber: "VbZqF931xQ==",
};
const BEA = { externalId: "bystander-7", firstName: "Bea", lastName: "Ivanova", email: "bea@shop.test", phone: "+359888000111", city: "Varna", birthday: "1990-01-02", note: "likes tea" };
/** Every value of the customer that must be gone from every file. */
const ERASED = [ZQ.externalId, ZQ.firstName, ZQ.lastName, ZQ.email, ZQ.phone, ZQ.city, ZQ.birthday, ZQ.note, ZQ.viber];

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Each file and value where a file holds one of the values, read in every encoding an import may have, in any case, quotes as a CSV doubles them. */
function valuesInFiles(dir: string, values: string[]): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = fs.readFileSync(file);
    const texts = ["utf-8", "utf-16le", "windows-1251"].map((e) => iconv.decode(bytes, e).toLowerCase());
    for (const value of values) {
      const forms = [value, value.replaceAll('"', '""')].map((v) => v.toLowerCase());
      if (texts.some((t) => forms.some((f) => t.includes(f)))) found.push(`${path.relative(dir, file)}: ${value}`);
    }
  }
  return found;
}

/** The lines of a text that name none of the values: what must stay byte for byte. */
const linesWithout = (text: string, values: string[]) => text.split("\n").filter((l) => !values.some((v) => l.toLowerCase().includes(v.toLowerCase()) || l.includes(v.replaceAll('"', '""'))));

let app: TestApp;
const logLines: string[] = [];
let key: { id: number; secret: string };
const api = {
  post: (p: string, body?: object) => request(app.url).post(`/api/v1${p}`).set("Authorization", `Bearer ${key.secret}`).send(body),
  get: (p: string) => request(app.url).get(`/api/v1${p}`).set("Authorization", `Bearer ${key.secret}`),
};

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await startTestApp({ log: createLogger("debug", sink) });
  key = await app.apiKey(["customers:read", "customers:write", "customers:privacy", "exports:read"]);
  await app.db.models.CustomField.create({ key: "note", label: "Note", type: "text", options: null });
});
afterAll(() => app?.close());

const uploadsDir = () => path.join(app.services.config.dataDir, "imports");

/** An uploaded file in the data directory, as the upload route stores it. */
function upload(bytes: Buffer): string {
  fs.mkdirSync(uploadsDir(), { recursive: true });
  const file = path.join(uploadsDir(), `${crypto.randomUUID()}.csv`);
  fs.writeFileSync(file, bytes);
  return file;
}

const columns: ExportColumn[] = ["externalId", "firstName", "lastName", "email", "phone", "city", "birthday", "field:note", "channel:viber"];

/** An export of every customer written to its file, as the job writes it; returns its id. */
async function writtenExport(format: "csv" | "xlsx", now = new Date()): Promise<number> {
  const req: ExportRequest = { target: { kind: "customers", query: CustomerListQuery.parse({}) }, format, columns, csv: { delimiter: ";", bom: true } };
  const id = await createExport(app.db, req, { userId: null, apiKeyId: key.id, role: "admin" }, { rows: 2, dataDir: app.services.config.dataDir, now, enqueue: async () => {} });
  expect(await runExport(app.db, id, { now: () => now, publicUrl: "http://127.0.0.1" })).toMatchObject({ ok: true });
  return id;
}

async function createCustomer(c: typeof ZQ | typeof BEA, viber?: string) {
  const res = await api.post("/customers", {
    externalId: c.externalId,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    country: "BG",
    city: c.city,
    birthday: c.birthday,
    customFields: { note: c.note },
    channels: viber ? { email: { subscribed: true }, viber: { address: viber, subscribed: true } } : { email: { subscribed: true } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Number(res.body.id);
}

describe(`erasure and stored files on ${testDialect}`, () => {
  const ids = { utf8Import: 0, cp1251Import: 0, csvExport: 0, xlsxExport: 0, oldExport: 0 };
  const before: Record<string, Buffer> = {};

  it("the customer's values are in import uploads, an error report, a CSV and an XLSX export", async () => {
    const db = app.db;
    await createCustomer(ZQ, ZQ.viber);
    await createCustomer(BEA);

    // an upload with the customer's row, a bystander's, and a failing row of each (the email column holds something else)
    const quotedLast = `"${ZQ.lastName.replaceAll('"', '""')}"`;
    const utf8 = [
      "externalId,firstName,lastName,email,phone,city,birthday,note,viber",
      `${ZQ.externalId},${ZQ.firstName},${quotedLast},${ZQ.email},${ZQ.phone},${ZQ.city},${ZQ.birthday},${ZQ.note},${ZQ.viber}`,
      `${BEA.externalId},${BEA.firstName},${BEA.lastName},${BEA.email},${BEA.phone},${BEA.city},${BEA.birthday},${BEA.note},`,
      `${ZQ.externalId},${ZQ.firstName},${quotedLast},${ZQ.phone},${ZQ.phone},${ZQ.city},${ZQ.birthday},${ZQ.note},${ZQ.viber}`,
      `${BEA.externalId},${BEA.firstName},${BEA.lastName},not-an-email,${BEA.phone},${BEA.city},${BEA.birthday},${BEA.note},`,
      "",
    ].join("\r\n");
    ids.utf8Import = await uploadedImport(db, upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8)])));
    expect(await checkImport(db, ids.utf8Import)).toMatchObject({ ok: true });
    const imported = (await db.models.Import.findByPk(ids.utf8Import, { raw: true }))!;
    expect(imported.errorReportPath).not.toBeNull();
    expect(fs.readFileSync(imported.errorReportPath!, "utf8")).toContain(`'${ZQ.phone}`);

    // an old Excel export: windows-1251, semicolons, Cyrillic, the email in capitals
    const cp1251 = ["Номер;Име;Фамилия;Имейл;Град", "B-2;Мария;Петрова;maria@shop.bg;София", `${ZQ.externalId};${ZQ.firstName};${quotedLast};${ZQ.email.toUpperCase()};${ZQ.city}`, ""].join("\r\n");
    const created = await createImport(db, { userId: null, fileName: "клиенти.csv", filePath: upload(iconv.encode(cp1251, "windows-1251")), fileSize: 0 });
    if (!created.ok) throw new Error(created.problem);
    ids.cp1251Import = created.id;
    expect((await db.models.Import.findByPk(ids.cp1251Import, { raw: true }))).toMatchObject({ encoding: "windows-1251", delimiter: ";" });

    ids.csvExport = await writtenExport("csv");
    ids.xlsxExport = await writtenExport("xlsx");
    // an export past its expiry the hourly prune has not deleted yet
    ids.oldExport = await writtenExport("csv", new Date(Date.now() - 100 * 3_600_000));

    for (const file of filesUnder(app.services.config.dataDir)) before[file] = fs.readFileSync(file);
    const found = valuesInFiles(app.services.config.dataDir, ERASED);
    // every CSV holds them before (the XLSX is a zip: its text is compressed)
    expect(new Set(found.map((f) => f.split(":")[0])).size).toBe(5);
    for (const value of ERASED) expect(found.some((f) => f.endsWith(`: ${value}`)), value).toBe(true);
  }, 60_000);

  it("after erasure through the API no file under the data directory holds any of the values; the XLSX and the expired export are gone and answer 410", async () => {
    const db = app.db;
    const erased = await api.post(`/customers/${encodeURIComponent(ZQ.externalId)}/erase`);
    expect(erased.status).toBe(200);
    expect(valuesInFiles(app.services.config.dataDir, ERASED)).toEqual([]);
    // no temporary file left beside them
    expect(filesUnder(app.services.config.dataDir).filter((f) => f.endsWith(".scrub"))).toEqual([]);

    for (const id of [ids.xlsxExport, ids.oldExport]) {
      const row = (await db.models.Export.findByPk(id, { raw: true }))!;
      expect(row).toMatchObject({ status: "expired", filePath: null });
      expect((await api.get(`/exports/${id}/file`)).status).toBe(410);
    }
    expect(Object.keys(before).filter((f) => !fs.existsSync(f))).toHaveLength(2);

    // the log says what happened, by count and id, never a value
    const log = logLines.join("");
    expect(log).toContain("an erased customer's files scrubbed");
    for (const value of ERASED) expect(logLines.filter((l) => l.includes(value) || l.includes(JSON.stringify(value).slice(1, -1))), value).toEqual([]);
  });

  it("the other customers' lines are the same bytes; the customer's record is [erased] cell by cell", async () => {
    const db = app.db;
    const erasedForms = [...ERASED, ZQ.email.toUpperCase()];
    for (const [file, old] of Object.entries(before)) {
      if (!fs.existsSync(file)) continue;
      const now = fs.readFileSync(file);
      const encoding = file.endsWith(".csv") && iconv.decode(old, "utf-8").includes("\ufffd") ? "windows-1251" : "utf-8";
      const [was, is] = [iconv.decode(old, encoding), iconv.decode(now, encoding)];
      expect(is.split("\n").length, file).toBe(was.split("\n").length);
      expect(linesWithout(is, ["[erased]"]), file).toEqual(linesWithout(was, erasedForms));
    }

    // the CSV export: the bystander's row as it was, the customer's personal cells erased, their consent left
    const exportRow = (await db.models.Export.findByPk(ids.csvExport, { raw: true }))!;
    const exported = parse(fs.readFileSync(exportRow.filePath!), { bom: true, delimiter: ";" }) as string[][];
    const wasExported = parse(before[exportRow.filePath!], { bom: true, delimiter: ";" }) as string[][];
    expect(exported.filter((r) => r[0] !== "[erased]")).toEqual(wasExported.filter((r) => r[0] !== ZQ.externalId));
    expect(exported.find((r) => r[0] === "[erased]")).toEqual(["[erased]", "[erased]", "[erased]", "[erased]", "[erased]", "[erased]", "[erased]", "[erased]", "subscribed"]);
    expect(Number(exportRow.fileSize)).toBe(fs.statSync(exportRow.filePath!).size);
    const download = await api
      .get(`/exports/${ids.csvExport}/file`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect((download.body as Buffer).equals(fs.readFileSync(exportRow.filePath!))).toBe(true);

    // the uploads keep their encoding and byte order mark; their sizes follow
    const utf8 = (await db.models.Import.findByPk(ids.utf8Import, { raw: true }))!;
    expect([...fs.readFileSync(utf8.filePath).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(Number(utf8.fileSize)).toBe(fs.statSync(utf8.filePath).size);
    const cp1251 = (await db.models.Import.findByPk(ids.cp1251Import, { raw: true }))!;
    expect(iconv.decode(fs.readFileSync(cp1251.filePath), "windows-1251")).toBe(["Номер;Име;Фамилия;Имейл;Град", "B-2;Мария;Петрова;maria@shop.bg;София", "[erased];[erased];[erased];[erased];[erased]", ""].join("\r\n"));
    expect(parse(fs.readFileSync(utf8.errorReportPath!), { bom: true })).toEqual([
      ["row", "column", "value", "reason"],
      ["4", "email", "[erased]", "must be an email address"],
      ["5", "email", "not-an-email", "must be an email address"],
    ]);
  });

  it("the import pages still read the files: the preview, the format, the error report", async () => {
    const admin = await signIn(app, "admin");
    const page = await admin.get(`/imports/${ids.utf8Import}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(BEA.lastName);
    expect(html).toContain("[erased]");
    expect(html).not.toContain("no longer on the server");
    const cyrillic = await admin.get(`/imports/${ids.cp1251Import}`);
    expect(cyrillic.status).toBe(200);
    const text = await cyrillic.text();
    expect(text).toContain("Петрова");
    expect(text).toMatch(/<option value="windows-1251" selected/);
    const report = await admin.get(`/imports/${ids.utf8Import}/errors.csv`);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain("not-an-email");
  });

  it("files in use are left to the job: an import's report being written and an export being written are deleted once their run ends", async () => {
    const db = app.db;
    const YV = { ...ZQ, externalId: "YVF-Erase-7719", email: "yvonne.f@erasure-files.example", phone: "+359887779911", firstName: "Yvonnetta", lastName: "Brzeczyszczykiewicz", city: "Oxyrhynchus", note: "Collects Quillwort" };
    const customerId = await createCustomer(YV);
    const values = [YV.externalId, YV.email, YV.phone, YV.firstName, YV.lastName];
    // an import under way: its upload is read by the run (rewritten all the same), its report is being written
    const importId = await uploadedImport(db, upload(Buffer.from(`externalId,email\n${YV.externalId},${YV.email}\n`)));
    const reportPath = path.join(uploadsDir(), `${importId}-errors.csv`);
    fs.writeFileSync(reportPath, `\ufeffrow,column,value,reason\n2,email,${YV.email},must be an email address\n`);
    await db.models.Import.update({ status: "running", errorReportPath: reportPath }, { where: { id: importId } });
    // an export under way that already wrote the customer's row
    const exportId = await writtenExport("csv");
    const exportPath = (await db.models.Export.findByPk(exportId, { raw: true }))!.filePath!;
    fs.appendFileSync(exportPath, `${YV.externalId};${YV.firstName}\r\n`);
    await db.models.Export.update({ status: "running" }, { where: { id: exportId } });

    // erased from the customer page this time
    const admin = await signIn(app, "admin");
    const res = await admin.submit(`/customers/${customerId}/erase`, { confirmation: YV.externalId }, `/customers/${customerId}`);
    expect(res.status).toBe(302);
    expect(fs.readFileSync((await db.models.Import.findByPk(importId, { raw: true }))!.filePath, "utf8")).toBe("externalId,email\n[erased],[erased]\n");
    expect(fs.readFileSync(reportPath, "utf8")).toContain(YV.email);
    expect(fs.readFileSync(exportPath, "utf8")).toContain(YV.externalId);

    // the job names the files by kind, id and path: no value
    const job = await db.sequelize.query<{ data: string }>(`SELECT data FROM agenda_jobs WHERE name = ?`, { replacements: [JOB_NAMES.removeErasureLeftovers], type: QueryTypes.SELECT });
    expect(job).toHaveLength(1);
    const files = (JSON.parse(String(job[0].data)) as { files: StoredFile[] }).files;
    expect(files).toEqual([
      { kind: "import-report", id: importId, path: reportPath },
      { kind: "export", id: exportId, path: exportPath },
    ]);
    for (const value of values) expect(String(job[0].data)).not.toContain(value);

    // while the runs go on, the job keeps both; once they end, it deletes both
    expect(await removeErasureLeftovers(db, files, new Date())).toEqual(files);
    await db.models.Import.update({ status: "done" }, { where: { id: importId } });
    await db.models.Export.update({ status: "done" }, { where: { id: exportId } });
    expect(await removeErasureLeftovers(db, files, new Date())).toEqual([]);
    expect(fs.existsSync(reportPath)).toBe(false);
    expect((await db.models.Import.findByPk(importId, { raw: true }))!.errorReportPath).toBeNull();
    expect(fs.existsSync(exportPath)).toBe(false);
    expect((await db.models.Export.findByPk(exportId, { raw: true }))).toMatchObject({ status: "expired", filePath: null });
    expect(valuesInFiles(app.services.config.dataDir, values)).toEqual([]);
  }, 60_000);

  it("a file the rewrite fails on is deleted at once; the log names it by id, never a value; the erasure stands", async () => {
    const db = app.db;
    const XW = { ...ZQ, externalId: "XWF-Erase-3301", email: "xaviera.f@erasure-files.example", phone: "+359887770033", firstName: "Xaviera" };
    const customerId = await createCustomer(XW);
    const importId = await uploadedImport(db, upload(Buffer.from(`externalId,email\n${XW.externalId},${XW.email}\nB-9,b9@shop.test\n`)));
    const filePath = (await db.models.Import.findByPk(importId, { raw: true }))!.filePath;
    const logged: Array<{ level: string; detail: object; message: string }> = [];
    const log = { info: (detail: object, message: string) => logged.push({ level: "info", detail, message }), warn: (detail: object, message: string) => logged.push({ level: "warn", detail, message }), error: (detail: object, message: string) => logged.push({ level: "error", detail, message }) };
    const enqueued: StoredFile[][] = [];
    const rename = vi.spyOn(fsp, "rename").mockRejectedValueOnce(Object.assign(new Error("ENOSPC: no space left on device, rename"), { code: "ENOSPC" }));
    try {
      const out = await eraseCustomer(db, customerId, {}, new Date(), { log, enqueueLeftovers: async (files) => void enqueued.push(files) });
      expect(out).toMatchObject({ ok: true, alreadyErased: false, files: { deleted: 1, leftovers: 0 } });
    } finally {
      rename.mockRestore();
    }
    expect((await db.models.Customer.findByPk(customerId, { raw: true }))!.erasedAt).not.toBeNull();
    expect(fs.existsSync(filePath)).toBe(false);
    expect(enqueued).toEqual([]);
    expect(logged.find((l) => l.level === "warn")).toMatchObject({ detail: { file: { kind: "import-upload", id: importId } } });
    const text = JSON.stringify(logged);
    for (const value of [XW.externalId, XW.email, XW.firstName]) expect(text).not.toContain(value);
    // the import page says the file is gone, as for any upload no longer on the server
    const admin = await signIn(app, "admin");
    expect(await (await admin.get(`/imports/${importId}`)).text()).toContain("no longer on the server");
  });
});
