// The customer fact index: what the segment criteria ask about each customer, as typed-array
// columns indexed by a dense slot (SPEC.md, "Segment engine: the design that reaches the bars").
// Variable-length facts (orders, carts, tags, categories, answers) are CSR lists built once, with
// an overlay for customers changed since: incremental updates never rebuild a column.
import type { Channel, CustomFieldType } from "../../models/models";
import { CHANNELS, ORDER_STATUSES } from "../../models/models";
import { Bitset } from "../bitset";

/** "No date" in a day column. */
export const NO_DAY = -2147483648;
export const NO_CODE = -1;

export const STATUS_BIT: Record<string, number> = Object.fromEntries(ORDER_STATUSES.map((s, i) => [s, 1 << i]));
export const CHANNEL_BIT: Record<Channel, number> = Object.fromEntries(CHANNELS.map((c, i) => [c, 1 << i])) as Record<Channel, number>;

const grownInt32 = (a: Int32Array, capacity: number, fill = 0) => {
  const next = new Int32Array(capacity);
  if (fill !== 0) next.fill(fill);
  next.set(a);
  return next;
};
const grownUint8 = (a: Uint8Array, capacity: number) => {
  const next = new Uint8Array(capacity);
  next.set(a);
  return next;
};
const grownFloat64 = (a: Float64Array, capacity: number, fill = 0) => {
  const next = new Float64Array(capacity);
  if (fill !== 0) next.fill(fill);
  next.set(a);
  return next;
};

/** Strings coded as small integers, in order of first appearance. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly codes = new Map<string, number>();

  code(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  find(value: string): number | undefined {
    return this.codes.get(value);
  }
}

type Values = Int32Array | Float64Array;

/** Per-slot lists: a CSR block for the slots it was built with, an overlay for the rest. */
export class ListColumn<V extends Values> {
  offsets: Int32Array;
  values: V;
  /** Slots below this are in the CSR block (unless overlaid). */
  baseSize: number;
  overlay = new Map<number, V>();
  overlaid: Uint8Array;
  private readonly empty: V;

  constructor(offsets: Int32Array, values: V, empty: V, capacity: number) {
    this.offsets = offsets;
    this.values = values;
    this.baseSize = offsets.length - 1;
    this.empty = empty;
    this.overlaid = new Uint8Array(capacity);
  }

  get(slot: number): V {
    if (slot < this.baseSize && this.overlaid[slot] === 0) return this.values.subarray(this.offsets[slot], this.offsets[slot + 1]) as V;
    return this.overlay.get(slot) ?? this.empty;
  }

  set(slot: number, values: V): void {
    this.overlay.set(slot, values);
    this.overlaid[slot] = 1;
  }

  grow(capacity: number): void {
    const next = new Uint8Array(capacity);
    next.set(this.overlaid);
    this.overlaid = next;
  }
}

/**
 * Builds a CSR list column from (slot, value) pairs in any order: counting sort by slot. With a
 * `secondary` array the pairs are sorted by slot then by it (orders by day), and both arrays come
 * back in that order; with `distinct`, repeated values of one slot are dropped.
 */
export function buildList<V extends Values>(
  size: number,
  capacity: number,
  count: number,
  slots: Int32Array,
  values: V,
  make: (n: number) => V,
  options: { distinct?: boolean } = {},
): ListColumn<V> {
  const offsets = new Int32Array(size + 1);
  for (let i = 0; i < count; i++) offsets[slots[i] + 1]++;
  for (let s = 0; s < size; s++) offsets[s + 1] += offsets[s];
  const cursor = offsets.slice(0, size);
  const sorted = make(count);
  for (let i = 0; i < count; i++) sorted[cursor[slots[i]]++] = values[i];
  if (!options.distinct) return new ListColumn(offsets, sorted, make(0), capacity);
  // sort each slot's values and drop repeats, compacting in place
  const out = new Int32Array(size + 1);
  let w = 0;
  for (let s = 0; s < size; s++) {
    const from = offsets[s];
    const to = offsets[s + 1];
    const part = sorted.subarray(from, to);
    part.sort();
    out[s] = w;
    for (let k = 0; k < part.length; k++) if (k === 0 || part[k] !== part[k - 1]) sorted[w++] = part[k];
  }
  out[size] = w;
  return new ListColumn(out, sorted.slice(0, w) as V, make(0), capacity);
}

