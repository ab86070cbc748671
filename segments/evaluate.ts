// The fast evaluator: each criterion compiled against the fact index into a per-slot test and a
// whole-index bitset. It follows SEGMENT-SEMANTICS.md rule by rule; segments/reference.ts is the
// slow, plain statement of the same rules that randomised tests hold it to.
import { msg } from "../models/messages";
import { Bitset } from "./bitset";
import type { Criterion, DateCondition, Rule, SegmentType, TimeFrame } from "./definition";
import { CHANNEL_BIT, NO_CODE, NO_DAY, STATUS_BIT, type FactIndex } from "./facts/fact-index";
import { averageBits, borrowSums, codeBits, passLookup, dayBits, dayMatches, listDayBits, monthDay, orderSums, postingBits, rangeBits, releaseSums, type DayMatch, type OrderSums } from "./scan";
import { dayOfPlainDate, isLeapYear, monthDayOf, plainDateOfDay, yearOfDay } from "./time";

/** Another segment a criterion can name. */
export interface SegmentRef {
  code: string;
  type: SegmentType;
  rule: Rule;
  /** Stored members as slots: what snapshot and manual segments are, and what accumulating ones add to. */
  storedMembers(): Bitset;
}

export interface EvaluationContext {
  index: FactIndex;
  /** The store day of the evaluation moment. */
  today: number;
  resolveSegment(code: string): SegmentRef | undefined;
}

/** Why a criterion did or did not match one customer: the customer's own value. */
export interface CriterionReason {
  index: number;
  field: Criterion["field"];
  matched: boolean;
  /** The customer's value the criterion looked at: money in minor units, days as YYYY-MM-DD. */
  actual: unknown;
}

interface Compiled {
  /** Whether one slot matches: for re-evaluating a few customers. */
  test(slot: number): boolean;
  /** Every slot that matches, in one tight pass over the columns. */
  bitset(): Bitset;
  actual(slot: number): unknown;
}

/**
 * A definition names something the store no longer has (a segment, category, custom field or
 * question). The message is in the reader's language; its key and values are kept for storing
 * (segments/evaluation-reason.ts).
 */
export class EvaluationError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string> = {},
  ) {
    super(msg(key, params));
  }
}

// --- days -------------------------------------------------------------------------------------

/** A date condition as a range of days or a set of days of the year (NO_DAY never matches). */
export function compileDate(condition: DateCondition, today: number): DayMatch {
  switch (condition.form) {
    case "between":
      return {
        lo: condition.from === undefined ? -Infinity : dayOfPlainDate(condition.from),
        hi: condition.to === undefined ? Infinity : dayOfPlainDate(condition.to),
      };
    case "inLastDays":
      return { lo: today - (condition.days - 1), hi: today };
    case "moreThanDaysAgo":
      return { lo: -Infinity, hi: today - condition.days - 1 };
    case "daysAgo":
      return { lo: today - condition.days, hi: today - condition.days };
    case "dayOfYear": {
      const from = monthDayOf(condition.from);
      const to = monthDayOf(condition.to);
      const yearly = new Uint8Array(1232);
      for (let md = 101; md <= 1231; md++) if (from <= to ? md >= from && md <= to : md >= from || md <= to) yearly[md] = 1;
      return { yearly };
    }
    case "inNextDays": {
      const yearly = new Uint8Array(1232);
      for (let day = today; day < today + condition.days; day++) {
        const md = monthDay(day);
        yearly[md] = 1;
        // in a year without 29 February, a 29 February date falls on the 28th
        if (md === 228 && !isLeapYear(yearOfDay(day))) yearly[229] = 1;
      }
      return { yearly };
    }
  }
}

/** A time frame as the store days it spans, both ends inclusive; a rolling one ends today. */
export function timeFrameDays(frame: TimeFrame | undefined, today: number): { from: number; to: number } {
  if (frame?.lastDays !== undefined) return { from: today - (frame.lastDays - 1), to: today };
  return {
    from: frame?.from === undefined ? -Infinity : dayOfPlainDate(frame.from),
    to: frame?.to === undefined ? Infinity : dayOfPlainDate(frame.to),
  };
}

const dayText = (d: number) => (d === NO_DAY ? null : plainDateOfDay(d));

// --- include / exclude ------------------------------------------------------------------------

