// "Why isn't this customer in?" on the customer's page: one segment's criteria against one
// customer's values now, whether or not they are a member, for a viewer who may open the customer.
import { checkCustomerAccess } from "../models/customers/access.server";
import type { CustomerViewer } from "../models/customers/viewer";
import type { Criterion, SegmentType } from "./definition";
import type { SegmentEngine } from "./engine.server";
import { EvaluationError, type CriterionReason } from "./evaluate";
import { getSegment } from "./store.server";

export interface SegmentVerdict {
  segment: { id: number; code: string; name: string; type: SegmentType; isActive: boolean; isLocked: boolean; match: "all" | "any"; criteria: Criterion[] };
  /** Whether the customer is in the segment's stored members now. */
  isMember: boolean;
  /** Each criterion against the customer's values; null for a manual segment or one that cannot be evaluated. */
  explanation: { matched: boolean; reasons: CriterionReason[] } | null;
  /** Why the definition cannot be evaluated now (a category it names is gone, say). */
  evaluationError: string | null;
}

export type VerdictOutcome = { ok: true; verdict: SegmentVerdict } | { ok: false; reason: "customer-not-found" | "forbidden" | "segment-not-found" };

/** In the web process the engine is the server's copy of segments/, not the Remix build's: known by name too. */
function isEvaluationError(error: unknown): error is Error {
  return error instanceof EvaluationError || (error instanceof Error && error.constructor.name.startsWith("EvaluationError"));
}

/**
 * How one segment's criteria judge one customer at `now`. The viewer's right to the customer is
 * checked first, so a manager asking about another manager's customer learns nothing of them.
 */
export async function judgeCustomer(engine: SegmentEngine, input: { customerId: number; segmentId: number; viewer: CustomerViewer; now: Date }): Promise<VerdictOutcome> {
  const { db } = engine;
  const access = await checkCustomerAccess(db, input.customerId, input.viewer);
  if (!access.ok) return { ok: false, reason: access.reason === "forbidden" ? "forbidden" : "customer-not-found" };
  const segment = await getSegment(db, input.segmentId);
  if (!segment) return { ok: false, reason: "segment-not-found" };
  const membership = await db.models.SegmentMember.findOne({ attributes: ["segmentId"], where: { segmentId: segment.id, customerId: input.customerId }, raw: true });
  let explanation: SegmentVerdict["explanation"] = null;
  let evaluationError = segment.evaluationError;
  if (segment.type !== "manual" && segment.criteria.length > 0) {
    try {
      explanation = await engine.explainCustomer({ match: segment.match, criteria: segment.criteria }, input.customerId, input.now);
    } catch (error) {
      if (!isEvaluationError(error)) throw error;
      evaluationError = error.message;
    }
  }
  return {
    ok: true,
    verdict: {
      segment: {
        id: segment.id,
        code: segment.code,
        name: segment.name,
        type: segment.type,
        isActive: segment.isActive,
        isLocked: segment.type === "snapshot" && segment.lockedAt !== null,
        match: segment.match,
        criteria: segment.criteria,
      },
      isMember: membership !== null,
      explanation,
      evaluationError: explanation ? null : evaluationError,
    },
  };
}
