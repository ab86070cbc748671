import fs from "node:fs/promises";
import chardet from "chardet";
import iconv from "iconv-lite";
import { parse } from "csv-parse/sync";
import { DELIMITERS, type Delimiter, type Encoding } from "./formats";

/** How much of a file is read to guess its format. */
export const SAMPLE_BYTES = 64 * 1024;

export type FileProblem = "empty" | "spreadsheet" | "binary";

export type FileInspection = { ok: true; encoding: Encoding; delimiter: Delimiter } | { ok: false; problem: FileProblem };

/** Reads the start of an uploaded file and guesses how to read it, or says why it is not a CSV. */
export async function inspectFile(filePath: string): Promise<FileInspection> {
  const sample = await readSample(filePath);
  const problem = problemOf(sample);
  if (problem) return { ok: false, problem };
  const encoding = sniffEncoding(sample);
  return { ok: true, encoding, delimiter: sniffDelimiter(decodeSample(sample, encoding)) };
}

export async function readSample(filePath: string, bytes = SAMPLE_BYTES): Promise<Buffer> {
  const handle = await fs.open(filePath, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const startsWith = (sample: Buffer, ...bytes: number[]) => bytes.every((b, i) => sample[i] === b);

/** Why these first bytes are not a text table we can read, or null when they may be one. */
export function problemOf(sample: Buffer): FileProblem | null {
  if (sample.length === 0 || (sample.length <= 3 && startsWith(sample, 0xef, 0xbb, 0xbf))) return "empty";
  // .xlsx (a zip) and .xls (OLE2): people upload the workbook instead of a CSV saved from it
  if (startsWith(sample, 0x50, 0x4b, 0x03, 0x04) || startsWith(sample, 0xd0, 0xcf, 0x11, 0xe0)) return "spreadsheet";
  if (startsWith(sample, 0xff, 0xfe)) return null;
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return "binary";
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  }
  return control > sample.length / 100 ? "binary" : null;
}

/**
 * UTF-8 (with or without a byte order mark) when the bytes are valid UTF-8, UTF-16 by its mark (Excel's
 * "Unicode text"), and otherwise the single-byte code page of an old Excel export.
 */
export function sniffEncoding(sample: Buffer): Encoding {
  if (startsWith(sample, 0xff, 0xfe)) return "utf-16le";
  if (startsWith(sample, 0xef, 0xbb, 0xbf) || isUtf8(sample)) return "utf-8";
  const ranked = chardet.analyse(sample).map((m) => m.name.toLowerCase());
  const cyrillic = ranked.findIndex((n) => n === "windows-1251" || n === "koi8-r" || n === "iso-8859-5");
  const greek = ranked.findIndex((n) => n === "iso-8859-7" || n === "windows-1253");
  if (greek >= 0 && (cyrillic < 0 || greek < cyrillic)) return "windows-1253";
  if (cyrillic >= 0) return "windows-1251";
  // chardet calls short Cyrillic samples Latin; whole words of high bytes are not a Latin language
  return highBytesComeInWords(sample) ? "windows-1251" : "windows-1252";
}

function isUtf8(sample: Buffer): boolean {
  try {
    // `stream` tolerates a character cut in two at the end of the sample
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function highBytesComeInWords(sample: Buffer): boolean {
  let high = 0;
  let besideHigh = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] < 0x80) continue;
    high++;
    if ((sample[i - 1] ?? 0) >= 0x80 || (sample[i + 1] ?? 0) >= 0x80) besideHigh++;
  }
  return high > 0 && besideHigh / high > 0.6;
}

export function decodeSample(sample: Buffer, encoding: Encoding): string {
  return iconv.decode(sample, encoding);
}

/**
 * The delimiter that splits the first lines into the same number of cells as the header, with more
 * than one cell. Quotes are respected: a comma inside "Sofia, Vitosha 1" does not count, and a
 * delimiter that would cut a quoted cell in two loses to one that reads every quote cleanly.
 */
export function sniffDelimiter(text: string): Delimiter {
  const lastBreak = text.lastIndexOf("\n");
  const lines = (lastBreak > 0 ? text.slice(0, lastBreak) : text).split("\n").slice(0, 50).join("\n");
  let best: { delimiter: Delimiter; score: number } = { delimiter: ",", score: 0 };
  for (const delimiter of DELIMITERS) {
    const strict = cellCounts(lines, delimiter, false);
    const counts = strict ?? cellCounts(lines, delimiter, true) ?? [];
    if (counts.length === 0 || counts[0] < 2) continue;
    const same = counts.filter((c) => c === counts[0]).length / counts.length;
    const score = (strict ? 10_000 : 0) + same * 1000 + counts[0];
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

function cellCounts(text: string, delimiter: Delimiter, relaxQuotes: boolean): number[] | null {
  try {
    const records: string[][] = parse(text, { delimiter, relax_quotes: relaxQuotes, relax_column_count: true, skip_empty_lines: true, bom: true });
    return records.map((r) => r.length);
  } catch {
    // a quoted cell cut off by the end of the sample: judge by the lines before it
    const shorter = text.split("\n").slice(0, -1).join("\n");
    return shorter && shorter !== text && shorter.split("\n").length > 1 ? cellCounts(shorter, delimiter, relaxQuotes) : null;
  }
}
