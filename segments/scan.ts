// Tight loops from fact-index columns to bitsets. A criterion's bitset is a pass over a million
// slots: these loops read typed arrays and lookup tables and set words directly, with no call or
// allocation per slot (a closure and a subarray per slot made a four-criterion preview ~20× slower).
import { Bitset } from "./bitset";
import { NO_CODE, NO_DAY, type ListColumn } from "./facts/fact-index";
import { dayOfPlainDate, monthDayOfDay } from "./time";

const TABLE_FROM = dayOfPlainDate("1900-01-01");
const TABLE_TO = dayOfPlainDate("2100-12-31");
let table: Uint16Array | undefined;

/** month × 100 + day of every epoch day from 1900 to 2100. */
export function monthDayTable(): Uint16Array {
  if (!table) {
    table = new Uint16Array(TABLE_TO - TABLE_FROM + 1);
    for (let d = TABLE_FROM; d <= TABLE_TO; d++) table[d - TABLE_FROM] = monthDayOfDay(d);
  }
  return table;
}

/** month × 100 + day of an epoch day. */
export function monthDay(day: number): number {
  return day >= TABLE_FROM && day <= TABLE_TO ? monthDayTable()[day - TABLE_FROM] : monthDayOfDay(day);
}

/** A compiled date condition: an inclusive range of days, or the days of the year it accepts. */
export type DayMatch = { lo: number; hi: number; yearly?: undefined } | { yearly: Uint8Array; lo?: undefined; hi?: undefined };

export function dayMatches(m: DayMatch, d: number): boolean {
  if (d === NO_DAY) return false;
  return m.yearly ? m.yearly[monthDay(d)] === 1 : d >= m.lo! && d <= m.hi!;
}

// The loops below build each 32-bit word in a local without branches, then store it once.

/** Slots whose day column matches. */
export function dayBits(column: Int32Array, size: number, m: DayMatch): Bitset {
  const out = new Bitset(size);
  const w = out.words;
  if (m.yearly) {
    const t = monthDayTable();
    // a yearly match keyed by day: day − TABLE_FROM → 0/1, with NO_DAY and days outside the table handled apart
    const hits = new Uint8Array(t.length);
    for (let i = 0; i < t.length; i++) hits[i] = m.yearly[t[i]];
    for (let i = 0; i < w.length; i++) {
      const base = i << 5;
      const end = Math.min(32, size - base);
      let bits = 0;
      for (let b = 0; b < end; b++) {
        const d = column[base + b];
        const k = d - TABLE_FROM;
        if (k >= 0 && k < hits.length) bits |= hits[k] << b;
        else if (d !== NO_DAY && m.yearly[monthDayOfDay(d)] === 1) bits |= 1 << b;
      }
      w[i] = bits;
    }
  } else {
    const lo = Math.max(m.lo!, NO_DAY + 1);
    const hi = m.hi!;
    for (let i = 0; i < w.length; i++) {
      const base = i << 5;
      const end = Math.min(32, size - base);
      let bits = 0;
      for (let b = 0; b < end; b++) {
        const d = column[base + b];
        bits |= (((d >= lo) as unknown as number) & ((d <= hi) as unknown as number)) << b;
      }
      w[i] = bits;
    }
  }
  return out;
}

/** Slots whose number lies in [lo, hi] (NaN never does). */
export function rangeBits(column: Float64Array | Int32Array, size: number, lo: number, hi: number): Bitset {
  const out = new Bitset(size);
  const w = out.words;
  for (let i = 0; i < w.length; i++) {
    const base = i << 5;
    const end = Math.min(32, size - base);
    let bits = 0;
    for (let b = 0; b < end; b++) {
      const v = column[base + b];
      bits |= (((v >= lo) as unknown as number) & ((v <= hi) as unknown as number)) << b;
    }
    w[i] = bits;
  }
  return out;
}

/**
 * A lookup for codeBits: entry code + 1 says whether a code passes. `pass[code]` for the codes it
 * lists, `none` for NO_CODE (−1), `other` for the rest of the `codeCount` codes the column can hold.
 */
export function passLookup(pass: Uint8Array, none: boolean, other: boolean, codeCount: number): Uint8Array {
  const table = new Uint8Array(Math.max(pass.length, codeCount) + 1).fill(other ? 1 : 0);
  table[0] = none ? 1 : 0;
  table.set(pass, 1);
  return table;
}

/** Slots whose code passes the lookup (see passLookup): no branch per slot. */
export function codeBits(column: Int32Array | Uint8Array, size: number, lookup: Uint8Array): Bitset {
  const out = new Bitset(size);
  const w = out.words;
  for (let i = 0; i < w.length; i++) {
    const base = i << 5;
    const end = Math.min(32, size - base);
    let bits = 0;
    for (let b = 0; b < end; b++) bits |= lookup[column[base + b] + 1] << b;
    w[i] = bits;
  }
  return out;
}

// The list loops below walk the CSR block in one pass (a slot's values end where the next one's
// begin) and then redo the few slots changed since it was built from their own arrays: a check per
// slot for an overlay, or a call per value, made these loops several times slower.

