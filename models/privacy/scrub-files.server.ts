// The files an erased customer's values may be in (docs/decisions/0040, "Files"): CSV import uploads,
// their error reports and CSV exports are rewritten with each value replaced by "[erased]"; XLSX
// exports, which cannot be searched line by line, are deleted and their rows marked expired. It runs
// after the erasure's transaction has committed and never makes the erasure fail: a file it cannot
// rewrite is deleted instead, and one it cannot touch yet (an import or export still writing it) is
// left to the remove-erasure-leftovers job. The values live in memory only: a job that retried the
// rewrite would need them stored, a copy the erasure must not leave, so the job deletes.
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import iconv from "iconv-lite";
import { Op } from "sequelize";
import type { CustomerProfile } from "../customers/profile.server";
import type { Database } from "../db";
import { pruneExpiredExports } from "../exports/exports.server";
import { BUSY_STATUSES, isDelimiter, isEncoding, type ImportStatus } from "../imports/formats";

/** What replaces each erased value in a file. */
export const ERASED_MARK = "[erased]";

/** The values of one erased customer to look for in files, in memory only. */
export interface ErasedValues {
  /** Replaced wherever they stand, as written: the external id, the phone, messenger and Viber ids. */
  exact: string[];
  /** Replaced wherever they stand, in any ASCII letter case: the email (and email channel address), the full name both ways. */
  anyCase: string[];
  /** A cell equal to one of these makes the record the customer's own: the external id, the email, channel addresses other than a phone. */
  identifying: string[];
  /** Replaced as whole cells (any case) in the customer's own records: first and last name, country, city, birthday, custom field values. */
  ownCells: string[];
}

/** The erased customer as it was before the erasure blanked it. */
export type ErasedCustomer = Pick<CustomerProfile, "externalId" | "firstName" | "lastName" | "email" | "phone" | "country" | "city" | "birthday">;

/**
 * The values to look for: `exact` and `anyCase` together are the copies erase.server.ts scrubs from
 * tables (three characters or more, so that a short value does not eat other rows' text); the
 * customer's other values are only replaced inside their own records, where they cannot be anyone
 * else's.
 */
export function erasedValuesOf(
  customer: ErasedCustomer,
  identities: Array<{ channel: string; address: string | null }>,
  fieldValues: Array<{ valueText: string | null; valueNumber: number | null; valueDate: string | null }>,
): ErasedValues {
  const long = (v: string | null | undefined): v is string => typeof v === "string" && v.trim().length >= 3;
  const some = (v: string | null | undefined): v is string => typeof v === "string" && v.trim().length > 0;
  const fullName = [customer.firstName, customer.lastName].filter(Boolean).join(" ");
  const reversedName = [customer.lastName, customer.firstName].filter(Boolean).join(" ");
  const emails = [customer.email, ...identities.filter((i) => i.channel === "email").map((i) => i.address)];
  const others = identities.filter((i) => i.channel !== "email").map((i) => i.address);
  const unique = (values: Array<string | null | undefined>, keep: (v: string | null | undefined) => v is string) => [...new Set(values.filter(keep).map((v) => v.trim()))];
  return {
    exact: unique([customer.externalId, customer.phone, ...others], long),
    anyCase: unique([...emails, fullName, reversedName], long),
    identifying: unique([customer.externalId, ...emails, ...identities.filter((i) => i.channel !== "sms").map((i) => i.address)], some),
    ownCells: unique(
      [
        customer.firstName,
        customer.lastName,
        customer.country,
        customer.city,
        customer.birthday ? String(customer.birthday).slice(0, 10) : null,
        ...fieldValues.flatMap((f) => [f.valueText, f.valueDate ? String(f.valueDate).slice(0, 10) : null, f.valueNumber === null || f.valueNumber === undefined ? null : String(f.valueNumber)]),
      ],
      some,
    ),
  };
}

/** How a CSV file is written: its encoding (one iconv-lite knows) and its delimiter. */
export interface CsvLayout {
  encoding: string;
  delimiter: string;
}

