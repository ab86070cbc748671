import fs from "node:fs";
import { pipeline } from "node:stream";
import iconv from "iconv-lite";
import { CsvError, parse } from "csv-parse";
import { MAX_ROW_CHARS, type Delimiter, type Encoding } from "./formats";
import { msg } from "../messages";

/** One record of the file, numbered as a spreadsheet shows it: the header is row 1. */
export interface CsvRow {
  rowNumber: number;
  cells: string[];
}

export interface ReadOptions {
  encoding: Encoding;
  delimiter: Delimiter;
  /** Called as the file is read, with the bytes read so far. */
  onBytes?: (bytesRead: number) => void;
}

/** The file cannot be read as a table from some row on; `message` says where and why. */
export class ImportFileError extends Error {
  constructor(
    readonly rowNumber: number,
    message: string,
  ) {
    super(message);
    this.name = "ImportFileError";
  }
}

function fileErrorOf(error: CsvError): ImportFileError {
  const row = Number(error.records ?? 0) + 1;
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    return new ImportFileError(row, msg("ingest.import.unclosedQuote", { row }));
  }
  if (error.code === "CSV_MAX_RECORD_SIZE") {
    return new ImportFileError(row, msg("ingest.import.rowTooLong", { row, count: MAX_ROW_CHARS }));
  }
  return new ImportFileError(row, msg("ingest.import.rowUnreadable", { row, detail: error.message }));
}

/**
 * Streams the records of a CSV file in its encoding, one at a time: the file is never held whole, so
 * its size does not matter. Blank lines come through as rows with no text, to keep row numbers true.
 */
export async function* readCsvRows(filePath: string, options: ReadOptions): AsyncGenerator<CsvRow> {
  const file = fs.createReadStream(filePath, { highWaterMark: 64 * 1024 });
  const parser = parse({
    delimiter: options.delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_ROW_CHARS,
  });
  const records = pipeline(file, iconv.decodeStream(options.encoding), parser, () => {});
  if (options.onBytes) file.on("data", () => options.onBytes!(file.bytesRead));
  let rowNumber = 0;
  try {
    for await (const cells of records as AsyncIterable<string[]>) {
      rowNumber++;
      yield { rowNumber, cells };
    }
  } catch (error) {
    if (error instanceof CsvError) throw fileErrorOf(error);
    throw error;
  } finally {
    file.destroy();
  }
}

export function isBlankRow(cells: string[]): boolean {
  return cells.every((c) => c.trim() === "");
}

export interface FilePreview {
  header: string[];
  rows: CsvRow[];
  /** Set when the file cannot be read that far. */
  problem: string | null;
}

/** The header and the first rows, for the format and mapping steps. */
export async function previewFile(filePath: string, options: ReadOptions, rowLimit = 10): Promise<FilePreview> {
  const preview: FilePreview = { header: [], rows: [], problem: null };
  try {
    for await (const row of readCsvRows(filePath, options)) {
      if (row.rowNumber === 1) preview.header = row.cells.map((c) => c.trim());
      else if (!isBlankRow(row.cells)) preview.rows.push(row);
      if (preview.rows.length >= rowLimit) break;
    }
  } catch (error) {
    if (!(error instanceof ImportFileError)) throw error;
    preview.problem = error.message;
  }
  return preview;
}
