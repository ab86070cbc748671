// One per process that evaluates segments (web for previews, worker for recomputes): it holds the
// fact index, keeps it current by tailing the change log, and resolves segment references.
import type { Database } from "../models/db";
import { getStoreSettings, storeSettingsVersion } from "../models/store.server";
import { Bitset, inArena } from "./bitset";
import type { Criterion, Rule, SegmentType } from "./definition";
import { evaluate, explain, type CriterionReason, type EvaluationContext, type SegmentRef } from "./evaluate";
import type { FactIndex } from "./facts/fact-index";
import { loadFactIndex, refreshReferenceData, updateFactIndex } from "./facts/load.server";
import { selectRows, streamRows } from "./facts/stream.server";
import { referencedCodes } from "./validate.server";
import { storeClock } from "./time";

export interface EngineOptions {
  log?: (message: string, detail?: Record<string, unknown>) => void;
  /** How long a hole in the change log's ids is waited for before it is taken as a rolled-back write. */
  gapTimeoutMs?: number;
  /** The clock used for gap timeouts only; evaluation moments are always passed in. */
  clock?: () => number;
}

export interface PreviewCustomer {
  id: number;
  externalId: string;
  name: string;
  email: string | null;
}

export interface Preview {
  count: number;
  perCriterion: number[];
  customers: PreviewCustomer[];
  /** Pass back as `after` for the next page. */
  nextAfter: number | null;
  evaluatedMs: number;
}

/** Customers a catch-up applied to the fact index, and the change-log id it is complete up to. */
export type CustomersChangedListener = (customerIds: number[], watermark: number) => void;

const TAIL_BATCH = 20_000;

function parseCriteria(text: string): Criterion[] | null {
  try {
    const criteria: unknown = JSON.parse(text);
    return Array.isArray(criteria) ? (criteria as Criterion[]) : null;
  } catch {
    return null;
  }
}
const SETTINGS_FRESH_MS = 1000;

export class SegmentEngine {
  readonly db: Database;
  private readonly options: EngineOptions;
  private index: FactIndex | null = null;
  private building: Promise<FactIndex> | null = null;
  private catching: Promise<number[]> | null = null;
  /** change-log ids above the watermark already applied, while a lower one is missing */
  private seenAbove = new Set<number>();
  private gapSince = new Map<number, number>();
  private memberCache = new Map<number, { version: number; members: Bitset }>();
  private changeListeners = new Set<CustomersChangedListener>();
  private settingsReadAt = -Infinity;
  private settingsVersion = -1;

  constructor(db: Database, options: EngineOptions = {}) {
    this.db = db;
    this.options = options;
  }

  /** The fact index, built on first use (and again when the store's time zone changes). */
  async ready(): Promise<FactIndex> {
    // the time zone is re-read at most once a second (at once after a save in this process):
    // another process's change reaches this index within a second, and a preview saves a query
    const fresh = this.index && performance.now() - this.settingsReadAt < SETTINGS_FRESH_MS && this.settingsVersion === storeSettingsVersion();
    if (fresh) return this.index!;
    const version = storeSettingsVersion();
    const { timeZone } = await getStoreSettings(this.db);
    if (this.index && this.index.timeZone === timeZone) {
      this.settingsReadAt = performance.now();
      this.settingsVersion = version;
      return this.index;
    }
    if (!this.building) {
      const started = Date.now();
      this.building = loadFactIndex(this.db, timeZone)
        .then((index) => {
          this.index = index;
          this.settingsReadAt = performance.now();
          this.settingsVersion = version;
          this.seenAbove.clear();
          this.gapSince.clear();
          this.options.log?.("fact index built", { customers: index.size, ms: Date.now() - started });
          return index;
        })
        .finally(() => {
          this.building = null;
        });
    }
    return this.building;
  }

  /**
   * Applies every change logged since the index was last brought up to date; returns the ids of
   * the customers it re-read. Concurrent callers share one pass.
   */
  async catchUp(): Promise<number[]> {
    const index = await this.ready();
    if (!this.catching) {
      this.catching = this.tail(index).finally(() => {
        this.catching = null;
      });
    }
    return this.catching;
  }