// --- one file ---------------------------------------------------------------------------------

interface Form {
  bytes: Buffer;
  /** Searched in the case-folded copy of the bytes. */
  folded: boolean;
  /** The form starts (ends) with a letter, digit or underscore: a match needs no such character before (after) it. */
  wordStart: boolean;
  wordEnd: boolean;
  /** The form starts (ends) with a digit: a number's decimal point or comma does not end it either. */
  digitStart: boolean;
  digitEnd: boolean;
}

/** The values as the bytes they would be in a file of one layout. */
interface Matcher {
  /** Bytes per code unit: 2 for UTF-16, 1 for UTF-8 and the single-byte code pages. */
  unit: number;
  encoding: string;
  delimiter: Buffer;
  /** Longest first, so that a value inside a longer one does not cut it. */
  forms: Form[];
  /** The forms of the identifying values, to find a record that may be the customer's own quickly. */
  identifyingForms: Form[];
  identifying: Set<string>;
  ownCells: Set<string>;
  mark: Buffer;
  longest: number;
}

const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
const WORD = /^[A-Za-z0-9_]$/;

/** What a value may look like inside a CSV cell: as it is, with its quotes doubled, with the apostrophe that keeps a formula inert in front. */
function csvForms(value: string): string[] {
  const forms = new Set([value, value.replaceAll('"', '""')]);
  if (FORMULA_START.test(value)) for (const f of [...forms]) forms.add(`'${f}`);
  return [...forms];
}

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

function compile(values: ErasedValues, layout: CsvLayout): Matcher {
  const encoding = layout.encoding;
  const unit = /^utf-?16/i.test(encoding) ? 2 : 1;
  // a form the file's encoding cannot spell cannot be in the file
  const encode = (text: string): Buffer | null => {
    const bytes = iconv.encode(text, encoding);
    return iconv.decode(bytes, encoding, { stripBOM: false }) === text ? bytes : null;
  };
  const formsOf = (list: string[], folded: boolean): Form[] =>
    list
      .flatMap(csvForms)
      .map((f) => ({ text: f, bytes: encode(folded ? asciiLower(f) : f) }))
      .filter((f): f is { text: string; bytes: Buffer } => f.bytes !== null && f.bytes.length > 0)
      .map(({ text, bytes }) => {
        const [first, last] = [text[0], text[text.length - 1]];
        return { bytes, folded, wordStart: WORD.test(first), wordEnd: WORD.test(last), digitStart: /\d/.test(first), digitEnd: /\d/.test(last) };
      });
  const forms = [...formsOf(values.exact, false), ...formsOf(values.anyCase, true)].sort((a, b) => b.bytes.length - a.bytes.length);
  const emails = new Set(values.anyCase.map(asciiLower));
  const identifyingForms = [...formsOf(values.identifying.filter((v) => !emails.has(asciiLower(v))), false), ...formsOf(values.identifying.filter((v) => emails.has(asciiLower(v))), true)];
  return {
    unit,
    encoding,
    delimiter: iconv.encode(layout.delimiter, encoding),
    forms,
    identifyingForms,
    // an email is the same address in any case; an external id or a Viber id is not
    identifying: new Set(values.identifying.map((v) => (emails.has(asciiLower(v)) ? `@${asciiLower(v)}` : `=${v}`))),
    ownCells: new Set(values.ownCells.map((v) => v.toLowerCase())),
    mark: iconv.encode(ERASED_MARK, encoding),
    longest: Math.max(unit, ...forms.map((f) => f.bytes.length), ...identifyingForms.map((f) => f.bytes.length)),
  };
}

