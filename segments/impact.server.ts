// Impact before save: what saving an edited definition would do to a segment's stored members.
import { Op } from "sequelize";
import type { Criterion, Rule, SegmentType } from "./definition";
import { evaluate } from "./evaluate";
import type { SegmentEngine } from "./engine.server";

export interface EditImpact {
  /** Members now. */
  members: number;
  /** Customers the edited definition selects who are not members now. */
  entering: number;
  /** Members the edited definition would drop (never for accumulating segments). */
  leaving: number;
  /** Whether saving recomputes the segment at all (a locked snapshot with the same rule does not). */
  recomputes: boolean;
}

const sameRule = (a: Rule, b: Rule) => a.match === b.match && JSON.stringify(a.criteria) === JSON.stringify(b.criteria);

/**
 * How many customers would enter and leave segment `segmentId` if it were saved with this type and
 * rule and recomputed at `now`; null for a segment that is missing or would be manual (a manual
 * segment keeps its members).
 */
export async function editImpact(engine: SegmentEngine, segmentId: number, edited: { type: SegmentType; rule: Rule }, now: Date): Promise<EditImpact | null> {
  const row = await engine.db.models.Segment.findOne({ where: { id: segmentId, deletedAt: { [Op.is]: null } }, raw: true });
  if (!row || edited.type === "manual") return null;
  const storedRule: Rule = { match: row.match, criteria: JSON.parse(row.criteria) as Criterion[] };
  if (edited.type === "snapshot" && row.type === "snapshot" && row.lockedAt && sameRule(storedRule, edited.rule)) {
    return { members: row.memberCount, entering: 0, leaving: 0, recomputes: false };
  }
  const ctx = await engine.context(now, [edited.rule]);
  const evaluated = evaluate(ctx, edited.rule).members;
  // the engine caches stored members and shares them: work on copies
  const stored = await engine.storedMembers(segmentId, row.membersVersion);
  const entering = evaluated.clone().andNot(stored).count();
  const leaving = edited.type === "accumulating" ? 0 : stored.clone().andNot(evaluated).count();
  return { members: stored.count(), entering, leaving, recomputes: true };
}
