import fs from "node:fs";
import { once } from "node:events";
import { stringify } from "csv-stringify/sync";
import { readCsvRows } from "./read-csv.server";
import type { RowError } from "./customer-from-row";

export const REPORT_HEADER = ["row", "column", "value", "reason"];

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, or a leading tab or carriage return) gets a
 * leading apostrophe, so opening the report never executes what a customer record contained.
 */
export function escapeFormula(cell: string): string {
  // apostrophes already in front are kept (and one added), so unescapeFormula gives back the original
  return /^'*[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Undoes escapeFormula for showing a value on the page. */
export function unescapeFormula(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

/** Appends row errors to a CSV file as they are found, so a file with a million bad rows costs no memory. */
export class ErrorReportWriter {
  private readonly out: fs.WriteStream;
  count = 0;

  constructor(readonly filePath: string) {
    this.out = fs.createWriteStream(filePath);
    // the byte order mark makes Excel read the report as UTF-8, Cyrillic and Greek included
    this.out.write("\uFEFF" + stringify([REPORT_HEADER]));
  }

  async write(errors: RowError[]): Promise<void> {
    if (errors.length === 0) return;
    this.count += errors.length;
    const lines = stringify(errors.map((e) => [String(e.row), e.column, e.value, e.reason].map(escapeFormula)));
    if (!this.out.write(lines)) await once(this.out, "drain");
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, "close");
  }
}

/** The first errors of a report, for the page; values as they were in the file. */
export async function readReportHead(filePath: string, limit: number): Promise<RowError[]> {
  const errors: RowError[] = [];
  if (!fs.existsSync(filePath)) return errors;
  for await (const { rowNumber, cells } of readCsvRows(filePath, { encoding: "utf-8", delimiter: "," })) {
    if (rowNumber === 1) continue;
    const [row, column, value, reason] = cells.map(unescapeFormula);
    errors.push({ row: Number(row), column, value, reason });
    if (errors.length >= limit) break;
  }
  return errors;
}