/** A copy with ASCII capitals made small: for UTF-16 only in code units whose high byte is zero. Offsets stay the same. */
function fold(bytes: Buffer, unit: number): Buffer {
  const out = Buffer.alloc(bytes.length);
  bytes.copy(out);
  let i = 0;
  if (unit === 1) {
    // four bytes at a time: a byte below 0x80 that is at least "A" and not past "Z" gets 0x20 added
    const words = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      const low = word & 0x7f7f7f7f;
      const capitals = (low + 0x3f3f3f3f) & ~(low + 0x25252525) & ~word & 0x80808080;
      if (capitals) words[w] = word | (capitals >>> 2);
    }
    i = words.length * 4;
  }
  for (; i < out.length; i += unit) {
    const b = out[i];
    if (b >= 0x41 && b <= 0x5a && (unit === 1 || out[i + 1] === 0)) out[i] = b + 0x20;
  }
  return out;
}

const needsFold = (forms: Form[]) => forms.some((f) => f.folded);

/** The ASCII byte of the code unit at `at`, or -1 (outside the bytes, or not ASCII). */
function asciiAt(bytes: Buffer, at: number, unit: number): number {
  if (at < 0 || at + unit > bytes.length || (unit === 2 && bytes[at + 1] !== 0)) return -1;
  return bytes[at] < 0x80 ? bytes[at] : -1;
}

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isWordByte = (b: number) => isDigit(b) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;

/**
 * Whether the text goes on as one word from the code unit at `at` (away from the match, in
 * `step`): a letter, digit or underscore; after a digit, also a decimal point or comma before a
 * digit (1234 is not in 1234.50).
 */
function wordGoesOn(bytes: Buffer, at: number, step: number, unit: number, digitEdge: boolean): boolean {
  const b = asciiAt(bytes, at, unit);
  if (isWordByte(b)) return true;
  return digitEdge && (b === 0x2e || b === 0x2c) && isDigit(asciiAt(bytes, at + step, unit));
}

/**
 * Where the forms are in `bytes`, at code-unit boundaries, starting before `before`: longer forms
 * first, never two overlapping, in order. With `whole`, a form that starts or ends with a letter or
 * digit counts only where no letter or digit goes on past it: an external id 1234 is not in the
 * phone +35988123456 nor in B-12345, an email not inside a longer one.
 */
function findForms(bytes: Buffer, forms: Form[], unit: number, options: { before?: number; first?: boolean; whole?: boolean } = {}): Array<[number, number]> {
  const before = options.before ?? bytes.length;
  const folded = needsFold(forms) ? fold(bytes, unit) : bytes;
  const found: Array<[number, number]> = [];
  // bytes taken by a match: forms come longest first, so one overlapping a taken match has its first or last byte in it
  const taken = options.first ? null : new Uint8Array(bytes.length);
  for (const form of forms) {
    const hay = form.folded ? folded : bytes;
    for (let at = hay.indexOf(form.bytes); at >= 0 && at < before; at = hay.indexOf(form.bytes, at + 1)) {
      const end = at + form.bytes.length;
      if (at % unit !== 0 || (taken && (taken[at] || taken[end - 1]))) continue;
      if (options.whole && ((form.wordStart && wordGoesOn(bytes, at - unit, -unit, unit, form.digitStart)) || (form.wordEnd && wordGoesOn(bytes, end, unit, unit, form.digitEnd)))) continue;
      found.push([at, end]);
      if (!taken) return found;
      taken.fill(1, at, end);
    }
  }
  return found.sort((a, b) => a[0] - b[0]);
}

/** `bytes` with the given ranges (in order, apart) replaced by `by`. */
function spliced(bytes: Buffer, ranges: Array<[number, number]>, by: Buffer | Buffer[], end = bytes.length): Buffer {
  if (ranges.length === 0) return end === bytes.length ? bytes : bytes.subarray(0, end);
  const parts: Buffer[] = [];
  let from = 0;
  ranges.forEach(([s, e], i) => {
    parts.push(bytes.subarray(from, s), Array.isArray(by) ? by[i] : by);
    from = e;
  });
  parts.push(bytes.subarray(from, end));
  return Buffer.concat(parts);
}

/**
 * Replaces every form in `bytes` by the mark. With `before`, only matches that start before it are
 * replaced; `end` then says where the output stops (past `before` when the last match it replaced
 * goes on), so that a value cut by the boundary is replaced whole now and not seen again next time.
 */
