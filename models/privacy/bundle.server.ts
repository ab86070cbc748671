// The CSV bundle of a customer export: a .zip holding one CSV file per section.
import archiver from "archiver";
import { stringify } from "csv-stringify/sync";
import { escapeFormula } from "../imports/error-report.server";
import { exportTables, type CustomerExport } from "./export.server";

/**
 * The export as a zip of CSV files, each with a byte order mark (spreadsheets then read Cyrillic
 * and Greek as UTF-8); a cell a spreadsheet would run as a formula gets a leading apostrophe.
 */
export async function exportBundle(doc: CustomerExport): Promise<Buffer> {
  const zip = archiver("zip", { zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  zip.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    zip.on("end", () => resolve());
    zip.on("error", reject);
  });
  const date = new Date(doc.exportedAt);
  for (const table of exportTables(doc)) {
    const rows = table.rows.map((row) => row.map((value) => escapeFormula(value === null ? "" : String(value))));
    zip.append("\uFEFF" + stringify(rows), { name: `${table.name}.csv`, date });
  }
  await zip.finalize();
  await ended;
  return Buffer.concat(chunks);
}
