// Impact before save: what saving an edited definition would do to a segment's stored members, and
// so to the automations that fire on its enter and leave events and the scheduled campaigns that
// will read its members when they start.
import { Op, QueryTypes } from "sequelize";
import type { Database } from "../models/db";
import { readTimestamp } from "../models/sql/bulk";
import type { Bitset } from "./bitset";
import type { Criterion, Rule, SegmentType } from "./definition";
import { evaluate } from "./evaluate";
import type { SegmentEngine } from "./engine.server";

/** An automation on the segment and how many of the customers the save moves it would fire for. */
export interface AutomationImpact {
  id: number;
  name: string;
  triggerKind: "entered" | "left";
  /** A paused automation holds its firings: they act when it is resumed. */
  isActive: boolean;
  /** Customers entering (or leaving, for a leave trigger) whom its cap per customer lets through now. */
  fires: number;
  /** Customers moving whom its cap holds back (once ever, or within its days). */
  capped: number;
}

/** A campaign scheduled and not started that names the segment: its audience is read when it starts. */
export interface ScheduledCampaignUse {
  id: number;
  name: string;
  role: "include" | "exclude";
}

export interface EditImpact {
  /** Members now. */
  members: number;
  /** Customers the edited definition selects who are not members now. */
  entering: number;
  /** Members the edited definition would drop (never for accumulating segments). */
  leaving: number;
  /** Whether saving recomputes the segment at all (a locked snapshot with the same rule does not). */
  recomputes: boolean;
  automations: AutomationImpact[];
  scheduledCampaigns: ScheduledCampaignUse[];
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
  const scheduledCampaigns = await scheduledCampaignsUsing(engine.db, segmentId);
  if (edited.type === "snapshot" && row.type === "snapshot" && row.lockedAt && sameRule(storedRule, edited.rule)) {
    const automations = await automationsOn(engine.db, segmentId, { entered: null, left: null }, () => undefined, now);
    return { members: row.memberCount, entering: 0, leaving: 0, recomputes: false, automations, scheduledCampaigns };
  }
  const ctx = await engine.context(now, [edited.rule]);
  const evaluated = evaluate(ctx, edited.rule).members;
  // the engine caches stored members and shares them: work on copies
  const stored = await engine.storedMembers(segmentId, row.membersVersion);
  const enteringSet = evaluated.clone().andNot(stored);
  const leavingSet = edited.type === "accumulating" ? null : stored.clone().andNot(evaluated);
  const automations = await automationsOn(engine.db, segmentId, { entered: enteringSet, left: leavingSet }, (customerId) => ctx.index.slotOf(customerId), now);
  return { members: stored.count(), entering: enteringSet.count(), leaving: leavingSet?.count() ?? 0, recomputes: true, automations, scheduledCampaigns };
}

/**
 * The live automations triggered by the segment, each with the customers of its kind of move
 * (null: nobody moves that way) that it would fire for: those its cap per customer does not hold
 * back at `now`.
 */
async function automationsOn(db: Database, segmentId: number, moving: { entered: Bitset | null; left: Bitset | null }, slotOf: (customerId: number) => number | undefined, now: Date): Promise<AutomationImpact[]> {
  const rows = await db.models.Automation.findAll({ attributes: ["id", "name", "triggerKind", "isActive", "capKind", "capDays"], where: { segmentId, deletedAt: { [Op.is]: null } }, order: [["id", "ASC"]], raw: true });
  const out: AutomationImpact[] = [];
  for (const a of rows) {
    const set = moving[a.triggerKind];
    const total = set?.count() ?? 0;
    let capped = 0;
    if (set && total > 0 && a.capKind !== "none") {
      const caps = (await db.sequelize.query("SELECT customer_id AS customerId, fired_at AS firedAt FROM automation_caps WHERE automation_id = :id", {
        replacements: { id: a.id },
        type: QueryTypes.SELECT,
      })) as Array<{ customerId: number | string; firedAt: unknown }>;
      const windowStart = a.capKind === "days" ? now.getTime() - (a.capDays ?? 1) * 86_400_000 : -Infinity;
      for (const c of caps) {
        const slot = slotOf(Number(c.customerId));
        if (slot === undefined || !set.has(slot)) continue;
        const firedAt = readTimestamp(c.firedAt)?.getTime() ?? 0;
        if (firedAt > windowStart) capped++;
      }
    }
    out.push({ id: a.id, name: a.name, triggerKind: a.triggerKind, isActive: Boolean(a.isActive), fires: total - capped, capped });
  }
  return out;
}

/** Campaigns scheduled and not started whose audience names the segment (automations' hidden campaigns have none). */
async function scheduledCampaignsUsing(db: Database, segmentId: number): Promise<ScheduledCampaignUse[]> {
  const rows = await db.models.Campaign.findAll({ attributes: ["id", "name", "includeSegmentIds", "excludeSegmentIds"], where: { status: "scheduled", startedAt: { [Op.is]: null } }, order: [["id", "ASC"]], raw: true });
  const ids = (text: string) => {
    try {
      const list: unknown = JSON.parse(text);
      return Array.isArray(list) ? list.map(Number) : [];
    } catch {
      return [];
    }
  };
  return rows.flatMap((c): ScheduledCampaignUse[] =>
    ids(c.includeSegmentIds).includes(segmentId) ? [{ id: c.id, name: c.name, role: "include" }] : ids(c.excludeSegmentIds).includes(segmentId) ? [{ id: c.id, name: c.name, role: "exclude" }] : [],
  );
}