function replaceForms(bytes: Buffer, m: Matcher, before = bytes.length): { out: Buffer; end: number; count: number } {
  const found = findForms(bytes, m.forms, m.unit, { before, whole: true });
  const end = Math.max(before, ...found.map(([, e]) => e));
  return { out: spliced(bytes, found, m.mark, end), end, count: found.length };
}

const isUnit = (bytes: Buffer, at: number, byte: number, unit: number) => bytes[at] === byte && (unit === 1 || bytes[at + 1] === 0);

/** The next whole code unit `byte` at or after `from`, at a unit boundary; -1 when there is none. */
function nextUnit(bytes: Buffer, byte: number, from: number, unit: number): number {
  let at = bytes.indexOf(byte, from);
  while (at >= 0 && (at % unit !== 0 || !isUnit(bytes, at, byte, unit))) at = bytes.indexOf(byte, at + 1);
  return at;
}

const QUOTE = 0x22;
const NEWLINE = 0x0a;
const CR = 0x0d;

/** Whether the delimiter ends just before `at`. */
const afterDelimiter = (bytes: Buffer, at: number, delimiter: Buffer) => at >= delimiter.length && bytes.subarray(at - delimiter.length, at).equals(delimiter);

/**
 * The cells of one record as [start, end) byte ranges, its line break left out. Quotes are read as
 * the import reads them (csv-parse with relax_quotes): a quote opens a quoted cell only at the
 * start of a cell, and inside one a doubled quote is a quote.
 */
function cellRanges(record: Buffer, m: Matcher): Array<[number, number]> {
  const { unit, delimiter } = m;
  let stop = record.length;
  if (stop >= unit && isUnit(record, stop - unit, NEWLINE, unit)) stop -= unit;
  if (stop >= unit && isUnit(record, stop - unit, CR, unit)) stop -= unit;
  const ranges: Array<[number, number]> = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < stop; ) {
    if (quoted) {
      if (isUnit(record, i, QUOTE, unit)) {
        if (isUnit(record, i + unit, QUOTE, unit)) i += unit;
        else quoted = false;
      }
      i += unit;
    } else if (isUnit(record, i, QUOTE, unit) && i === start) {
      quoted = true;
      i += unit;
    } else if (record.subarray(i, i + delimiter.length).equals(delimiter)) {
      ranges.push([start, i]);
      i += delimiter.length;
      start = i;
    } else i += unit;
  }
  ranges.push([start, stop]);
  return ranges;
}

/** A cell's value as the app would compare it: unquoted, trimmed, without the apostrophe that keeps a formula inert. */
function cellText(raw: Buffer, encoding: string): string {
  let text = iconv.decode(raw, encoding).trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).replaceAll('""', '"').trim();
  if (text.startsWith("'") && FORMULA_START.test(text.slice(1))) text = text.slice(1);
  return text;
}

/** The customer's own record (a cell is their external id, email or channel address) with that cell and every cell that is one of their other values made the mark; null for anyone else's. */
function ownRecord(record: Buffer, m: Matcher): { out: Buffer; count: number } | null {
  const ranges = cellRanges(record, m);
  const texts = ranges.map(([s, e]) => cellText(record.subarray(s, e), m.encoding));
  const identifies = (t: string) => m.identifying.has(`=${t}`) || m.identifying.has(`@${asciiLower(t)}`);
  if (!texts.some(identifies)) return null;
  const own = ranges.filter((_, i) => m.ownCells.has(texts[i].toLowerCase()) || identifies(texts[i]));
  return { out: spliced(record, own, m.mark), count: own.length };
}

/** Beyond this many bytes without the end of a record (a quote never closed), the record is written on in parts. */
const MAX_PENDING = 8 * 1024 * 1024;

/**
 * Cuts the bytes into records as they come (a line, or several when a quoted cell holds line
 * breaks) and writes the complete ones of each chunk at once: in the customer's own records their
 * other values go cell by cell, then their values go wherever they stand. Memory holds a chunk and
 * the record under way, at most MAX_PENDING bytes.
 */