/** A typed array that grows as values are pushed (×1.5), for reads whose row count is not known. */
export class Growable<V extends Values> {
  array: V;
  length = 0;
  private readonly Type: new (n: number) => V;

  constructor(Type: new (n: number) => V, estimate: number) {
    this.Type = Type;
    this.array = new Type(Math.max(16, estimate));
  }

  push(value: number): void {
    if (this.length === this.array.length) {
      const next = new this.Type(Math.ceil(this.array.length * 1.5));
      next.set(this.array);
      this.array = next;
    }
    this.array[this.length++] = value;
  }
}

/**
 * Builds a CSR list column from values appended slot by slot in ascending slot order (rows read in
 * customer order): no (slot, value) pairs to sort, and the values array is trimmed at the end.
 */
export class ListBuilder<V extends Values> {
  readonly offsets: Int32Array;
  private values: V;
  private count = 0;
  private last = -1;
  private readonly size: number;
  private readonly make: (n: number) => V;

  constructor(size: number, make: (n: number) => V, estimate = size) {
    this.size = size;
    this.make = make;
    this.offsets = new Int32Array(size + 1);
    this.values = make(Math.max(16, estimate));
  }

  add(slot: number, value: number): void {
    if (slot !== this.last) {
      if (slot < this.last) throw new Error(`list values out of slot order (${slot} after ${this.last})`);
      for (let s = this.last + 1; s <= slot; s++) this.offsets[s] = this.count;
      this.last = slot;
    }
    if (this.count === this.values.length) {
      const next = this.make(Math.ceil(this.values.length * 1.5));
      next.set(this.values);
      this.values = next;
    }
    this.values[this.count++] = value;
  }

  /** The column; with `distinct`, each slot's values sorted with repeats dropped. */
  finish(capacity: number, options: { distinct?: boolean } = {}): ListColumn<V> {
    const { offsets, size } = this;
    for (let s = this.last + 1; s <= size; s++) offsets[s] = this.count;
    const values = this.values;
    if (options.distinct) {
      let w = 0;
      for (let s = 0; s < size; s++) {
        const from = offsets[s];
        const to = offsets[s + 1];
        offsets[s] = w;
        if (to - from > 1) values.subarray(from, to).sort();
        for (let k = from; k < to; k++) if (k === from || values[k] !== values[k - 1]) values[w++] = values[k];
      }
      offsets[size] = w;
      this.count = w;
    }
    return new ListColumn(offsets, values.slice(0, this.count) as V, this.make(0), capacity);
  }
}

/** value → slots from the CSR block of a slot → values list; each value's slots ascend. */
export function invert(list: ListColumn<Int32Array>): ListColumn<Int32Array> {
  const count = list.offsets[list.baseSize];
  const values = new Int32Array(count);
  const slots = new Int32Array(count);
  for (let s = 0; s < list.baseSize; s++) {
    for (let k = list.offsets[s]; k < list.offsets[s + 1]; k++) {
      values[k] = list.values[k];
      slots[k] = s;
    }
  }
  let codes = 0;
  for (let k = 0; k < count; k++) if (values[k] + 1 > codes) codes = values[k] + 1;
  // counting sort by value keeps each value's slots ascending
  return buildList(codes, codes, count, values, slots, (n) => new Int32Array(n));
}

/** Distinct values a column keeps bitmaps for; past this the oldest is dropped (and built again when asked). */
const BITMAPS_PER_COLUMN = 64;