/** Per code: 1 included, 2 excluded. Codes of values the index has never seen are simply absent. */
function codeMarks(values: Array<{ value: string; mode: "include" | "exclude" }>, codeOf: (v: string) => number | undefined, size: number) {
  const marks = new Uint8Array(Math.max(size, 1));
  let includes = 0;
  for (const v of values) {
    if (v.mode === "include") includes++;
    const code = codeOf(v.value);
    if (code === undefined || code < 0 || code >= size) continue;
    marks[code] = v.mode === "include" ? marks[code] | 1 : marks[code] | 2;
  }
  return { marks, hasIncludes: includes > 0 };
}

/** Per code whether it passes; `none` for a customer without a value, `other` for codes no value names. */
function passTable(marks: Uint8Array, hasIncludes: boolean) {
  const pass = Uint8Array.from(marks, (m) => ((m & 2) === 0 && (!hasIncludes || (m & 1) !== 0) ? 1 : 0));
  return { pass, none: !hasIncludes, other: !hasIncludes };
}

/** The slots holding any of `values`, from the column's per-value bitmaps (see ValueBitmaps). */
function valuesBits(size: number, values: number[], words: (value: number) => Uint32Array): Bitset {
  if (values.length === 0) return new Bitset(size);
  const out = Bitset.copyOf(size, words(values[0]));
  for (let k = 1; k < values.length; k++) {
    const more = words(values[k]);
    const w = out.words;
    for (let i = 0; i < w.length; i++) w[i] |= more[i];
  }
  return out;
}

/** Values a criterion may name and still be read from per-value bitmaps (each a copy of a bitset). */
const BITMAP_VALUES = 8;

/**
 * `codeCount`: how many codes the column can hold (the dictionary's size, or the largest id + 1).
 * `words`: the column's per-value bitmaps, when it keeps them.
 */
function singleValue(column: Int32Array, size: number, marks: Uint8Array, hasIncludes: boolean, codeCount: number, words?: (code: number) => Uint32Array): Pick<Compiled, "test" | "bitset"> {
  const { pass, none, other } = passTable(marks, hasIncludes);
  const included: number[] = [];
  const excluded: number[] = [];
  marks.forEach((m, code) => {
    if (m & 2) excluded.push(code);
    else if (m & 1) included.push(code);
  });
  return {
    test: (s) => {
      const c = column[s];
      return c === NO_CODE ? none : c < pass.length ? pass[c] === 1 : other;
    },
    bitset: () => {
      if (!words || included.length + excluded.length > BITMAP_VALUES) return codeBits(column, size, passLookup(pass, none, other, codeCount));
      // one value a slot: who holds an included value (everyone, without includes), minus who holds an excluded one
      const out = hasIncludes ? valuesBits(size, included, words) : Bitset.full(size);
      return excluded.length > 0 ? out.andNot(valuesBits(size, excluded, words)) : out;
    },
  };
}

function listValues(list: FactIndex["tags"], postings: FactIndex["tagSlots"], size: number, marks: Uint8Array, hasIncludes: boolean): Pick<Compiled, "test" | "bitset"> {
  const included: number[] = [];
  const excluded: number[] = [];
  marks.forEach((m, code) => {
    if (m & 2) excluded.push(code);
    else if (m & 1) included.push(code);
  });
  return {
    test: (slot) => {
      const values = list.get(slot);
      let included = !hasIncludes;
      for (let k = 0; k < values.length; k++) {
        const v = values[k];
        const m = v < marks.length ? marks[v] : 0;
        if (m & 2) return false;
        if (m & 1) included = true;
      }
      return included;
    },
    // from the inverted lists: who holds an included value (everyone, without includes), minus who holds an excluded one
    bitset: () => {
      const out = hasIncludes ? postingBits(postings, list, size, included) : Bitset.full(size);
      return excluded.length > 0 ? out.andNot(postingBits(postings, list, size, excluded)) : out;
    },
  };
}

/** Case-insensitive text: lower case, with the word-final ς as σ, else "ΚΟΣ" (κος) would not be found in "ΚΟΣΜΟΣ" (κοσμος). */
function foldCase(text: string): string {
  return text.toLowerCase().replaceAll("ς", "σ");
}

// --- criteria ---------------------------------------------------------------------------------