class RecordRewriter extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Where the search for record ends goes on in `pending`, and whether that is inside quotes. */
  private scanned = 0;
  private quoted = false;
  /** The record under way had its start written already (it was too long): it is nobody's own record. */
  private cut = false;
  count = 0;

  constructor(private readonly m: Matcher) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    try {
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      this.rewrite(false);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: (error?: Error | null) => void): void {
    try {
      this.rewrite(true);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private rewrite(atEnd: boolean): void {
    const { unit } = this.m;
    const p = this.pending;
    const ends: number[] = [];
    let i = this.scanned;
    // the next quote, line feed and carriage return from i; each looked for again only once passed
    let quote = nextUnit(p, QUOTE, i, unit);
    let lf = nextUnit(p, NEWLINE, i, unit);
    let cr = nextUnit(p, CR, i, unit);
    const advance = (to: number) => {
      i = to;
      if (quote >= 0 && quote < i) quote = nextUnit(p, QUOTE, i, unit);
      if (lf >= 0 && lf < i) lf = nextUnit(p, NEWLINE, i, unit);
      if (cr >= 0 && cr < i) cr = nextUnit(p, CR, i, unit);
    };
    /** Where to go on from next time when a carriage return ends the bytes (a line feed may follow). */
    let resume = -1;
    // where the record under way starts: a quote there opens a quoted cell (unknown after a cut)
    let recordStart = this.cut ? -1 : 0;
    for (;;) {
      if (this.quoted) {
        if (quote < 0) break;
        if (quote + 2 * unit > p.length && !atEnd) {
          // a doubled quote or the closing one: the next unit says
          resume = quote;
          break;
        }
        const doubled = isUnit(p, quote + unit, QUOTE, unit);
        if (!doubled) this.quoted = false;
        advance(quote + (doubled ? 2 : 1) * unit);
        continue;
      }
      // a record ends at a line feed, a CR LF, or a carriage return alone (old Mac files, which the import reads too)
      const lineBreak = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      if (lineBreak >= 0 && (quote < 0 || lineBreak < quote)) {
        let end = lineBreak + unit;
        if (lineBreak === cr) {
          if (lineBreak + 2 * unit > p.length) {
            if (!atEnd) {
              resume = lineBreak;
              break;
            }
          } else if (isUnit(p, lineBreak + unit, NEWLINE, unit)) end += unit;
        }
        ends.push(end);
        recordStart = end;
        advance(end);
      } else if (quote >= 0) {
        // a quote inside a cell is text, as the import reads it
        if (quote === recordStart || afterDelimiter(p, quote, this.m.delimiter)) this.quoted = true;
        advance(quote + unit);
      } else break;
    }
    if (atEnd && (ends.length === 0 || ends[ends.length - 1] < p.length)) ends.push(p.length);
    const blockEnd = ends.length ? ends[ends.length - 1] : 0;
    if (blockEnd > 0) {
      this.push(this.rewriteBlock(p.subarray(0, blockEnd), ends, this.cut));
      this.cut = false;
    }
    this.pending = p.subarray(blockEnd);
    // nothing more to find before the end (but an odd byte of a UTF-16 unit, which waits for its pair)
    this.scanned = (resume >= 0 ? resume : Math.max(i, p.length - ((p.length - blockEnd) % unit))) - blockEnd;
    if (!atEnd && this.pending.length > MAX_PENDING) {
      const keep = this.m.longest + (this.m.longest % unit);
      const replaced = replaceForms(this.pending, this.m, this.pending.length - keep);
      this.push(replaced.out);
      this.count += replaced.count;
      this.pending = this.pending.subarray(replaced.end);
      this.scanned = Math.max(0, this.scanned - replaced.end);
      this.cut = true;
    }
  }

  /** Complete records (`ends` are their ends): the customer's own ones first, then every copy of the values. */
  private rewriteBlock(block: Buffer, ends: number[], firstIsCut: boolean): Buffer {
    let bytes = block;
    if (this.m.identifying.size > 0) {
      const records = new Set<number>();
      for (const [at] of findForms(block, this.m.identifyingForms, this.m.unit)) {
        // the record holding the hit: the first whose end is past it
        let lo = 0;
        let hi = ends.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (ends[mid] > at) hi = mid;
          else lo = mid + 1;
        }
        if (!(lo === 0 && firstIsCut)) records.add(lo);
      }
      const ranges: Array<[number, number]> = [];
      const outs: Buffer[] = [];
      for (const r of [...records].sort((a, b) => a - b)) {
        const range: [number, number] = [r === 0 ? 0 : ends[r - 1], ends[r]];
        const own = ownRecord(block.subarray(...range), this.m);
        if (!own || own.count === 0) continue;
        ranges.push(range);
        outs.push(own.out);
        this.count += own.count;
      }
      bytes = spliced(block, ranges, outs);
    }
    const replaced = replaceForms(bytes, this.m);
    this.count += replaced.count;
    return replaced.out;
  }
}

