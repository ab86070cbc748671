// Runs a rule through both evaluators: the reference over the plain rows, the fast one over the fact
// index loaded from the database the same rows were written to. Tests compare the two with each
// other and with expectations worked out by hand.
import type { Database } from "../../models/db";
import { Bitset } from "../../segments/bitset";
import type { Rule } from "../../segments/definition";
import { compileRule, evaluate, type EvaluationContext, type SegmentRef } from "../../segments/evaluate";
import type { FactIndex } from "../../segments/facts/fact-index";
import { loadFactIndex } from "../../segments/facts/load.server";
import { referenceEvaluate, type RefCustomer, type RefStore } from "../../segments/reference";
import { storeClock } from "../../segments/time";
import { writeStore, type TestStore } from "../support/store-writer";

/** Writes the store and loads a fresh fact index from it. */
export async function writeAndLoad(db: Database, store: TestStore): Promise<FactIndex> {
  await writeStore(db, store);
  return loadFactIndex(db, store.timeZone);
}

/** The fast evaluator's context at `now`, with the store's other segments resolved from its rows. */
export function fastContext(index: FactIndex, store: RefStore, now: Date): EvaluationContext {
  const refs = new Map<string, SegmentRef>(
    store.segments.map((s) => [
      s.code,
      {
        code: s.code,
        type: s.type as SegmentRef["type"],
        rule: s.rule,
        storedMembers: () => {
          const members = new Bitset(index.size);
          for (const id of s.members) {
            const slot = index.slotOf(id);
            if (slot !== undefined) members.add(slot);
          }
          return members;
        },
      },
    ]),
  );
  return { index, today: storeClock(index.timeZone).dayOf(now.getTime()), resolveSegment: (code) => refs.get(code) };
}

const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);

/** Member ids of the fast evaluator's bitset. */
export function fastMembers(ctx: EvaluationContext, rule: Rule): number[] {
  return sorted([...evaluate(ctx, rule).members].map((slot) => ctx.index.ids[slot]));
}

/** Member ids by compileRule's per-customer test, slot by slot. */
export function perSlotMembers(ctx: EvaluationContext, rule: Rule): number[] {
  const test = compileRule(ctx, rule);
  const ids: number[] = [];
  for (let slot = 0; slot < ctx.index.size; slot++) if (test(slot)) ids.push(ctx.index.ids[slot]);
  return sorted(ids);
}

export function referenceMembers(store: RefStore, rule: Rule, now: Date): number[] {
  return sorted(referenceEvaluate(store, rule, now));
}

/** What each side selects, as sorted customer ids. */
export function bothMembers(index: FactIndex, store: RefStore, rule: Rule, now: Date) {
  const ctx = fastContext(index, store, now);
  return { reference: referenceMembers(store, rule, now), fast: fastMembers(ctx, rule), perSlot: perSlotMembers(ctx, rule) };
}

// --- small factories for hand-written stores -------------------------------------------------

export function customer(id: number, values: Partial<Omit<RefCustomer, "id">> = {}): RefCustomer {
  return {
    id,
    registeredAt: null,
    firstInteractionAt: null,
    lastInteractionAt: null,
    birthday: null,
    acceptsMarketing: false,
    country: null,
    city: null,
    group: null,
    tags: [],
    fields: {},
    answers: {},
    ...values,
  };
}

export function emptyStore(timeZone: string, parts: Partial<TestStore> = {}): TestStore {
  return {
    timeZone,
    customers: [],
    orders: [],
    carts: [],
    channels: [],
    categories: [],
    segments: [],
    customFields: [],
    questions: [],
    ...parts,
  };
}