/**
 * The slots holding each value of a single-valued column with few distinct values (country, group,
 * consent, a custom select field, the channel and status masks), built the first time a criterion
 * asks for a value and kept current as slots are written: a criterion naming a value copies its
 * words instead of reading a million slots. `bits`: the column holds masks, and a bitmap is the
 * slots whose mask has that bit.
 */
export class ValueBitmaps {
  private readonly byValue = new Map<number, Uint32Array>();
  private readonly bits: boolean;

  constructor(kind: "values" | "bits") {
    this.bits = kind === "bits";
  }

  /** The words of the slots (below `size`) holding `value`; read-only to the caller. */
  words(value: number, column: ArrayLike<number>, size: number, capacity: number): Uint32Array {
    let words = this.byValue.get(value);
    if (words) return words;
    words = new Uint32Array((capacity + 31) >>> 5);
    for (let i = 0; i << 5 < size; i++) {
      const base = i << 5;
      const end = Math.min(32, size - base);
      let w = 0;
      if (this.bits) for (let b = 0; b < end; b++) w |= ((column[base + b] & value) !== 0 ? 1 : 0) << b;
      else for (let b = 0; b < end; b++) w |= (column[base + b] === value ? 1 : 0) << b;
      words[i] = w;
    }
    if (this.byValue.size >= BITMAPS_PER_COLUMN) this.byValue.delete(this.byValue.keys().next().value!);
    this.byValue.set(value, words);
    return words;
  }

  /** A slot's value changes from `before` to `after` (a new slot: `before` is the column's fill). */
  write(slot: number, before: number, after: number): void {
    if (this.byValue.size === 0) return;
    const i = slot >>> 5;
    const bit = 1 << (slot & 31);
    if (this.bits) {
      for (const [value, words] of this.byValue) words[i] = (after & value) !== 0 ? words[i] | bit : words[i] & ~bit;
      return;
    }
    const was = this.byValue.get(before);
    if (was) was[i] &= ~bit;
    const now = this.byValue.get(after);
    if (now) now[i] |= bit;
  }

  grow(capacity: number): void {
    for (const [value, words] of this.byValue) {
      const next = new Uint32Array((capacity + 31) >>> 5);
      next.set(words);
      this.byValue.set(value, next);
    }
  }
}

/** Bounds a numeric column's threshold bitmaps cut at: −∞, then up to this many − 1 quantiles. */
const THRESHOLDS = 32;
/** Values read to choose the quantiles (every n-th slot). */
const THRESHOLD_SAMPLE = 65_536;

/**
 * For a numeric column (the lifetime total spent and order count): one bitmap per bound of the
 * slots whose value is at least that bound, the bounds cut at quantiles of the values the first
 * time a criterion asks, and kept current as slots are written. A range copies the bitmap of the
 * first bound at or above its minimum, takes away the one of the first bound past its maximum, and
 * reads values only in the two bands it cuts through (a few percent of the slots) instead of all.
 */
export class ThresholdBitmaps {
  private bounds: Float64Array | null = null;
  /** atLeast[k]: the slots whose value is ≥ bounds[k] (atLeast[0]: every slot with a value). */
  private atLeast: Uint32Array[] = [];

