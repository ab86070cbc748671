// An export's rows written as a file, into any writable stream (a download's response, a file on
// disk), a batch at a time and at the pace the stream takes them: CSV through csv-stringify,
// XLSX through exceljs' streaming workbook writer. Neither holds more than a batch.
import { once } from "node:events";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify";
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

async function writeCsv(rows: AsyncIterable<ExportCell[][]>, out: Writable, options: WriteOptions): Promise<number> {
  // escape_formulas is csv-stringify's own form of the rule in columns.ts inertCell: a text cell
  // starting with = + - @, tab or CR (or their full-width forms) gets an apostrophe; numbers do not
  const csv = stringify({ delimiter: options.csv.delimiter, bom: options.csv.bom, escape_formulas: true, record_delimiter: "windows" });
  const finished = whenFinished(out);
  finished.catch(() => {});
  const failed = failureSignal(out);
  // The stringifier makes one small string per row. Handed on one by one, each became a Buffer and
  // an entry of the file's writev (a fifth of an export's time); they are joined per batch instead,
  // and the output's own backpressure is waited for between batches.
  let lines: string[] = [];
  // read as text: otherwise each pushed line becomes a Buffer only to be turned back into text
  csv.setEncoding("utf8");
  csv.on("data", (line: Buffer | string) => lines.push(typeof line === "string" ? line : line.toString("utf8")));
  let stringifyError: Error | null = null;
  csv.once("error", (error) => (stringifyError = error));
  const flush = async () => {
    if (!lines.length) return;
    const text = lines.join("");
    lines = [];
    if (!out.write(text)) await once(out, "drain", { signal: failed });
  };
  let written = 0;
  csv.write(options.columns.map(columnHeader));
  for await (const batch of rows) {
    for (const row of batch) csv.write(row);
    written += batch.length;
    if (stringifyError) throw stringifyError;
    await flush();
    if (failed.aborted) throw failed.reason;
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("export stopped");
    await options.onBatch?.(written);
  }
  csv.end();
  await once(csv, "end");
  await flush();
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
