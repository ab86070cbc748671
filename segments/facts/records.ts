// The text format SQLite hands the fact index its rows in (see streamRecords): records end with a
// newline, fields end with "|", a list field's items are separated by "," and a pair's halves by
// ":". Numbers are written as SQLite writes them (round-trip exact), an empty field is NULL, text is
// JSON-quoted (json_quote: "null" for NULL), so no value can contain a separator outside quotes.

const NEWLINE = 10;
const BAR = 124;
const COMMA = 44;
const COLON = 58;
const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;

/** Reads the fields of a text of records in order; each method consumes one field and its separator. */
export class RecordReader {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** Whether another record follows. */
  get more(): boolean {
    return this.pos < this.text.length;
  }

  /** The next field as a number, or null when it is empty. */
  number(): number | null {
    const value = this.value();
    this.separator();
    return value;
  }

  /** The next field, JSON-quoted text or `null`. */
  string(): string | null {
    const text = this.text;
    const start = this.pos;
    let value: string | null;
    if (text.charCodeAt(start) === QUOTE) {
      let i = start + 1;
      let escaped = false;
      for (;;) {
        if (i >= text.length) throw this.error("an unterminated string");
        const c = text.charCodeAt(i);
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          escaped = true;
          i++;
        }
        i++;
      }
      value = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      this.pos = i + 1;
    } else if (text.startsWith("null", start)) {
      value = null;
      this.pos = start + 4;
    } else if (this.atSeparator()) {
      value = null;
    } else throw this.error("a string");
    this.separator();
    return value;
  }

  /** Each number of a list field ("3,17,-2"; empty: none). */
  list(each: (n: number) => void): void {
    while (!this.atSeparator()) {
      each(this.value()!);
      if (this.text.charCodeAt(this.pos) === COMMA) this.pos++;
    }
    this.separator();
  }

  /** Each pair of a list field of pairs ("1700000000:2599,1700100000:1200"). */
  pairs(each: (a: number, b: number) => void): void {
    while (!this.atSeparator()) {
      const a = this.value()!;
      if (this.text.charCodeAt(this.pos) !== COLON) throw this.error("a pair");
      this.pos++;
      each(a, this.value()!);
      if (this.text.charCodeAt(this.pos) === COMMA) this.pos++;
    }
    this.separator();
  }

  /** A number up to the next separator of any kind; null when there is none. */
  private value(): number | null {
    const text = this.text;
    const start = this.pos;
    let i = start;
    let n = 0;
    let plain = true;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === BAR || c === NEWLINE || c === COMMA || c === COLON) break;
      if (c >= 48 && c <= 57) n = n * 10 + (c - 48);
      else if (!(c === MINUS && i === start)) plain = false;
    }
    this.pos = i;
    if (i === start) return null;
    // integers below 2^53 exactly by digits; fractions and exponents ("1.0e+20") by Number
    if (plain && i - start < 16) {
      if (text.charCodeAt(start) !== MINUS) return n;
      if (i - start > 1) return -n;
    }
    const parsed = Number(text.slice(start, i));
    if (Number.isNaN(parsed)) throw this.error("a number");
    return parsed;
  }

  private atSeparator(): boolean {
    if (this.pos >= this.text.length) return true;
    const c = this.text.charCodeAt(this.pos);
    return c === BAR || c === NEWLINE;
  }

  private separator(): void {
    if (this.pos >= this.text.length) return;
    const c = this.text.charCodeAt(this.pos);
    if (c !== BAR && c !== NEWLINE) throw this.error("the end of a field");
    this.pos++;
  }

  private error(what: string): Error {
    return new Error(`fact records: expected ${what} at ${this.pos}: ${JSON.stringify(this.text.slice(Math.max(0, this.pos - 20), this.pos + 20))}`);
  }
}
