// The export's files read back by real readers: csv-parse for CSV (with and without a byte order
// mark, comma, semicolon, tab and an odd delimiter) and exceljs for XLSX. Each must hold exactly the
// segment's members (or the filtered customers) with the chosen columns, and every text cell that
// starts like a formula made inert.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { createTestDatabase, testDialect } from "../support/db";
import type { Database } from "../../models/db";
import { exportRows } from "../../models/exports/rows.server";
import { writeExport } from "../../models/exports/write.server";
import { columnHeader, inertCell, type ExportColumn } from "../../models/exports/columns";
import { CustomerListQuery } from "../../models/customers/list-query";
import { buildExportStore, DANGEROUS, expectedCells, type ExportStore } from "./store";

let db: Database & { drop(): Promise<void> };
let store: ExportStore;

beforeAll(async () => {
  db = await createTestDatabase();
  store = await buildExportStore(db, { extra: 23 });
});

afterAll(async () => {
  await db?.drop();
});

const ALL_COLUMNS: ExportColumn[] = [
  "externalId", "firstName", "lastName", "email", "phone", "country", "city", "birthday", "customerGroup", "tags", "manager",
  "acceptsMarketing", "channel:email", "channel:sms", "channel:messenger", "channel:viber", "ordersCount", "totalSpent", "enteredAt", "field:shoe_size",
];

/** Writes the segment's export into memory and returns the bytes. */
async function exportSegment(columns: ExportColumn[], format: "csv" | "xlsx", csv = { delimiter: ",", bom: false }, batchSize = 4): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const rows = exportRows(db, { kind: "segment", segmentId: store.segmentId }, { columns, format, currency: "EUR", batchSize });
  const written = await writeExport(rows, out, { format, columns, csv });
  expect(written).toBe(store.members.length);
  return Buffer.concat(chunks);
}

describe(`export files on ${testDialect}`, () => {
  it("a CSV read back by csv-parse is the header and exactly the members, in id order, every column as the records hold it", async () => {
    const bytes = await exportSegment(ALL_COLUMNS, "csv");
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const records = parse(bytes, { relax_column_count: false }) as string[][];
    expect(records[0]).toEqual(ALL_COLUMNS.map(columnHeader));
    expect(records.slice(1)).toEqual(store.members.map((m) => expectedCells(m, ALL_COLUMNS)));
    // Cyrillic and Greek come back whole
    expect(records.some((r) => r[1] === "Иван" && r[6] === "София")).toBe(true);
  });

  it("with a byte order mark and semicolons, Excel's way in much of Europe, the file reads back the same", async () => {
    const columns: ExportColumn[] = ["externalId", "firstName", "lastName", "city", "totalSpent"];
    const bytes = await exportSegment(columns, "csv", { delimiter: ";", bom: true });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("Иван;Петров;София;822.40");
    const records = parse(bytes, { bom: true, delimiter: ";" }) as string[][];
    expect(records.slice(1)).toEqual(store.members.map((m) => expectedCells(m, columns)));
  });

  it("a tab or any other single character separates the fields just as well", async () => {
    const columns: ExportColumn[] = ["externalId", "lastName", "city"];
    for (const delimiter of ["\t", "|"]) {
      const records = parse(await exportSegment(columns, "csv", { delimiter, bom: false }), { delimiter }) as string[][];
      expect(records.slice(1)).toEqual(store.members.map((m) => expectedCells(m, columns)));
    }
  });

  it("every cell that starts with = + - @ a tab or a carriage return starts with an apostrophe instead; numbers and other text are as they are", async () => {
    const columns: ExportColumn[] = ["externalId", "firstName", "lastName", "city", "field:shoe_size", "totalSpent"];
    const records = parse(await exportSegment(columns, "csv"), {}) as string[][];
    const cells = records.slice(1).flat();
    for (const dangerous of DANGEROUS) {
      expect(cells, JSON.stringify(dangerous)).toContain(`'${dangerous}`);
      expect(cells, JSON.stringify(dangerous)).not.toContain(dangerous);
    }
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    expect(inertCell("＝1+1")).toBe("'＝1+1");
    expect(inertCell("Иван")).toBe("Иван");
    expect(cells).toContain("822.40");
  });

  it("an XLSX read back by exceljs holds the same rows, text made inert and numbers as numbers", async () => {
    const columns: ExportColumn[] = ["externalId", "firstName", "lastName", "city", "field:shoe_size", "channel:email", "ordersCount", "totalSpent", "enteredAt"];
    const bytes = await exportSegment(columns, "xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as never);
    const sheet = workbook.worksheets[0];
    const rows: Array<Array<string | number | null>> = [];
    sheet.eachRow((row) => rows.push(columns.map((_, i) => (row.getCell(i + 1).value ?? null) as string | number | null)));
    expect(rows[0]).toEqual(columns.map(columnHeader));
    expect(rows.slice(1)).toEqual(store.members.map((m) => expectedCells(m, columns, "xlsx")));
    expect(rows.slice(1).flat().filter((c) => typeof c === "string" && /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  it("the filtered customer list exports its own customers: a segment filter, another one left out, and a search", async () => {
    const columns: ExportColumn[] = ["externalId", "lastName"];
    const run = async (params: string) => {
      const query = CustomerListQuery.parse(Object.fromEntries(new URLSearchParams(params)));
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (c: Buffer) => chunks.push(c));
      await writeExport(exportRows(db, { kind: "customers", query, viewer: { id: 1, role: "admin" }, storeCountry: "BG" }, { columns, format: "csv", currency: "EUR", batchSize: 5 }), out, { format: "csv", columns, csv: { delimiter: ",", bom: false } });
      return (parse(Buffer.concat(chunks), {}) as string[][]).slice(1).map((r) => r[0]);
    };
    const newestFirst = (list: typeof store.customers) => [...list].sort((a, b) => b.id - a.id).map((c) => c.externalId);
    expect(await run(`segment=${store.segmentId}`)).toEqual(newestFirst(store.members));
    expect(await run(`segment=${store.segmentId}&notSegment=${store.otherSegmentId}`)).toEqual(newestFirst(store.members.filter((m) => m.externalId !== "ivan")));
    expect(await run(`notSegment=${store.segmentId}`)).toEqual(["eleni"]);
    expect(await run(`q=${encodeURIComponent("Иванова 1")}&segment=${store.segmentId}`)).toEqual(
      newestFirst(store.members.filter((m) => m.lastName?.startsWith("Иванова 1"))),
    );
  });
});