  /**
   * Calls `listener` after every catch-up with the customers it applied to the index and the
   * change-log id below which every change is applied, whoever asked for the catch-up (a preview, a
   * recompute): the incremental recompute learns of every change exactly when the index has it.
   */
  onCustomersChanged(listener: CustomersChangedListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private async tail(index: FactIndex): Promise<number[]> {
    const now = this.options.clock?.() ?? Date.now();
    const gapTimeoutMs = this.options.gapTimeoutMs ?? 60_000;
    const changed = new Set<number>();
    for (;;) {
      // straight from the driver: every preview asks, and usually nothing has changed
      const rows = await selectRows(this.db, `SELECT id, customer_id FROM customer_changes WHERE id > ? ORDER BY id LIMIT ${TAIL_BATCH}`, [index.watermark]);
      for (const row of rows) {
        const id = Number(row[0]);
        if (this.seenAbove.has(id)) continue;
        this.seenAbove.add(id);
        changed.add(Number(row[1]));
      }
      // Ids are handed out when a write starts, and writes commit in any order (MariaDB): a
      // missing id below a seen one may still commit, so the watermark waits for it a while.
      let next = index.watermark + 1;
      while (this.seenAbove.size > 0) {
        if (this.seenAbove.has(next)) {
          this.seenAbove.delete(next);
          this.gapSince.delete(next);
          index.watermark = next++;
          continue;
        }
        const since = this.gapSince.get(next) ?? now;
        this.gapSince.set(next, since);
        if (now - since < gapTimeoutMs) break;
        this.gapSince.delete(next);
        index.watermark = next++;
      }
      if (rows.length < TAIL_BATCH) break;
    }
    const ids = [...changed];
    await updateFactIndex(this.db, index, ids);
    for (const listener of this.changeListeners) listener(ids, index.watermark);
    return ids;
  }

  /**
   * An evaluation context at `now` for these rules: the segments they name (and those name, …)
   * resolve to their definitions, or to their stored members where a type calls for them.
   */
  async context(now: Date, rules: Rule[]): Promise<EvaluationContext> {
    await this.catchUp();
    return this.resolve(now, rules, this.index!);
  }

  /** The context of `context`, on `index` as it stands (no catch-up). */
  private async resolve(now: Date, rules: Rule[], index: FactIndex): Promise<EvaluationContext> {
    const refs = new Map<string, SegmentRef>();
    let wanted = [...new Set(rules.flatMap((r) => referencedCodes(r.criteria)))];
    while (wanted.length) {
      // straight from the driver: a preview of a segment of segments asks every time
      const found = await selectRows(
        this.db,
        `SELECT id, code, type, \`match\`, criteria, members_version FROM segments WHERE code IN (${wanted.map(() => "?").join(", ")}) AND deleted_at IS NULL`,
        wanted,
      );
      const rows = found.map(([id, code, type, match, criteria, membersVersion]) => ({
        id: Number(id),
        code: String(code),
        type: String(type),
        match: match as Rule["match"],
        criteria: String(criteria),
        membersVersion: Number(membersVersion),
      }));
      const next: string[] = [];
      for (const s of rows) {
        const criteria = parseCriteria(s.criteria);
        // unreadable criteria (written around the checks): the segments naming it cannot be evaluated, the rest can
        if (!criteria) continue;
        const rule: Rule = { match: s.match, criteria };
        const members = s.type === "dynamic" ? null : await this.storedMembers(s.id, s.membersVersion);
        refs.set(s.code, {
          code: s.code,
          type: s.type as SegmentType,
          rule,
          storedMembers: () => members ?? new Bitset(index.size),
        });
        for (const code of referencedCodes(rule.criteria)) if (!refs.has(code) && !wanted.includes(code)) next.push(code);
      }
      wanted = next;
    }
    await this.learnNames([...rules, ...[...refs.values()].map((r) => r.rule)], index);
    return { index, today: storeClock(index.timeZone).dayOf(now.getTime()), resolveSegment: (code) => refs.get(code) };
  }

  /**
   * A custom field, question or option made since the index last read its names (through the
   * admin pages or the API, in any process) is known to no customer change yet: the names are
   * read again before a rule that uses one is evaluated.
   */
  private async learnNames(rules: Rule[], index: FactIndex): Promise<void> {
    const unknown = rules.some((r) =>
      r.criteria.some(
        (c) =>
          (c.field === "customField" && !index.fieldIdByKey.has(c.key)) ||
          (c.field === "registrationAnswer" && (!index.optionIds.has(c.question) || c.options.some((o) => !index.optionIds.get(c.question)!.has(o)))),
      ),
    );
    if (unknown) await refreshReferenceData(this.db, index);
  }

  /** The stored members of a segment as slots of the current index, cached by the segment's members version. */
  async storedMembers(segmentId: number, version?: number): Promise<Bitset> {
    const index = this.index ?? (await this.ready());
    const cached = this.memberCache.get(segmentId);
    if (cached && version !== undefined && cached.version === version && cached.members.size === index.size) return cached.members;
    const members = new Bitset(index.size);
    await streamRows(this.db, "SELECT customer_id FROM segment_members WHERE segment_id = ?", [segmentId], (r) => {
      const slot = index.slotOf(r[0] as number);
      if (slot !== undefined) members.add(slot);
    });
    if (version !== undefined) this.memberCache.set(segmentId, { version, members });
    return members;
  }

  /** Count, per-criterion counts and a page of customers (newest first) for a rule, without saving anything. */
  async preview(rule: Rule, now: Date, page: { limit?: number; after?: number } = {}): Promise<Preview> {
    const limit = page.limit ?? 20;
    // The change-log tail is asked for while the rule is evaluated on the index as it stands, so
    // the round trip overlaps the evaluation; when the tail brought changes (or the index was built
    // again), the rule is evaluated again on the index that has them: a preview never answers from
    // before a change it could see.
    const before = await this.ready();
    const tail = this.catchUp();
    tail.catch(() => {});
    let outcome = this.countAndPage(await this.resolve(now, [rule], before), rule, limit, page.after);
    const changed = await tail;
    if (changed.length > 0 || this.index !== before) outcome = this.countAndPage(await this.context(now, [rule]), rule, limit, page.after);
    const { index, count, perCriterion, slots, evaluatedMs } = outcome;
    const ids = slots.slice(0, limit).map((s) => index.ids[s]);
    const rows = ids.length ? await selectRows(this.db, `SELECT id, external_id, first_name, last_name, email FROM customers WHERE id IN (${ids.map(() => "?").join(", ")})`, ids) : [];
    const byId = new Map(rows.map((r) => [Number(r[0]), r]));
    return {
      count,
      perCriterion,
      customers: ids
        .map((id) => byId.get(id))
        .filter((r) => r !== undefined)
        .map(([id, externalId, firstName, lastName, email]) => ({
          id: Number(id),
          externalId: String(externalId),
          name: [firstName, lastName].filter(Boolean).join(" "),
          email: (email as string | null) ?? null,
        })),
      nextAfter: slots.length > limit ? ids[ids.length - 1] : null,
      evaluatedMs,
    };
  }

  /** A rule's count, its criteria's counts and the slots of a page (one more than `limit`), on the context's index. */
  private countAndPage(ctx: EvaluationContext, rule: Rule, limit: number, after: number | undefined) {
    const started = performance.now();
    const index = ctx.index;
    const afterSlot = after === undefined ? index.size : (index.slotOf(after) ?? index.size);
    // the evaluation's bitsets are only counted and paged here: their words go back to the pool
    const { result, release } = inArena(() => evaluate(ctx, rule));
    try {
      return {
        index,
        count: result.members.count(),
        perCriterion: result.perCriterion.map((b) => b.count()),
        slots: result.members.takeDescending(limit + 1, afterSlot),
        evaluatedMs: performance.now() - started,
      };
    } finally {
      release();
    }
  }

  /** Why one customer is (or is not) selected by a rule. */
  async explainCustomer(rule: Rule, customerId: number, now: Date): Promise<{ matched: boolean; reasons: CriterionReason[] } | null> {
    const ctx = await this.context(now, [rule]);
    const slot = ctx.index.slotOf(customerId);
    return slot === undefined ? null : explain(ctx, rule, slot);
  }
}