/** Slots with any day in their list that matches (abandoned carts). */
export function listDayBits(list: ListColumn<Int32Array>, size: number, match: DayMatch): Bitset {
  const out = new Bitset(size);
  const w = out.words;
  // a lookup per day offset for yearly matches, as dayBits does; a plain range otherwise
  const yearly = match.yearly !== undefined;
  const t = monthDayTable();
  const hits = new Uint8Array(yearly ? t.length : 0);
  if (yearly) for (let i = 0; i < t.length; i++) hits[i] = match.yearly[t[i]];
  const lo = yearly ? 0 : Math.max(match.lo!, NO_DAY + 1);
  const hi = yearly ? -1 : match.hi!;
  const matches = (d: number) => {
    if (!yearly) return d >= lo && d <= hi;
    const i = d - TABLE_FROM;
    return i >= 0 && i < hits.length ? hits[i] === 1 : dayMatches(match, d);
  };
  const { offsets, values } = list;
  const base = Math.min(size, list.baseSize);
  let k = offsets[0];
  for (let s = 0; s < base; s++) {
    const end = offsets[s + 1];
    if (yearly) {
      for (; k < end; k++) {
        if (matches(values[k])) {
          w[s >>> 5] |= 1 << (s & 31);
          break;
        }
      }
    } else {
      for (; k < end; k++) {
        const d = values[k];
        if (d >= lo && d <= hi) {
          w[s >>> 5] |= 1 << (s & 31);
          break;
        }
      }
    }
    k = end;
  }
  for (const [s, own] of list.overlay) {
    if (s >= size) continue;
    let hit = false;
    for (let i = 0; i < own.length && !hit; i++) hit = matches(own[i]);
    if (hit) w[s >>> 5] |= 1 << (s & 31);
    else w[s >>> 5] &= ~(1 << (s & 31));
  }
  return out;
}

/** Per slot, a sum of order totals and a count of orders (arrays may be longer than the index). */
export interface OrderSums {
  total: Float64Array;
  count: Int32Array;
}

const spareSums: OrderSums[] = [];

/**
 * Arrays for orderSums, reused across evaluations: twelve fresh megabytes per preview at a million
 * customers made V8 collect garbage in the middle of later previews. Give them back with releaseSums
 * once nothing reads them.
 */
export function borrowSums(size: number): OrderSums {
  const i = spareSums.findIndex((s) => s.total.length >= size);
  if (i >= 0) return spareSums.splice(i, 1)[0];
  const capacity = Math.ceil(size * 1.1) + 16;
  return { total: new Float64Array(capacity), count: new Int32Array(capacity) };
}

export function releaseSums(sums: OrderSums): void {
  if (spareSums.length < 4) spareSums.push(sums);
}

/**
 * Per slot, the sum and count of its completed orders on days lo…hi: what a time-frame money
 * criterion compares, computed in one pass over the order lists.
 */
export function orderSums(
  days: ListColumn<Int32Array>,
  totals: ListColumn<Float64Array>,
  size: number,
  lo: number,
  hi: number,
  into: OrderSums = { total: new Float64Array(size), count: new Int32Array(size) },
): OrderSums {
  const { total, count } = into;
  const { offsets, values: dayValues } = days;
  const totalValues = totals.values;
  const base = Math.min(size, days.baseSize);
  total.fill(0, 0, size);
  count.fill(0, 0, size);
  let k = offsets[0];
  for (let s = 0; s < base; s++) {
    const end = offsets[s + 1];
    if (k === end) continue;
    let t = 0;
    let c = 0;
    for (; k < end; k++) {
      const d = dayValues[k];
      // no branch on the day: an order in the frame adds 1 × its total
      const inFrame = ((d >= lo) as unknown as number) & ((d <= hi) as unknown as number);
      t += inFrame * totalValues[k];
      c += inFrame;
    }
    total[s] = t;
    count[s] = c;
  }
  for (const s of days.overlay.keys()) {
    if (s >= size) continue;
    const ds = days.get(s);
    const ts = totals.get(s);
    let t = 0;
    let c = 0;
    for (let i = 0; i < ds.length; i++) {
      if (ds[i] >= lo && ds[i] <= hi) {
        t += ts[i];
        c++;
      }
    }
    total[s] = t;
    count[s] = c;
  }
  return { total, count };
}

/** Slots with completed orders whose average total ÷ count lies in [min, max], compared exactly as total ≥ min × count. */
export function averageBits(total: Float64Array, count: Int32Array, size: number, min: number, max: number): Bitset {
  const out = new Bitset(size);
  const w = out.words;
  for (let i = 0; i < w.length; i++) {
    const base = i << 5;
    const end = Math.min(32, size - base);
    let bits = 0;
    for (let b = 0; b < end; b++) {
      const c = count[base + b];
      const t = total[base + b];
      bits |= (((c > 0) as unknown as number) & ((t >= min * c) as unknown as number) & ((t <= max * c) as unknown as number)) << b;
    }
    w[i] = bits;
  }
  return out;
}

/**
 * Slots holding any of the given values, from an inverted list (value → slots) built from the CSR
 * block; slots changed since (overlaid) are decided again from their own lists.
 */
export function postingBits(postings: ListColumn<Int32Array>, list: ListColumn<Int32Array>, size: number, wanted: Iterable<number>): Bitset {
  const out = new Bitset(size);
  const w = out.words;
  const { offsets, values } = postings;
  const marks = new Set<number>();
  for (const v of wanted) {
    marks.add(v);
    if (v < 0 || v >= postings.baseSize) continue;
    for (let k = offsets[v], end = offsets[v + 1]; k < end; k++) {
      const s = values[k];
      w[s >>> 5] |= 1 << (s & 31);
    }
  }
  for (const s of list.overlay.keys()) {
    if (s >= size) continue;
    const own = list.overlay.get(s)!;
    let hit = false;
    for (let k = 0; k < own.length && !hit; k++) hit = marks.has(own[k]);
    if (hit) w[s >>> 5] |= 1 << (s & 31);
    else w[s >>> 5] &= ~(1 << (s & 31));
  }
  return out;
}