/** Whether any form is in `bytes`. */
const holdsAny = (bytes: Buffer, forms: Form[], unit: number) => findForms(bytes, forms, unit, { first: true }).length > 0;

/** Whether the file holds any of the values (a read, no write): most files do not and are left as they are. */
async function fileHolds(filePath: string, m: Matcher): Promise<boolean> {
  const stream = fs.createReadStream(filePath, { highWaterMark: 256 * 1024 });
  let tail: Buffer = Buffer.alloc(0);
  let offset = 0;
  // a form that holds another is found through that one; an identifying value too short to be replaced everywhere still marks the customer's own record
  const all = [...m.forms, ...m.identifyingForms];
  const shortest = all.filter((f) => !all.some((g) => g !== f && g.bytes.length < f.bytes.length && (g.folded || !f.folded) && (g.folded ? fold(f.bytes, m.unit) : f.bytes).includes(g.bytes)));
  if (shortest.length === 0) return false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const bytes = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      const base = offset - tail.length;
      // the search must start on a code unit: drop a leading odd byte
      const skip = base % m.unit;
      if (holdsAny(bytes.subarray(skip), shortest, m.unit)) return true;
      offset += chunk.length;
      tail = bytes.subarray(Math.max(0, bytes.length - m.longest));
    }
    return false;
  } finally {
    stream.destroy();
  }
}

/**
 * Rewrites one CSV file without the values, in its own encoding and byte for byte elsewhere:
 * streamed into a temporary file beside it, flushed, then renamed over it (atomic). A file that
 * holds none of the values is not touched. Returns whether it changed, and its new size.
 */