  /** The slots below `size` whose value lies in [lo, hi] (NaN never does). */
  range(lo: number, hi: number, column: Float64Array | Int32Array, size: number, capacity: number): Bitset {
    if (!this.bounds) this.build(column, size, capacity);
    const bounds = this.bounds!;
    const ge = this.atLeast;
    const last = bounds.length;
    const out = new Bitset(size);
    const w = out.words;
    // a: the first bound ≥ lo; c: the first bound > hi (`last` when there is none)
    let a = 0;
    while (a < last && !(bounds[a] >= lo)) a++;
    let c = 0;
    while (c < last && !(bounds[c] > hi)) c++;
    if (a < c) {
      // every slot with bounds[a] ≤ v < bounds[c] is in
      const from = ge[a];
      if (c < last) {
        const past = ge[c];
        for (let i = 0; i < w.length; i++) w[i] = from[i] & ~past[i];
      } else for (let i = 0; i < w.length; i++) w[i] = from[i];
      // but those from bounds[c − 1] (≤ hi) up may be over hi
      if (hi !== Infinity) {
        const band = ge[c - 1];
        for (let i = 0; i < w.length; i++) {
          let m = w[i] & band[i];
          while (m !== 0) {
            const t = m & -m;
            if (!(column[(i << 5) + 31 - Math.clz32(t)] <= hi)) w[i] &= ~t;
            m ^= t;
          }
        }
      }
    }
    // the band below bounds[a] that lo cuts through: bounds[a − 1] ≤ v < bounds[a]
    if (a > 0) {
      const low = ge[a - 1];
      const high = a < last ? ge[a] : null;
      for (let i = 0; i < w.length; i++) {
        let m = high ? low[i] & ~high[i] : low[i];
        while (m !== 0) {
          const t = m & -m;
          const v = column[(i << 5) + 31 - Math.clz32(t)];
          if (v >= lo && v <= hi) w[i] |= t;
          m ^= t;
        }
      }
    }
    return out;
  }

  /** A slot's value is now `value` (a new slot included). */
  write(slot: number, value: number): void {
    const bounds = this.bounds;
    if (!bounds) return;
    const i = slot >>> 5;
    const bit = 1 << (slot & 31);
    for (let k = 0; k < bounds.length; k++) {
      const words = this.atLeast[k];
      words[i] = value >= bounds[k] ? words[i] | bit : words[i] & ~bit;
    }
  }

  grow(capacity: number): void {
    this.atLeast = this.atLeast.map((words) => {
      const next = new Uint32Array((capacity + 31) >>> 5);
      next.set(words);
      return next;
    });
  }

  private build(column: Float64Array | Int32Array, size: number, capacity: number): void {
    const step = Math.max(1, Math.floor(size / THRESHOLD_SAMPLE));
    const sample: number[] = [];
    for (let s = 0; s < size; s += step) if (!Number.isNaN(column[s])) sample.push(column[s]);
    sample.sort((x, y) => x - y);
    const bounds = [-Infinity];
    for (let j = 1; j < THRESHOLDS && sample.length > 0; j++) {
      const v = sample[Math.floor((j * sample.length) / THRESHOLDS)];
      const top = bounds[bounds.length - 1];
      if (v > top) bounds.push(v);
      else if (v === top) {
        // a value held by more than a quantile's share (no orders: 0): cut just above it too, so a
        // range starting past it does not read all its slots
        let lo = 0;
        let hi = sample.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (sample[mid] > v) hi = mid;
          else lo = mid + 1;
        }
        if (lo < sample.length) bounds.push(sample[lo]);
      }
    }
    const words = (capacity + 31) >>> 5;
    const ge = bounds.map(() => new Uint32Array(words));
    // each slot into the band of the highest bound at or below its value, then each bitmap the
    // union of its band and every band above
    for (let s = 0; s < size; s++) {
      const v = column[s];
      if (Number.isNaN(v)) continue;
      let k = bounds.length - 1;
      while (bounds[k] > v) k--;
      ge[k][s >>> 5] |= 1 << (s & 31);
    }
    for (let k = bounds.length - 2; k >= 0; k--) {
      const here = ge[k];
      const above = ge[k + 1];
      for (let i = 0; i < words; i++) here[i] |= above[i];
    }
    this.bounds = Float64Array.from(bounds);
    this.atLeast = ge;
  }
}

/** A customer's completed orders as parallel lists, sorted by store day. */
export interface OrderFacts {
  days: Int32Array;
  totals: Float64Array;
}

/**
 * One custom field's values per slot. Only the array its values need is allocated (a number field
 * holds no text codes): six fields at a million customers were 105 MB with all three.
 */