function compileCriterion(ctx: EvaluationContext, criterion: Criterion, memo: Map<string, unknown>, depth: number): Compiled {
  const ix = ctx.index;
  const size = ix.size;
  switch (criterion.field) {
    case "orderStatus": {
      let include = 0;
      let exclude = 0;
      for (const v of criterion.values) {
        if (v.mode === "include") include |= STATUS_BIT[v.value];
        else exclude |= STATUS_BIT[v.value];
      }
      const hasIncludes = criterion.values.some((v) => v.mode === "include");
      // the statuses a customer has are a bit mask: which of the 32 masks pass
      const pass = new Uint8Array(32).map((_, mask) => ((mask & exclude) === 0 && (!hasIncludes || (mask & include) !== 0) ? 1 : 0));
      const bits = (mask: number) => Object.values(STATUS_BIT).filter((bit) => (mask & bit) !== 0);
      const words = (bit: number) => ix.valueWords("statusMask", bit);
      return {
        test: (s) => pass[ix.statusMask[s]] === 1,
        // who has an included status (everyone, without includes), minus who has an excluded one
        bitset: () => {
          const out = hasIncludes ? valuesBits(size, bits(include & ~exclude), words) : Bitset.full(size);
          return exclude !== 0 ? out.andNot(valuesBits(size, bits(exclude), words)) : out;
        },
        actual: (s) => Object.entries(STATUS_BIT).filter(([, bit]) => ix.statusMask[s] & bit).map(([status]) => status),
      };
    }
    case "totalSpent":
    case "orderCount":
    case "averageOrderValue": {
      const min = criterion.min ?? -Infinity;
      const max = criterion.max ?? Infinity;
      const { from, to } = timeFrameDays(criterion.timeFrame, ctx.today);
      const whole = from === -Infinity && to === Infinity;
      // totals over the time frame for every slot, computed once per evaluation for each time frame
      const all = (): { total: Float64Array; count: Int32Array } => {
        if (whole) return { total: ix.totalSpent, count: ix.orderCount };
        const key = `sums:${from}|${to}`;
        let sums = memo.get(key) as { total: Float64Array; count: Int32Array } | undefined;
        if (!sums) memo.set(key, (sums = orderSums(ix.orderDays, ix.orderTotals, size, from, to, borrowSums(size))));
        return sums;
      };
      const one = (s: number) => {
        if (whole) return { total: ix.totalSpent[s], count: ix.orderCount[s] };
        const days = ix.orderDays.get(s);
        const totals = ix.orderTotals.get(s);
        let total = 0;
        let count = 0;
        for (let k = 0; k < days.length; k++) {
          if (days[k] >= from && days[k] <= to) {
            total += totals[k];
            count++;
          }
        }
        return { total, count };
      };
      if (criterion.field === "totalSpent") {
        return {
          test: (s) => {
            const t = one(s).total;
            return t >= min && t <= max;
          },
          bitset: () => (whole ? ix.lifetimeRange("totalSpent", min, max) : rangeBits(all().total, size, min, max)),
          actual: (s) => one(s).total,
        };
      }
      if (criterion.field === "orderCount") {
        return {
          test: (s) => {
            const c = one(s).count;
            return c >= min && c <= max;
          },
          bitset: () => (whole ? ix.lifetimeRange("orderCount", min, max) : rangeBits(all().count, size, min, max)),
          actual: (s) => one(s).count,
        };
      }
      // total ÷ count against integer bounds, compared as total ≥ min × count: exact
      return {
        test: (s) => {
          const { total, count } = one(s);
          return count > 0 && total >= min * count && total <= max * count;
        },
        bitset: () => {
          const { total, count } = all();
          return averageBits(total, count, size, min, max);
        },
        actual: (s) => {
          const { total, count } = one(s);
          return count > 0 ? total / count : null;
        },
      };
    }
    case "registeredAt":
    case "firstInteractionAt":
    case "lastInteractionAt":
    case "lastOrderAt":
    case "birthday": {
      const column = {
        registeredAt: ix.registeredDay,
        firstInteractionAt: ix.firstInteractionDay,
        lastInteractionAt: ix.lastInteractionDay,
        lastOrderAt: ix.lastOrderDay,
        birthday: ix.birthdayDay,
      }[criterion.field];
      const match = compileDate(criterion.date, ctx.today);
      return { test: (s) => dayMatches(match, column[s]), bitset: () => dayBits(column, size, match), actual: (s) => dayText(column[s]) };
    }
    case "abandonedCartAt": {
      const match = compileDate(criterion.date, ctx.today);
      return {
        test: (s) => {
          const days = ix.cartDays.get(s);
          for (let k = 0; k < days.length; k++) if (dayMatches(match, days[k])) return true;
          return false;
        },
        bitset: () => listDayBits(ix.cartDays, size, match),
        actual: (s) => Array.from(ix.cartDays.get(s), (d) => dayText(d)),
      };
    }
    case "acceptsMarketing": {
      const want = criterion.value ? 1 : 0;
      return {
        test: (s) => ix.acceptsMarketing[s] === want,
        bitset: () => Bitset.copyOf(size, ix.valueWords("acceptsMarketing", want)),
        actual: (s) => ix.acceptsMarketing[s] === 1,
      };
    }
    case "country":
    case "city": {
      const field = criterion.field;
      const dict = field === "country" ? ix.countries : ix.cities;
      const column = field === "country" ? ix.country : ix.city;
      const { marks, hasIncludes } = codeMarks(criterion.values, (v) => dict.find(v), dict.values.length);
      const words = (code: number) => ix.valueWords(field, code);
      return { ...singleValue(column, size, marks, hasIncludes, dict.values.length, words), actual: (s) => (column[s] === NO_CODE ? null : dict.values[column[s]]) };
    }
    case "customerGroup": {
      const codes = Math.max(0, ...ix.groupIdByName.values()) + 1;
      const { marks, hasIncludes } = codeMarks(criterion.values, (v) => ix.groupIdByName.get(v), codes);
      const names = new Map([...ix.groupIdByName].map(([name, id]) => [id, name]));
      const words = (id: number) => ix.valueWords("groupId", id);
      return { ...singleValue(ix.groupId, size, marks, hasIncludes, Math.max(codes, ix.groupCodeLimit), words), actual: (s) => names.get(ix.groupId[s]) ?? null };
    }
    case "tag": {
      const codes = Math.max(0, ...ix.tagIdByName.values()) + 1;
      const { marks, hasIncludes } = codeMarks(criterion.values, (v) => ix.tagIdByName.get(v), codes);
      const names = new Map([...ix.tagIdByName].map(([name, id]) => [id, name]));
      return { ...listValues(ix.tags, ix.tagSlots, size, marks, hasIncludes), actual: (s) => Array.from(ix.tags.get(s), (id) => names.get(id)) };
    }
    case "orderedFromCategory": {
      const roots = criterion.categories.map((externalId) => {
        const id = ix.categoryIdByExternalId.get(externalId);
        if (id === undefined) throw new EvaluationError("segments.evalUnknownCategory", { id: externalId });
        return id;
      });
      const codes = Math.max(0, ...ix.categoryNodes.keys()) + 1;
      // per category id, a bit for each named root whose subtree holds it (groups of 32 roots)
      const groups: Array<{ masks: Uint32Array; full: number }> = [];
      for (let g = 0; g < roots.length; g += 32) {
        const part = roots.slice(g, g + 32);
        const masks = new Uint32Array(codes);
        part.forEach((root, i) => {
          for (const id of ix.subtreeIds([root])) masks[id] |= 1 << i;
        });
        groups.push({ masks, full: part.length === 32 ? 0xffffffff : (1 << part.length) - 1 });
      }
      const hit = (s: number, masks: Uint32Array) => {
        const cats = ix.categories.get(s);
        let m = 0;
        for (let k = 0; k < cats.length; k++) if (cats[k] < masks.length) m |= masks[cats[k]];
        return m >>> 0;
      };
      const mode = criterion.mode;
      const test =
        mode === "anyOf"
          ? (s: number) => groups.some((g) => hit(s, g.masks) !== 0)
          : mode === "allOf"
            ? (s: number) => groups.every((g) => hit(s, g.masks) === g.full)
            : (s: number) => groups.every((g) => hit(s, g.masks) === 0);
      // from the inverted lists: the slots under each named category's subtree
      const under = (root: number) => postingBits(ix.categorySlots, ix.categories, size, ix.subtreeIds([root]));
      return {
        test,
        bitset: () => {
          if (mode === "anyOf") return postingBits(ix.categorySlots, ix.categories, size, ix.subtreeIds(roots));
          if (mode === "allOf") return roots.map(under).reduce((acc, b) => acc.and(b));
          return postingBits(ix.categorySlots, ix.categories, size, ix.subtreeIds(roots)).not();
        },
        actual: (s) => Array.from(ix.categories.get(s), (id) => ix.categoryNodes.get(id)?.externalId ?? String(id)),
      };
    }
    case "subscribedOn":
    case "reachableOn": {
      const bit = CHANNEL_BIT[criterion.channel];
      const column = criterion.field === "subscribedOn" ? ix.subscribedMask : ix.reachableMask;
      const field = criterion.field === "subscribedOn" ? "subscribedMask" : "reachableMask";
      return { test: (s) => (column[s] & bit) !== 0, bitset: () => Bitset.copyOf(size, ix.valueWords(field, bit)), actual: (s) => (column[s] & bit) !== 0 };
    }
    case "customField": {
      const fieldId = ix.fieldIdByKey.get(criterion.key);
      const column = fieldId === undefined ? undefined : ix.fields.get(fieldId);
      if (!column) throw new EvaluationError("segments.evalUnknownCustomField", { key: criterion.key });
      const c = criterion.condition;
      if (c.type === "number") {
        const min = c.min ?? -Infinity;
        const max = c.max ?? Infinity;
        const n = column.numbers;
        return { test: (s) => n[s] >= min && n[s] <= max, bitset: () => rangeBits(n, size, min, max), actual: (s) => (Number.isNaN(n[s]) ? null : n[s]) };
      }
      if (c.type === "date") {
        const match = compileDate(c.date, ctx.today);
        return { test: (s) => dayMatches(match, column.days[s]), bitset: () => dayBits(column.days, size, match), actual: (s) => dayText(column.days[s]) };
      }
      const text = (s: number) => (column.codes[s] === NO_CODE ? null : column.dict.values[column.codes[s]]);
      if (c.type === "select") {
        const { marks, hasIncludes } = codeMarks(c.values, (v) => column.dict.find(v), column.dict.values.length);
        const words = (code: number) => column.codeWords(code, ix.size);
        return { ...singleValue(column.codes, size, marks, hasIncludes, column.dict.values.length, words), actual: text };
      }
      const wanted = foldCase(c.value);
      const hits = Uint8Array.from(column.dict.values, (v) => (c.op === "equals" ? foldCase(v) === wanted : foldCase(v).includes(wanted)) ? 1 : 0);
      return {
        test: (s) => column.codes[s] !== NO_CODE && hits[column.codes[s]] === 1,
        bitset: () => codeBits(column.codes, size, passLookup(hits, false, false, column.dict.values.length)),
        actual: text,
      };
    }
    case "registrationAnswer": {
      const options = ix.optionIds.get(criterion.question);
      if (!options) throw new EvaluationError("segments.evalUnknownQuestion", { key: criterion.question });
      const wanted = criterion.options.map((k) => options.get(k)).filter((id): id is number => id !== undefined);
      const marks = new Uint8Array(Math.max(0, ...wanted) + 1);
      for (const id of wanted) marks[id] = 1;
      const keys = new Map([...options].map(([key, id]) => [id, key]));
      return {
        test: (s) => {
          const chosen = ix.options.get(s);
          for (let k = 0; k < chosen.length; k++) if (chosen[k] < marks.length && marks[chosen[k]] === 1) return true;
          return false;
        },
        // "shares at least one option"
        bitset: () => postingBits(ix.optionSlots, ix.options, size, wanted),
        actual: (s) => Array.from(ix.options.get(s)).filter((id) => keys.has(id)).map((id) => keys.get(id)),
      };
    }
    case "segment": {
      // a few customers (re-evaluation, explain) are tested one by one through the other segment's
      // own rule; only a whole-index evaluation computes its members
      const isMember = segmentTest(ctx, criterion.segment, memo, depth + 1);
      const want = criterion.isMember;
      return {
        test: (s) => isMember(s) === want,
        actual: (s) => isMember(s),
        bitset: () => {
          const members = segmentMembers(ctx, criterion.segment, memo, depth + 1);
          return want ? members.clone() : members.clone().not();
        },
      };
    }
  }
}