export async function scrubCsvFile(filePath: string, values: ErasedValues, layout: CsvLayout): Promise<{ changed: boolean; replaced: number; size: number }> {
  const m = compile(values, layout);
  for (let attempt = 1; ; attempt++) {
    const before = await fsp.stat(filePath);
    if (!(await fileHolds(filePath, m))) return { changed: false, replaced: 0, size: before.size };
    const temporary = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${crypto.randomBytes(6).toString("hex")}.scrub`);
    const rewriter = new RecordRewriter(m);
    try {
      await pipeline(fs.createReadStream(filePath, { highWaterMark: 256 * 1024 }), rewriter, fs.createWriteStream(temporary, { flags: "wx", mode: 0o600 }));
      // a short external id found only inside other text: nothing to replace, the file stays
      if (rewriter.count === 0) {
        await fsp.rm(temporary, { force: true });
        return { changed: false, replaced: 0, size: before.size };
      }
      const handle = await fsp.open(temporary, "r+");
      try {
        await handle.chmod(before.mode & 0o777);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      // another erasure (another process) rewrote it meanwhile: this copy would bring back what that one took out
      const now = await fsp.stat(filePath);
      if (now.ino !== before.ino || now.mtimeMs !== before.mtimeMs || now.size !== before.size) {
        await fsp.rm(temporary, { force: true });
        if (attempt < 3) continue;
        throw new Error("the file kept changing while it was being rewritten");
      }
      await fsp.rename(temporary, filePath);
    } catch (error) {
      await fsp.rm(temporary, { force: true });
      throw error;
    }
    return { changed: true, replaced: rewriter.count, size: (await fsp.stat(filePath)).size };
  }
}

// --- the store's files ------------------------------------------------------------------------

/** A stored file by what it belongs to; the job that removes leftovers gets these (no values). */
export interface StoredFile {
  kind: "import-upload" | "import-report" | "export";
  /** The import's or the export's id. */
  id: number;
  path: string;
}

export interface ScrubLog {
  info(detail: object, message: string): void;
  warn(detail: object, message: string): void;
  error(detail: object, message: string): void;
}

export interface FileScrubDeps {
  log: ScrubLog;
  /** Saves the job that removes the files not dealt with here (in use, or failed); absent, they are only logged. */
  enqueueLeftovers?: (files: StoredFile[], now: Date) => Promise<unknown>;
}

export interface FileScrubReport {
  /** Files rewritten without the values. */
  scrubbed: number;
  /** Files deleted: XLSX exports, past-expiry exports, files that could not be rewritten. */
  deleted: number;
  /** Files left to the job: in use by an import or export under way, or not deletable now. */
  leftovers: number;
}

const isBusy = (status: string) => (BUSY_STATUSES as readonly string[]).includes(status as ImportStatus);
const missing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";

/**
 * Scrubs every stored file of the erased customer's values. Never throws: what fails is logged by
 * the file's kind and id (never a value) and deleted, or left to the job.
 */
export function scrubStoredFiles(db: Database, values: ErasedValues, now: Date, deps: FileScrubDeps & { customerId?: number }): Promise<FileScrubReport> {
  // one erasure's files at a time in a process: two rewriting one file at once would each bring back what the other took out
  const run = scrubbing.then(() => scrubAll(db, values, now, deps));
  scrubbing = run.catch(() => undefined);
  return run;
}

let scrubbing: Promise<unknown> = Promise.resolve();

async function scrubAll(db: Database, values: ErasedValues, now: Date, deps: FileScrubDeps & { customerId?: number }): Promise<FileScrubReport> {
  const report: FileScrubReport = { scrubbed: 0, deleted: 0, leftovers: 0 };
  const leftovers: StoredFile[] = [];
  const failed = async (file: StoredFile, error: unknown) => {
    deps.log.warn({ file: { kind: file.kind, id: file.id }, err: errorText(error) }, "an erased customer's file could not be rewritten: it is deleted");
    const left = await removeErasureLeftovers(db, [file], now).catch(() => [file]);
    if (left.length) leftovers.push(...left);
    else report.deleted++;
  };
  try {
    // files past their expiry are deleted now rather than at the next hourly prune
    report.deleted += await pruneExpiredExports(db, now);

    const imports = await db.models.Import.findAll({ attributes: ["id", "filePath", "errorReportPath", "encoding", "delimiter", "status"], order: [["id", "ASC"]], raw: true });
    for (const row of imports) {
      const upload: StoredFile = { kind: "import-upload", id: row.id, path: row.filePath };
      try {
        const layout = { encoding: isEncoding(row.encoding) ? row.encoding : "utf-8", delimiter: isDelimiter(row.delimiter) ? row.delimiter : "," };
        // a run under way reads the file it opened; the rename leaves that one to it
        const done = await scrubCsvFile(row.filePath, values, layout);
        if (done.changed) {
          report.scrubbed++;
          if (!isBusy(row.status)) await db.models.Import.update({ fileSize: done.size }, { where: { id: row.id }, silent: true });
        }
      } catch (error) {
        if (!missing(error)) await failed(upload, error);
      }
      if (!row.errorReportPath) continue;
      const errors: StoredFile = { kind: "import-report", id: row.id, path: row.errorReportPath };
      // a run under way is writing its report: it goes once the run ends
      if (isBusy(row.status)) {
        leftovers.push(errors);
        continue;
      }
      try {
        if ((await scrubCsvFile(row.errorReportPath, values, { encoding: "utf-8", delimiter: "," })).changed) report.scrubbed++;
      } catch (error) {
        if (!missing(error)) await failed(errors, error);
      }
    }

    const exports = await db.models.Export.findAll({
      attributes: ["id", "status", "format", "options", "filePath"],
      where: { status: { [Op.in]: ["done", "running"] }, filePath: { [Op.not]: null } },
      order: [["id", "ASC"]],
      raw: true,
    });
    for (const row of exports) {
      const file: StoredFile = { kind: "export", id: row.id, path: row.filePath! };
      // an export being written may hold rows read before the erasure: it goes once written
      if (row.status === "running") {
        leftovers.push(file);
        continue;
      }
      try {
        if (row.format !== "csv") {
          // an XLSX file is a zip: it cannot be searched line by line, so it goes (the download then says expired)
          if ((await removeErasureLeftovers(db, [file], now)).length) leftovers.push(file);
          else report.deleted++;
          continue;
        }
        const delimiter = (JSON.parse(row.options) as { delimiter?: string }).delimiter || ",";
        const done = await scrubCsvFile(file.path, values, { encoding: "utf-8", delimiter });
        if (!done.changed) continue;
        report.scrubbed++;
        // the hourly prune may have deleted it meanwhile: then the rename brought back a file no row names
        const [kept] = await db.models.Export.update({ fileSize: done.size }, { where: { id: row.id, status: "done", filePath: file.path }, silent: true });
        if (!kept) await fsp.rm(file.path, { force: true });
      } catch (error) {
        if (!missing(error)) await failed(file, error);
      }
    }
  } catch (error) {
    deps.log.error({ customerId: deps.customerId, err: errorText(error) }, "the erased customer's files could not all be looked at");
  }

  report.leftovers = leftovers.length;
  if (leftovers.length) {
    const ids = leftovers.map((f) => ({ kind: f.kind, id: f.id }));
    try {
      if (!deps.enqueueLeftovers) throw new Error("no job queue to remove them");
      await deps.enqueueLeftovers(leftovers, now);
      deps.log.info({ customerId: deps.customerId, files: ids }, "files of an erased customer in use: a job removes them");
    } catch (error) {
      deps.log.error({ customerId: deps.customerId, files: ids, err: errorText(error) }, "files of an erased customer may still hold their values and no job removes them");
    }
  }
  deps.log.info({ customerId: deps.customerId, ...report }, "an erased customer's files scrubbed");
  return report;
}

/** An error's message, which for a file is its code and path: never a value. */
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Deletes files that may still hold an erased customer's values (what the job does): an import's
 * upload (its page then asks for the file again) or error report (the row forgets it), an export's
 * file (the row is marked expired, as at its expiry). A file still being written by an import or an
 * export under way is kept; those are returned, for later.
 */
export async function removeErasureLeftovers(db: Database, files: StoredFile[], now: Date): Promise<StoredFile[]> {
  const later: StoredFile[] = [];
  for (const file of files) {
    if (file.kind === "export") {
      const row = await db.models.Export.findByPk(file.id, { attributes: ["id", "status", "filePath"], raw: true });
      if (row && (row.status === "running" || row.status === "queued") && row.filePath === file.path) {
        later.push(file);
        continue;
      }
      await fsp.rm(file.path, { force: true });
      if (row && row.filePath === file.path) await db.models.Export.update({ status: "expired", filePath: null, updatedAt: now }, { where: { id: file.id, status: { [Op.in]: ["done", "failed", "expired"] } } });
      continue;
    }
    const row = await db.models.Import.findByPk(file.id, { attributes: ["id", "status", "errorReportPath"], raw: true });
    if (file.kind === "import-report" && row && isBusy(row.status)) {
      later.push(file);
      continue;
    }
    await fsp.rm(file.path, { force: true });
    if (file.kind === "import-report" && row?.errorReportPath === file.path) {
      await db.models.Import.update({ errorReportPath: null }, { where: { id: file.id, errorReportPath: file.path }, silent: true });
    }
  }
  return later;
}
