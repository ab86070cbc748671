// "Why is this customer in?" on the customer's page: each segment they are a member of, with the
// criteria that hold for them now (dynamic and accumulating segments) or how they got in.
import { customerMemberships } from "../models/segments/memberships.server";
import type { Criterion, Rule, SegmentType } from "./definition";
import { EvaluationError, type CriterionReason } from "./evaluate";
import type { SegmentEngine } from "./engine.server";

export interface MembershipWhy {
  segmentId: number;
  code: string;
  name: string;
  type: SegmentType;
  isActive: boolean;
  match: "all" | "any";
  criteria: Criterion[];
  enteredAt: Date;
  /**
   * For dynamic and accumulating segments, each criterion against the customer's values now;
   * `matchesNow` false means the next recompute will take them out (dynamic) or keeps them only
   * because an accumulating segment never lets anyone go.
   */
  explanation: { matchesNow: boolean; reasons: CriterionReason[] } | null;
}

/** The segments a customer is in, by name, each with why. */
export async function whyCustomerIsIn(engine: SegmentEngine, customerId: number, now: Date): Promise<MembershipWhy[]> {
  const memberships = await customerMemberships(engine.db, customerId);
  const out: MembershipWhy[] = [];
  for (const m of memberships) {
    const criteria = JSON.parse(m.criteria) as Criterion[];
    const rule: Rule = { match: m.match, criteria };
    let explanation: MembershipWhy["explanation"] = null;
    if ((m.type === "dynamic" || m.type === "accumulating") && criteria.length > 0) {
      try {
        const explained = await engine.explainCustomer(rule, customerId, now);
        if (explained) explanation = { matchesNow: explained.matched, reasons: explained.reasons };
      } catch (error) {
        // a category or field the definition names has gone since it was saved: no reasons to give.
        // By name too: in the web process the engine is the server's copy of this code, not the Remix build's
        if (!(error instanceof EvaluationError) && !(error instanceof Error && error.constructor.name.startsWith("EvaluationError"))) throw error;
      }
    }
    out.push({ segmentId: m.segmentId, code: m.code, name: m.name, type: m.type, isActive: m.isActive, match: m.match, criteria, enteredAt: m.enteredAt, explanation });
  }
  return out;
}