export class CustomFieldColumn {
  readonly id: number;
  key: string;
  type: CustomFieldType;
  options: string[];
  readonly dict = new Dictionary();
  /** Slots per text code, for select fields. */
  readonly bitmaps = new ValueBitmaps("values");
  private capacity: number;
  private numberValues: Float64Array | null = null;
  private dayValues: Int32Array | null = null;
  private codeValues: Int32Array | null = null;

  constructor(def: { id: number; key: string; type: CustomFieldType; options: string[] }, capacity: number) {
    this.id = def.id;
    this.key = def.key;
    this.type = def.type;
    this.options = def.options;
    this.capacity = capacity;
  }

  /** Numbers per slot (NaN: none). */
  get numbers(): Float64Array {
    return (this.numberValues ??= new Float64Array(this.capacity).fill(Number.NaN));
  }

  /** Plain days per slot (NO_DAY: none). */
  get days(): Int32Array {
    return (this.dayValues ??= new Int32Array(this.capacity).fill(NO_DAY));
  }

  /** Text as dictionary codes per slot (NO_CODE: none). */
  get codes(): Int32Array {
    return (this.codeValues ??= new Int32Array(this.capacity).fill(NO_CODE));
  }

  /** Writes one slot's value; arrays no value has needed yet stay unallocated. */
  set(slot: number, value: { text: string | null; number: number | null; day: number } | undefined): void {
    const number = value?.number ?? null;
    const day = value?.day ?? NO_DAY;
    const text = value?.text ?? null;
    if (number !== null || this.numberValues) this.numbers[slot] = number ?? Number.NaN;
    if (day !== NO_DAY || this.dayValues) this.days[slot] = day;
    if (text !== null || this.codeValues) {
      const code = text === null ? NO_CODE : this.dict.code(text);
      this.bitmaps.write(slot, this.codes[slot], code);
      this.codes[slot] = code;
    }
  }

  /** The slots (of the first `filled`) whose text has `code`, as words over the capacity; read-only. */
  codeWords(code: number, filled: number): Uint32Array {
    return this.bitmaps.words(code, this.codes, filled, this.capacity);
  }

  grow(capacity: number): void {
    this.capacity = capacity;
    if (this.numberValues) this.numberValues = grownFloat64(this.numberValues, capacity, Number.NaN);
    if (this.dayValues) this.dayValues = grownInt32(this.dayValues, capacity, NO_DAY);
    if (this.codeValues) this.codeValues = grownInt32(this.codeValues, capacity, NO_CODE);
    this.bitmaps.grow(capacity);
  }
}

export interface CategoryNode {
  id: number;
  externalId: string;
  parentId: number | null;
}

/** The facts of one customer, as the loader reads them; the unit of an incremental update. */
export interface CustomerFacts {
  id: number;
  registeredDay: number;
  firstInteractionDay: number;
  lastInteractionDay: number;
  birthdayDay: number;
  acceptsMarketing: boolean;
  country: string | null;
  city: string | null;
  groupId: number | null;
  /** bit per order status, over all orders */
  statusMask: number;
  /** latest order that is not cancelled */
  lastOrderDay: number;
  /** completed orders, sorted by day */
  completedDays: number[];
  completedTotals: number[];
  unrecoveredCartDays: number[];
  tagIds: number[];
  categoryIds: number[];
  optionIds: number[];
  subscribedMask: number;
  reachableMask: number;
  /** custom field id → raw value (text, number or YYYY-MM-DD) */
  fields: Map<number, { text: string | null; number: number | null; day: number }>;
  /** Erased (docs/decisions/0040): matches no criterion, whatever its orders say. */
  isErased?: boolean;
}

export class FactIndex {
  readonly timeZone: string;
  /** Slots in use. */
  size = 0;
  capacity: number;
  /** slot → customer id */
  ids: Int32Array;
  /** customer id → slot + 1 (0: none). Ids are auto-increment keys, so a table beats a Map: 4 MB, not 60. */
  private slotById = new Int32Array(0);

