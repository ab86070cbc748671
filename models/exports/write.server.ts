// An export's rows written as a file, into any writable stream (a download's response, a file on
// disk), a batch at a time and at the pace the stream takes them: CSV by csvLineWriter,
// XLSX through exceljs' streaming workbook writer. Neither holds more than a batch.
import { once } from "node:events";
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { columnHeader, inertCell, type CsvOptions, type ExportColumn, type ExportFormat } from "./columns";
import type { ExportCell } from "./rows.server";

export interface WriteOptions {
  format: ExportFormat;
  columns: ExportColumn[];
  csv: CsvOptions;
  /** Called after each batch with the rows written so far (the job saves its progress). */
  onBatch?: (written: number) => Promise<void> | void;
  /** Stops the writing between batches (the worker is stopping, the download was cancelled). */
  signal?: AbortSignal;
}

/** Writes the header and every row to `out`, ends it, and returns the number of rows written. */
export async function writeExport(rows: AsyncIterable<ExportCell[][]>, out: Writable, options: WriteOptions): Promise<number> {
  return options.format === "xlsx" ? writeXlsx(rows, out, options) : writeCsv(rows, out, options);
}

/**
 * A signal that aborts when `out` fails or closes before it finished: waits for `drain` take it, so
 * they end with the output instead of piling a reaction per wait on one long-lived promise (a race
 * against `finished` at every drain held one object per 16 rows until the end).
 */
function failureSignal(out: Writable): AbortSignal {
  const controller = new AbortController();
  out.once("error", (error) => controller.abort(error));
  out.once("close", () => {
    if (!out.writableFinished) controller.abort(new Error("the output closed before the export was written"));
  });
  return controller.signal;
}

/** Resolves when `out` has taken everything and closed; rejects when it fails or is closed early. */
function whenFinished(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    out.once("error", onError);
    out.once("finish", () => resolve());
    out.once("close", () => (out.writableFinished ? resolve() : reject(new Error("the output closed before the export was written"))));
  });
}

/**
 * One CSV line's text (RFC 4180, CRLF): a text cell is made inert (columns.ts inertCell), then
 * quoted when it holds the delimiter, a quote or a line break; a number is written as it is; an
 * empty cell is nothing.
 */
export function csvLineWriter(delimiter: string): (cells: ExportCell[]) => string {
  const special = new RegExp(`["\\r\\n${delimiter.replace(/[\\^$.*+?()[\]{}|-]/g, "\\$&")}]`);
  const field = (cell: ExportCell): string => {
    if (cell === null || cell === undefined) return "";
    if (typeof cell === "number") return String(cell);
    const text = inertCell(cell);
    return special.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return (cells) => {
    let line = field(cells[0]);
    for (let i = 1; i < cells.length; i++) line += delimiter + field(cells[i]);
    return `${line}\r\n`;
  };
}

// Written here rather than through csv-stringify (decision 0035): its per-row stream machinery was
// two thirds of a million-row export's CPU time (7.2 s of CPU, 105k rows/s against a raw read of
// 323k rows/s, on a quiet machine); a batch's lines joined into one string and written once cost a
// fraction of it. test/exports/files.test.ts reads every file back with csv-parse.
async function writeCsv(rows: AsyncIterable<ExportCell[][]>, out: Writable, options: WriteOptions): Promise<number> {
  const finished = whenFinished(out);
  finished.catch(() => {});
  const failed = failureSignal(out);
  const line = csvLineWriter(options.csv.delimiter);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain", { signal: failed });
  };
  let written = 0;
  await write((options.csv.bom ? "\ufeff" : "") + line(options.columns.map(columnHeader)));
  for await (const batch of rows) {
    let text = "";
    for (const row of batch) text += line(row);
    written += batch.length;
    await write(text);
    if (failed.aborted) throw failed.reason;
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("export stopped");
    await options.onBatch?.(written);
  }
  out.end();
  await finished;
  return written;
}

async function writeXlsx(rows: AsyncIterable<ExportCell[][]>, out: Writable, options: WriteOptions): Promise<number> {
  const finished = whenFinished(out);
  finished.catch(() => {});
  const failed = failureSignal(out);
  // no shared strings table (it would grow with the file) and no styles: every row is flushed as written
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet("Export");
  sheet.addRow(options.columns.map(columnHeader)).commit();
  let written = 0;
  for await (const batch of rows) {
    for (const row of batch) {
      // strings are written as text cells, never formulas; the apostrophe keeps them inert when the
      // sheet is saved again as CSV
      sheet.addRow(row.map((cell) => (typeof cell === "string" ? inertCell(cell) : cell))).commit();
    }
    written += batch.length;
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("export stopped");
    await options.onBatch?.(written);
    // let the zip stream hand what it compressed to the output before the next batch
    if (out.writableNeedDrain) await once(out, "drain", { signal: failed });
    if (failed.aborted) throw failed.reason;
  }
  sheet.commit();
  await workbook.commit();
  await finished;
  return written;
}