/** Members of a named segment at the same moment, computed once per evaluation. */
function segmentMembers(ctx: EvaluationContext, code: string, memo: Map<string, unknown>, depth: number): Bitset {
  const known = memo.get(`segment:${code}`) as Bitset | undefined;
  if (known) return known;
  if (depth > 16) throw new EvaluationError("segments.evalTooDeep", { code });
  const ref = ctx.resolveSegment(code);
  if (!ref) throw new EvaluationError("segments.evalUnknownSegment", { code });
  let members: Bitset;
  if (ref.type === "dynamic") members = evaluateWith(ctx, ref.rule, memo, depth).members;
  else if (ref.type === "accumulating") members = evaluateWith(ctx, ref.rule, memo, depth).members.or(ref.storedMembers());
  else members = ref.storedMembers();
  memo.set(`segment:${code}`, members);
  return members;
}

/** Whether one slot is a member of a named segment at the same moment, without evaluating the whole index. */
function segmentTest(ctx: EvaluationContext, code: string, memo: Map<string, unknown>, depth: number): (slot: number) => boolean {
  const known = memo.get(`segment-test:${code}`) as ((slot: number) => boolean) | undefined;
  if (known) return known;
  if (depth > 16) throw new EvaluationError("segments.evalTooDeep", { code });
  const ref = ctx.resolveSegment(code);
  if (!ref) throw new EvaluationError("segments.evalUnknownSegment", { code });
  let test: (slot: number) => boolean;
  if (ref.type === "dynamic" || ref.type === "accumulating") {
    const tests = ref.rule.criteria.map((c) => compileCriterion(ctx, c, memo, depth).test);
    const erased = ctx.index.erasedSlots;
    const matches =
      tests.length === 0 ? () => false : ref.rule.match === "all" ? (s: number) => !erased.has(s) && tests.every((t) => t(s)) : (s: number) => !erased.has(s) && tests.some((t) => t(s));
    if (ref.type === "dynamic") test = matches;
    else {
      const stored = ref.storedMembers();
      test = (s) => matches(s) || stored.has(s);
    }
  } else {
    const stored = ref.storedMembers();
    test = (s) => stored.has(s);
  }
  memo.set(`segment-test:${code}`, test);
  return test;
}