  registeredDay: Int32Array;
  firstInteractionDay: Int32Array;
  lastInteractionDay: Int32Array;
  birthdayDay: Int32Array;
  acceptsMarketing: Uint8Array;
  country: Int32Array;
  city: Int32Array;
  groupId: Int32Array;
  /** Largest group id in `groupId` + 1: the size of a lookup over it. */
  groupCodeLimit = 0;
  statusMask: Uint8Array;
  lastOrderDay: Int32Array;
  /** all-time completed total and count, so criteria without a time frame need no order scan */
  totalSpent: Float64Array;
  orderCount: Int32Array;
  subscribedMask: Uint8Array;
  reachableMask: Uint8Array;

  orderDays: ListColumn<Int32Array>;
  orderTotals: ListColumn<Float64Array>;
  cartDays: ListColumn<Int32Array>;
  tags: ListColumn<Int32Array>;
  categories: ListColumn<Int32Array>;
  options: ListColumn<Int32Array>;
  /** category id → slots that bought from it, as of the CSR block of `categories` (see postingBits). */
  categorySlots: ListColumn<Int32Array>;
  /** tag id → slots, as of the CSR block of `tags`. */
  tagSlots: ListColumn<Int32Array>;
  /** registration option id → slots, as of the CSR block of `options`. */
  optionSlots: ListColumn<Int32Array>;
  fields = new Map<number, CustomFieldColumn>();
  /** Slots per value of the single-valued columns criteria name values of. */
  readonly bitmaps = {
    country: new ValueBitmaps("values"),
    city: new ValueBitmaps("values"),
    groupId: new ValueBitmaps("values"),
    acceptsMarketing: new ValueBitmaps("values"),
    statusMask: new ValueBitmaps("bits"),
    subscribedMask: new ValueBitmaps("bits"),
    reachableMask: new ValueBitmaps("bits"),
  };
  /** Slots at or above bounds of the lifetime totals, for criteria on them without a time frame. */
  readonly thresholds = {
    totalSpent: new ThresholdBitmaps(),
    orderCount: new ThresholdBitmaps(),
  };

  countries = new Dictionary();
  cities = new Dictionary();
  /** reference data, refreshed with every update */
  groupIdByName = new Map<string, number>();
  tagIdByName = new Map<string, number>();
  categoryNodes = new Map<number, CategoryNode>();
  categoryIdByExternalId = new Map<string, number>();
  /** question key → option key → option id */
  optionIds = new Map<string, Map<string, number>>();
  fieldIdByKey = new Map<string, number>();

  /** The last change-log id whose changes are in the index. */
  watermark = 0;

  /** Slots of erased customers: every evaluation leaves them out (a few, so a set, not a column). */
  readonly erasedSlots = new Set<number>();

  constructor(timeZone: string, capacity: number) {
    this.timeZone = timeZone;
    this.capacity = Math.max(16, capacity);
    const c = this.capacity;
    this.ids = new Int32Array(c);
    this.registeredDay = new Int32Array(c).fill(NO_DAY);
    this.firstInteractionDay = new Int32Array(c).fill(NO_DAY);
    this.lastInteractionDay = new Int32Array(c).fill(NO_DAY);
    this.birthdayDay = new Int32Array(c).fill(NO_DAY);
    this.acceptsMarketing = new Uint8Array(c);
    this.country = new Int32Array(c).fill(NO_CODE);
    this.city = new Int32Array(c).fill(NO_CODE);
    this.groupId = new Int32Array(c).fill(NO_CODE);
    this.statusMask = new Uint8Array(c);
    this.lastOrderDay = new Int32Array(c).fill(NO_DAY);
    this.totalSpent = new Float64Array(c);
    this.orderCount = new Int32Array(c);
    this.subscribedMask = new Uint8Array(c);
    this.reachableMask = new Uint8Array(c);
    const emptyInt = () => new ListColumn(new Int32Array(1), new Int32Array(0), new Int32Array(0), c);
    this.orderDays = emptyInt();
    this.orderTotals = new ListColumn(new Int32Array(1), new Float64Array(0), new Float64Array(0), c);
    this.cartDays = emptyInt();
    this.tags = emptyInt();
    this.categories = emptyInt();
    this.options = emptyInt();
    this.categorySlots = emptyInt();
    this.tagSlots = emptyInt();
    this.optionSlots = emptyInt();
  }

