// The customer fact index: what the segment criteria ask about each customer, as typed-array
// columns indexed by a dense slot (SPEC.md, "Segment engine: the design that reaches the bars").
// Variable-length facts (orders, carts, tags, categories, answers) are CSR lists built once, with
// an overlay for customers changed since: incremental updates never rebuild a column.
import type { Channel, CustomFieldType } from "../../models/models";
import { CHANNELS, ORDER_STATUSES } from "../../models/models";

/** "No date" in a day column. */
export const NO_DAY = -2147483648;
export const NO_CODE = -1;

export const STATUS_BIT: Record<string, number> = Object.fromEntries(ORDER_STATUSES.map((s, i) => [s, 1 << i]));
export const CHANNEL_BIT: Record<Channel, number> = Object.fromEntries(CHANNELS.map((c, i) => [c, 1 << i])) as Record<Channel, number>;

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

/** A customer's completed orders as parallel lists, sorted by store day. */
export interface OrderFacts {
  days: Int32Array;
  totals: Float64Array;
}

export interface CustomFieldColumn {
  id: number;
  key: string;
  type: CustomFieldType;
  options: string[];
  numbers: Float64Array;
  days: Int32Array;
  codes: Int32Array;
  dict: Dictionary;
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
}

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

export class FactIndex {
  readonly timeZone: string;
  /** Slots in use. */
  size = 0;
  capacity: number;
  /** slot → customer id */
  ids: Int32Array;
  private slotById = new Map<number, number>();

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
  fields = new Map<number, CustomFieldColumn>();

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
  }

  /** Inverts the CSR block of `categories` (slot → categories) into category → slots. */
  buildCategoryPostings(): void {
    const list = this.categories;
    const count = list.offsets[list.baseSize];
    const categories = new Int32Array(count);
    const slots = new Int32Array(count);
    for (let s = 0; s < list.baseSize; s++) {
      for (let k = list.offsets[s]; k < list.offsets[s + 1]; k++) {
        categories[k] = list.values[k];
        slots[k] = s;
      }
    }
    let codes = 0;
    for (let k = 0; k < count; k++) if (categories[k] + 1 > codes) codes = categories[k] + 1;
    // counting sort by category keeps each category's slots ascending
    this.categorySlots = buildList(codes, codes, count, categories, slots, (n) => new Int32Array(n));
  }

  slotOf(id: number): number | undefined {
    return this.slotById.get(id);
  }

  /** The slot of a customer, appending one for a customer not seen yet. */
  ensureSlot(id: number): number {
    const known = this.slotById.get(id);
    if (known !== undefined) return known;
    if (this.size === this.capacity) this.grow(this.capacity * 2);
    const slot = this.size++;
    this.ids[slot] = id;
    this.slotById.set(id, slot);
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
    for (const f of this.fields.values()) {
      f.numbers = grownFloat64(f.numbers, capacity, Number.NaN);
      f.days = grownInt32(f.days, capacity, NO_DAY);
      f.codes = grownInt32(f.codes, capacity, NO_CODE);
    }
  }

  /** A column for a custom field, created empty the first time the field is seen. */
  fieldColumn(def: { id: number; key: string; type: CustomFieldType; options: string[] }): CustomFieldColumn {
    let column = this.fields.get(def.id);
    if (!column) {
      column = {
        ...def,
        numbers: new Float64Array(this.capacity).fill(Number.NaN),
        days: new Int32Array(this.capacity).fill(NO_DAY),
        codes: new Int32Array(this.capacity).fill(NO_CODE),
        dict: new Dictionary(),
      };
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
    this.acceptsMarketing[slot] = f.acceptsMarketing ? 1 : 0;
    this.country[slot] = f.country === null ? NO_CODE : this.countries.code(f.country);
    this.city[slot] = f.city === null ? NO_CODE : this.cities.code(f.city);
    this.groupId[slot] = f.groupId ?? NO_CODE;
    if (f.groupId !== null && f.groupId >= this.groupCodeLimit) this.groupCodeLimit = f.groupId + 1;
    this.statusMask[slot] = f.statusMask;
    this.lastOrderDay[slot] = f.lastOrderDay;
    this.subscribedMask[slot] = f.subscribedMask;
    this.reachableMask[slot] = f.reachableMask;
  }

  /** Replaces everything known about one customer (an incremental update). */
  setCustomer(f: CustomerFacts): void {
    const slot = this.ensureSlot(f.id);
    this.setScalars(slot, f);
    this.orderDays.set(slot, Int32Array.from(f.completedDays));
    this.orderTotals.set(slot, Float64Array.from(f.completedTotals));
    this.totalSpent[slot] = f.completedTotals.reduce((a, b) => a + b, 0);
    this.orderCount[slot] = f.completedTotals.length;
    this.cartDays.set(slot, Int32Array.from(f.unrecoveredCartDays));
    this.tags.set(slot, Int32Array.from(new Set(f.tagIds)).sort());
    this.categories.set(slot, Int32Array.from(new Set(f.categoryIds)).sort());
    this.options.set(slot, Int32Array.from(new Set(f.optionIds)).sort());
    for (const column of this.fields.values()) {
      const value = f.fields.get(column.id);
      column.numbers[slot] = value?.number ?? Number.NaN;
      column.days[slot] = value?.day ?? NO_DAY;
      column.codes[slot] = value?.text == null ? NO_CODE : column.dict.code(value.text);
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