export interface Evaluation {
  members: Bitset;
  /** What each criterion matches on its own. */
  perCriterion: Bitset[];
}

function evaluateWith(ctx: EvaluationContext, rule: Rule, memo: Map<string, unknown>, depth: number): Evaluation {
  const perCriterion = rule.criteria.map((c) => compileCriterion(ctx, c, memo, depth).bitset());
  const size = ctx.index.size;
  let members: Bitset;
  if (perCriterion.length === 0) members = new Bitset(size);
  else if (rule.match === "all") members = perCriterion.reduce((acc, b) => acc.and(b), Bitset.full(size));
  else members = perCriterion.reduce((acc, b) => acc.or(b), new Bitset(size));
  // an erased customer is in no segment and matches no criterion (docs/decisions/0040)
  for (const slot of ctx.index.erasedSlots) {
    if (slot >= size) continue;
    members.delete(slot);
    for (const b of perCriterion) b.delete(slot);
  }
  return { members, perCriterion };
}

/** Every customer slot the rule selects, and what each criterion selects alone. */
export function evaluate(ctx: EvaluationContext, rule: Rule): Evaluation {
  const memo = new Map<string, unknown>();
  try {
    return evaluateWith(ctx, rule, memo, 0);
  } finally {
    // the evaluation's bitsets are built: the order sums it borrowed are free again
    for (const [key, value] of memo) if (key.startsWith("sums:")) releaseSums(value as OrderSums);
  }
}