  /**
   * Inverts the CSR blocks of the multi-valued lists (slot → values) into value → slots, so a
   * criterion naming a few tags, options or categories touches only the slots that hold them.
   */
  buildPostings(): void {
    this.categorySlots = invert(this.categories);
    this.tagSlots = invert(this.tags);
    this.optionSlots = invert(this.options);
  }

  slotOf(id: number): number | undefined {
    const known = id < this.slotById.length ? this.slotById[id] : 0;
    return known === 0 ? undefined : known - 1;
  }

  /** The slot of a customer, appending one for a customer not seen yet. */
  ensureSlot(id: number): number {
    const known = this.slotOf(id);
    if (known !== undefined) return known;
    if (!Number.isInteger(id) || id < 0) throw new Error(`customer id ${id} is not a non-negative integer`);
    if (this.size === this.capacity) this.grow(this.capacity * 2);
    if (id >= this.slotById.length) {
      const table = new Int32Array(Math.max(id + 1, Math.ceil(this.slotById.length * 1.5), 1024));
      table.set(this.slotById);
      this.slotById = table;
    }
    const slot = this.size++;
    this.ids[slot] = id;
    this.slotById[id] = slot + 1;
    return slot;
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.ids = grownInt32(this.ids, capacity);
    this.registeredDay = grownInt32(this.registeredDay, capacity, NO_DAY);
    this.firstInteractionDay = grownInt32(this.firstInteractionDay, capacity, NO_DAY);
    this.lastInteractionDay = grownInt32(this.lastInteractionDay, capacity, NO_DAY);
    this.birthdayDay = grownInt32(this.birthdayDay, capacity, NO_DAY);
    this.acceptsMarketing = grownUint8(this.acceptsMarketing, capacity);
    this.country = grownInt32(this.country, capacity, NO_CODE);
    this.city = grownInt32(this.city, capacity, NO_CODE);
    this.groupId = grownInt32(this.groupId, capacity, NO_CODE);
    this.statusMask = grownUint8(this.statusMask, capacity);
    this.lastOrderDay = grownInt32(this.lastOrderDay, capacity, NO_DAY);
    this.totalSpent = grownFloat64(this.totalSpent, capacity);
    this.orderCount = grownInt32(this.orderCount, capacity);
    this.subscribedMask = grownUint8(this.subscribedMask, capacity);
    this.reachableMask = grownUint8(this.reachableMask, capacity);
    for (const list of [this.orderDays, this.orderTotals, this.cartDays, this.tags, this.categories, this.options]) list.grow(capacity);
    for (const f of this.fields.values()) f.grow(capacity);
    for (const b of Object.values(this.bitmaps)) b.grow(capacity);
    for (const t of Object.values(this.thresholds)) t.grow(capacity);
  }

  /** A column for a custom field, created empty the first time the field is seen. */
  fieldColumn(def: { id: number; key: string; type: CustomFieldType; options: string[] }): CustomFieldColumn {
    let column = this.fields.get(def.id);
    if (!column) {
      column = new CustomFieldColumn(def, this.capacity);
      this.fields.set(def.id, column);
    } else {
      column.options = def.options;
      column.type = def.type;
    }
    this.fieldIdByKey.set(def.key, def.id);
    return column;
  }

