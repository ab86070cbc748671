import fs from "node:fs";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, rowCounts, testDialect } from "../support/db";
import { createUser } from "../../models/users.server";
import { checkImport, queueImportRun, runImport, runQueuedImport } from "../../models/imports/run-import.server";
import { getImportDetail, getImportSummary, importErrorReport, requestImportStop } from "../../models/imports/imports.server";
import { importsDir, readReport, uploadedImport } from "./support";

describe(`CSV import of customers on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const files = importsDir();
  beforeAll(async () => {
    db = await createTestDatabase();
    await createUser(db, { email: "manager@shop.test", name: "M", password: "pw-123456", role: "manager" });
    await db.models.CustomField.create({ key: "shoe_size", label: "Shoe size", type: "number", options: null });
    const q = await db.models.RegistrationQuestion.create({ key: "pets", text: "Pets" });
    await db.models.RegistrationOption.bulkCreate([
      { questionId: q.id, key: "cat", label: "Котка" },
      { questionId: q.id, key: "dog", label: "Куче" },
    ]);
  });
  afterAll(async () => {
    await db.drop();
    files.remove();
  });

  const mixed = [
    "Customer ID;Имейл;Име;Рожден ден;Телефон;Държава;Shoe size;Manager;Email subscribed;Pets;Tags",
    "C1;ivan@x.bg;Иван;17.05.1990;0888 123 456;България;43,5;manager@shop.test;да;Котка, dog;vip|new",
    "C2;not-an-email;Мария;;;;;;;;",
    "",
    'C3;c3@x.bg;"Two',
    'lines";31.02.1990;;;;;не;;',
    "C4;c4@x.bg;;;;;;nobody@shop.test;;;",
    ";c5@x.bg;;;;;;;;;",
    "C6;c6@x.bg;Ok;;;;;;yes;;",
  ].join("\r\n");

  let importId: number;

  it("the dry run reads every row, lists each error by spreadsheet row and column in file order, and writes nothing", async () => {
    importId = await uploadedImport(db, files.write(mixed));
    const before = await rowCounts(db);
    const outcome = await checkImport(db, importId);
    expect(outcome).toMatchObject({ ok: true, status: "checked", progress: { processedRows: 6, errorRows: 4, createdRows: 0 } });
    expect(await rowCounts(db)).toEqual(before);
    const detail = await getImportDetail(db, importId);
    expect(detail).toMatchObject({ status: "checked", isChecked: true, totalRows: 6, errorRows: 4, percent: 100 });
    expect(detail!.firstErrors).toEqual([
      { row: 3, column: "Имейл", value: "not-an-email", reason: "must be an email address" },
      // a quoted cell may hold a line break, but a name may not
      { row: 5, column: "Име", value: expect.stringMatching(/^Two\r?\nlines$/), reason: "must not contain control characters (NUL, line breaks, tabs, …)" },
      { row: 5, column: "Рожден ден", value: "31.02.1990", reason: "does not exist: February 1990 has 28 days" },
      { row: 6, column: "Manager", value: "nobody@shop.test", reason: "is not an active manager's email" },
      { row: 7, column: "Customer ID", value: "", reason: "is empty: every row needs an external id" },
    ]);
  });

  it("the import writes the valid rows, leaves out and reports the invalid ones, and counts each", async () => {
    const outcome = await runImport(db, importId);
    expect(outcome).toMatchObject({ ok: true, status: "done", progress: { processedRows: 6, createdRows: 2, updatedRows: 0, unchangedRows: 0, errorRows: 4 } });
    const customers = await db.models.Customer.findAll({ order: [["externalId", "ASC"]] });
    expect(customers.map((c) => c.externalId)).toEqual(["C1", "C6"]);
    expect(customers[0]).toMatchObject({ firstName: "Иван", email: "ivan@x.bg", phone: "+359888123456", country: "BG", birthday: "1990-05-17" });
    const c1 = customers[0].id;
    expect((await db.models.CustomerFieldValue.findOne({ where: { customerId: c1 } }))?.valueNumber).toBe(43.5);
    expect(await db.models.RegistrationAnswer.count({ where: { customerId: c1 } })).toBe(2);
    expect(await db.models.CustomerTag.count({ where: { customerId: c1 } })).toBe(2);
    const email = await db.models.ChannelIdentity.findOne({ where: { customerId: c1, channel: "email" } });
    expect(Boolean(email?.isSubscribed)).toBe(true);
    expect(await db.models.CustomerChange.count({ where: { source: "import" } })).toBe(2);
    const report = readReport((await importErrorReport(db, importId))!.filePath);
    expect(report[0]).toEqual(["row", "column", "value", "reason"]);
    expect(report.slice(1).map((r) => r[0])).toEqual(["3", "5", "5", "6", "7"]);
  });

  it("running the same import again is idempotent: nothing new, nothing changed", async () => {
    const before = await rowCounts(db);
    const outcome = await runImport(db, importId);
    expect(outcome).toMatchObject({ ok: true, status: "done", progress: { createdRows: 0, updatedRows: 0, unchangedRows: 2, errorRows: 4 } });
    expect(await rowCounts(db)).toEqual(before);
  });

  it("the error report escapes cells a spreadsheet would run as formulas; the data itself is kept verbatim", async () => {
    const file = files.write(
      [
        "externalId,email,Shoe size,=cmd|' /C calc'!A0",
        "X1,@SUM(1+1),-1+1,",
        'X2,"=HYPERLINK(""http://evil.example"",""x"")",1,',
        `X3,\tbad,1,${"=".repeat(101)}`,
        "X4,x4@shop.test,+1e,",
        "X5,x5@shop.test,1,=1+2",
      ].join("\n"),
    );
    const id = await uploadedImport(db, file, ["externalId", "email", "customFields.shoe_size", "firstName"]);
    await checkImport(db, id);
    const report = (await importErrorReport(db, id))!.filePath;
    const cells = readReport(report).slice(1);
    expect(cells.map((r) => [r[0], r[1], r[2]])).toEqual([
      ["2", "email", "'@SUM(1+1)"],
      ["2", "Shoe size", "'-1+1"],
      ["3", "email", "'=HYPERLINK(\"http://evil.example\",\"x\")"],
      ["4", "email", "'\tbad"],
      ["4", "'=cmd|' /C calc'!A0", "'" + "=".repeat(101)],
      ["5", "Shoe size", "'+1e"],
    ]);
    expect(fs.readFileSync(report, "utf8")).not.toMatch(/(^|,)"?[=+\-@\t]/m);
    // the page shows the values as they were in the file
    expect((await getImportDetail(db, id))!.firstErrors.map((e) => e.value)).toEqual(["@SUM(1+1)", "-1+1", '=HYPERLINK("http://evil.example","x")', "\tbad", "=".repeat(101), "+1e"]);
    // a formula-looking name is a customer's data: the import keeps it as it is
    await runImport(db, id);
    expect((await db.models.Customer.findOne({ where: { externalId: "X5" } }))?.firstName).toBe("=1+2");
  });

  it("one import cannot be queued twice at once, and the queued run finishes", async () => {
    const id = await uploadedImport(db, files.write("externalId,email\nS1,s1@x.test\nS2,s2@x.test\n"));
    const enqueue = vi.fn(async () => {});
    const [a, b] = await Promise.all([queueImportRun(db, id, "check", enqueue), queueImportRun(db, id, "check", enqueue)]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect([a, b].find((r) => !r.ok)).toEqual({ ok: false, reason: "This file is already being processed." });
    expect(enqueue).toHaveBeenCalledTimes(1);
    expect((await getImportSummary(db, id))?.status).toBe("queued");
    expect(await runQueuedImport(db, id, "check")).toMatchObject({ ok: true, status: "checked" });
    expect(await runImport(db, id)).toMatchObject({ ok: true, progress: { createdRows: 2 } });
  });

  it("an import whose enqueue fails stays as it was", async () => {
    const id = await uploadedImport(db, files.write("externalId\nQ1\n"));
    const before = await getImportSummary(db, id);
    await expect(queueImportRun(db, id, "check", async () => Promise.reject(new Error("queue down")))).rejects.toThrow("queue down");
    expect((await getImportSummary(db, id))?.status).toBe(before!.status);
  });

  it("a queued run that is stopped before a worker takes it ends as failed without reading the file", async () => {
    const id = await uploadedImport(db, files.write("externalId\nQ2\n"));
    expect(await queueImportRun(db, id, "check", async () => {})).toEqual({ ok: true });
    expect(await requestImportStop(db, id)).toEqual({ ok: true });
    expect(await runQueuedImport(db, id, "check")).toMatchObject({ ok: true, status: "failed" });
    expect(await getImportSummary(db, id)).toMatchObject({ status: "failed", error: "Stopped before it started; nothing was read.", processedRows: 0 });
  });

  it("the import needs a passed dry run with the current mapping", async () => {
    const id = await uploadedImport(db, files.write("externalId\nN1\n"));
    expect(await runImport(db, id)).toEqual({ ok: false, reason: "Run the dry run first: the import starts from a file that passed it." });
    expect(await db.models.Customer.count({ where: { externalId: "N1" } })).toBe(0);
  });

  it("an import whose worker died mid-run is run again from the start by the job, writing no row twice", async () => {
    const id = await uploadedImport(db, files.write("externalId,firstName\nR1,A\nR2,B\nR3,C\n"));
    await checkImport(db, id);
    await runImport(db, id, { batchSize: 2 });
    const customers = await db.models.Customer.count();
    // what a dead worker leaves: the import marked running part of the way through
    await db.models.Import.update({ status: "running", processedRows: 2 }, { where: { id } });
    expect(await runQueuedImport(db, id, "import")).toMatchObject({ ok: true, status: "done", progress: { processedRows: 3, createdRows: 0, unchangedRows: 3 } });
    expect(await db.models.Customer.count()).toBe(customers);
  });

  it("a national phone number is read in the store's country unless its row names another", async () => {
    const { saveStoreSettings } = await import("../../models/store.server");
    await saveStoreSettings(db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "bg" });
    const id = await uploadedImport(db, files.write("externalId,phone,country\nP1,0888 123 456,\nP2,6912345678,GR\nP3,+44 20 7946 0958,\n"), ["externalId", "phone", "country"]);
    await checkImport(db, id);
    expect(await runImport(db, id)).toMatchObject({ ok: true, progress: { createdRows: 3, errorRows: 0 } });
    const phones = await db.models.Customer.findAll({ where: { externalId: ["P1", "P2", "P3"] }, order: [["externalId", "ASC"]] });
    expect(phones.map((c) => c.phone)).toEqual(["+359888123456", "+306912345678", "+442079460958"]);
  });

  it("a phone number too short to be real is reported with that reason, read in the store's country or the row's, in the store's language", async () => {
    const { saveStoreSettings } = await import("../../models/store.server");
    await saveStoreSettings(db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "bg" });
    const id = await uploadedImport(db, files.write("externalId,phone,country\nS1,0888 12,\nS2,691234,GR\nS3,0888 123 457,\n"), ["externalId", "phone", "country"]);
    await checkImport(db, id);
    const detail = await getImportDetail(db, id);
    // nobody uploaded it (no user, so no language of theirs): the reasons are in the store's Bulgarian
    expect(detail!.firstErrors).toEqual([
      { row: 2, column: "phone", value: "0888 12", reason: "е твърде кратък за телефонен номер в BG" },
      { row: 3, column: "phone", value: "691234", reason: "е твърде кратък за телефонен номер в GR" },
    ]);
  });

  it("a stop asked for during an import takes effect after the current batch", async () => {
    // an English store, so the stored failure is in English
    const { saveStoreSettings } = await import("../../models/store.server");
    await saveStoreSettings(db, { name: "Shop", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
    const id = await uploadedImport(db, files.write(["externalId", ...Array.from({ length: 10 }, (_, i) => `T${i}`)].join("\n")));
    await checkImport(db, id);
    const outcome = await runImport(db, id, { batchSize: 3, onProgress: () => void requestImportStop(db, id) });
    expect(outcome).toMatchObject({ ok: true, status: "failed" });
    const summary = await getImportSummary(db, id);
    expect(summary!.error).toMatch(/^Stopped after \d+ rows\. The rows before were written/);
    expect(await db.models.Customer.count({ where: { externalId: Array.from({ length: 10 }, (_, i) => `T${i}`) } })).toBeLessThan(10);
  });
});

describe(`bad import files on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const files = importsDir();
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    files.remove();
  });

  it("a Windows-1251 file read as UTF-8: every affected cell is reported, nothing is written", async () => {
    const id = await uploadedImport(db, files.write(iconv.encode("externalId;Име\nB1;Иван\nB2;Ivan\n", "win1251")));
    const { changeImportFormat, saveImportMapping } = await import("../../models/imports/imports.server");
    expect(await changeImportFormat(db, id, { encoding: "utf-8", delimiter: ";" })).toEqual({ ok: true });
    expect(await saveImportMapping(db, id, ["externalId", "firstName"])).toEqual({ ok: true });
    const before = await rowCounts(db);
    expect(await checkImport(db, id)).toMatchObject({ ok: true, status: "checked", progress: { processedRows: 2, errorRows: 1 } });
    expect((await getImportDetail(db, id))!.firstErrors).toEqual([
      { row: 2, column: expect.any(String), value: expect.stringContaining("\uFFFD"), reason: "has characters that are not utf-8: choose the file's encoding in the first step" },
    ]);
    expect(await rowCounts(db)).toEqual(before);
  });

  it("a quote that never closes fails the dry run at its row, and the import will not start", async () => {
    const id = await uploadedImport(db, files.write('externalId,firstName\nQ1,Ann\nQ2,"Bob\nQ3,Cid\n'));
    const before = await rowCounts(db);
    expect(await checkImport(db, id)).toMatchObject({ ok: true, status: "failed" });
    expect((await getImportSummary(db, id))!.error).toBe('Row 3: a quoted cell starts here and its closing quote (") never comes. Fix the quotes in the file and upload it again.');
    expect(await runImport(db, id)).toMatchObject({ ok: false, reason: expect.stringContaining("Run the dry run first") });
    expect(await rowCounts(db)).toEqual(before);
  });

  it("a stray quote inside a cell is read as a character", async () => {
    const id = await uploadedImport(db, files.write('externalId,firstName\nQ4,Iv"an\n'));
    await checkImport(db, id);
    expect(await runImport(db, id)).toMatchObject({ ok: true, status: "done", progress: { createdRows: 1 } });
    expect((await db.models.Customer.findOne({ where: { externalId: "Q4" } }))?.firstName).toBe('Iv"an');
  });

  it("a line of megabytes fails the dry run with its row number", async () => {
    const id = await uploadedImport(db, files.write(`externalId,firstName\nH1,Ann\nH2,${"x".repeat(2_000_000)}\nH3,Cid\n`));
    const before = await rowCounts(db);
    expect(await checkImport(db, id)).toMatchObject({ ok: true, status: "failed" });
    expect((await getImportSummary(db, id))!.error).toBe("Row 3 is longer than 1,000,000 characters: either a quote is never closed or this is not a CSV file.");
    expect(await rowCounts(db)).toEqual(before);
  });

  it("an empty file, a workbook, a binary file and an unreadable header are refused at upload and not kept", async () => {
    const { createImport } = await import("../../models/imports/imports.server");
    const before = await rowCounts(db);
    for (const [content, problem] of [
      ["", "empty"],
      [Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(100, 7)]), "spreadsheet"],
      [Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00]), "binary"],
      [`"externalId,email\nC1,c1@x.test\n`, "unreadable"],
    ] as const) {
      const filePath = files.write(content);
      expect(await createImport(db, { userId: null, fileName: "x.csv", filePath, fileSize: content.length })).toEqual({ ok: false, problem });
      expect(fs.existsSync(filePath)).toBe(false);
    }
    expect(await rowCounts(db)).toEqual(before);
  });

  it("a header-only file passes the dry run with no rows, and there is nothing to import", async () => {
    const id = await uploadedImport(db, files.write("externalId,email\n"));
    expect(await checkImport(db, id)).toMatchObject({ ok: true, status: "checked", progress: { processedRows: 0 } });
    expect(await runImport(db, id)).toEqual({ ok: false, reason: "The file has no rows to import, only a header." });
  });

  it("injection-looking strings are stored as plain text, and cells beyond the header are reported", async () => {
    const names = ["'; DROP TABLE customers; --", "<script>alert(1)</script>", "Robert\"); DELETE FROM users; --", "${7*7}{{7*7}}"];
    const rows = names.map((n, i) => `I${i},"${n.replace(/"/g, '""')}"`);
    const id = await uploadedImport(db, files.write(["externalId,firstName", ...rows, "I9,Extra,surprise"].join("\n")));
    await checkImport(db, id);
    expect(await runImport(db, id)).toMatchObject({ ok: true, progress: { createdRows: 4, errorRows: 1 } });
    const stored = await db.models.Customer.findAll({ where: { externalId: names.map((_, i) => `I${i}`) }, order: [["externalId", "ASC"]] });
    expect(stored.map((c) => c.firstName)).toEqual(names);
    expect((await getImportDetail(db, id))!.firstErrors).toEqual([
      { row: 6, column: "Column 3", value: "surprise", reason: "is beyond the last column of the header (the header has 2 columns)" },
    ]);
  });
});