/**
 * A per-customer test of a whole rule, for re-evaluating a few changed customers. Rules compiled
 * for the same context may share `memo` (order sums, other segments' tests).
 */
export function compileRule(ctx: EvaluationContext, rule: Rule, memo = new Map<string, unknown>()): (slot: number) => boolean {
  const tests = rule.criteria.map((c) => compileCriterion(ctx, c, memo, 0).test);
  if (tests.length === 0) return () => false;
  const erased = ctx.index.erasedSlots;
  return rule.match === "all" ? (s) => !erased.has(s) && tests.every((t) => t(s)) : (s) => !erased.has(s) && tests.some((t) => t(s));
}

/** For one customer: each criterion, whether it matched, and the customer's value behind it. */
export function explain(ctx: EvaluationContext, rule: Rule, slot: number): { matched: boolean; reasons: CriterionReason[] } {
  const memo = new Map<string, unknown>();
  const reasons = rule.criteria.map((criterion, index) => {
    const compiled = compileCriterion(ctx, criterion, memo, 0);
    const erased = ctx.index.erasedSlots.has(slot);
    return { index, field: criterion.field, matched: !erased && compiled.test(slot), actual: erased ? null : compiled.actual(slot) };
  });
  const matched = reasons.length > 0 && (rule.match === "all" ? reasons.every((r) => r.matched) : reasons.some((r) => r.matched));
  return { matched, reasons };
}