  /** Writes every scalar fact of one customer. */
  setScalars(slot: number, f: Omit<CustomerFacts, "completedDays" | "completedTotals" | "unrecoveredCartDays" | "tagIds" | "categoryIds" | "optionIds" | "fields">): void {
    this.registeredDay[slot] = f.registeredDay;
    this.firstInteractionDay[slot] = f.firstInteractionDay;
    this.lastInteractionDay[slot] = f.lastInteractionDay;
    this.birthdayDay[slot] = f.birthdayDay;
    const b = this.bitmaps;
    const write = <K extends keyof FactIndex["bitmaps"]>(column: K, value: number) => {
      b[column].write(slot, this[column][slot], value);
      this[column][slot] = value;
    };
    write("acceptsMarketing", f.acceptsMarketing ? 1 : 0);
    write("country", f.country === null ? NO_CODE : this.countries.code(f.country));
    write("city", f.city === null ? NO_CODE : this.cities.code(f.city));
    write("groupId", f.groupId ?? NO_CODE);
    if (f.groupId !== null && f.groupId >= this.groupCodeLimit) this.groupCodeLimit = f.groupId + 1;
    write("statusMask", f.statusMask);
    this.lastOrderDay[slot] = f.lastOrderDay;
    write("subscribedMask", f.subscribedMask);
    write("reachableMask", f.reachableMask);
  }

  /** The slots whose `column` holds `value` (a bit of it, for masks) as words over the capacity; read-only. */
  valueWords(column: keyof FactIndex["bitmaps"], value: number): Uint32Array {
    return this.bitmaps[column].words(value, this[column], this.size, this.capacity);
  }

  /** The slots whose lifetime `column` lies in [lo, hi], from its threshold bitmaps. */
  lifetimeRange(column: keyof FactIndex["thresholds"], lo: number, hi: number): Bitset {
    return this.thresholds[column].range(lo, hi, this[column], this.size, this.capacity);
  }

  /** Replaces everything known about one customer (an incremental update). */
  setCustomer(f: CustomerFacts): void {
    const slot = this.ensureSlot(f.id);
    this.setScalars(slot, f);
    this.orderDays.set(slot, Int32Array.from(f.completedDays));
    this.orderTotals.set(slot, Float64Array.from(f.completedTotals));
    this.totalSpent[slot] = f.completedTotals.reduce((a, b) => a + b, 0);
    this.orderCount[slot] = f.completedTotals.length;
    this.thresholds.totalSpent.write(slot, this.totalSpent[slot]);
    this.thresholds.orderCount.write(slot, this.orderCount[slot]);
    this.cartDays.set(slot, Int32Array.from(f.unrecoveredCartDays));
    this.tags.set(slot, Int32Array.from(new Set(f.tagIds)).sort());
    this.categories.set(slot, Int32Array.from(new Set(f.categoryIds)).sort());
    this.options.set(slot, Int32Array.from(new Set(f.optionIds)).sort());
    for (const column of this.fields.values()) column.set(slot, f.fields.get(column.id));
    if (f.isErased) this.erasedSlots.add(slot);
    else this.erasedSlots.delete(slot);
  }

  /** Marks customers erased by id (the cold build reads them apart from their facts). */
  markErased(ids: number[]): void {
    for (const id of ids) {
      const slot = this.slotOf(id);
      if (slot !== undefined) this.erasedSlots.add(slot);
    }
  }

  /** Ids of the categories in the subtrees of the given ones. */
  subtreeIds(rootIds: number[]): Set<number> {
    const children = new Map<number, number[]>();
    for (const node of this.categoryNodes.values()) {
      if (node.parentId === null) continue;
      const list = children.get(node.parentId) ?? [];
      list.push(node.id);
      children.set(node.parentId, list);
    }
    const result = new Set<number>();
    const stack = [...rootIds];
    while (stack.length) {
      const id = stack.pop()!;
      if (result.has(id)) continue;
      result.add(id);
      stack.push(...(children.get(id) ?? []));
    }
    return result;
  }
}
