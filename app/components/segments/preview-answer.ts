// What the editor's live preview (app/routes/segments.preview.ts) answers.
import type { SegmentDefinition } from "../../../segments/definition";
import type { CriterionReason } from "../../../segments/evaluate";
import type { DraftError } from "./catalogue";
import type { EditImpact } from "../../../segments/impact.server";

export interface PreviewCustomerView {
  id: number;
  externalId: string;
  name: string;
  email: string | null;
  reasons: CriterionReason[];
}

export interface PreviewResult {
  /** The definition as the server read it, to word the reasons against. */
  definition: SegmentDefinition;
  /**
   * For each criterion of `definition`, its index in the editor: the finished ones only, while
   * others are still being filled in. `perCriterion` and the reasons follow `definition`.
   */
  counted: number[];
  /** Null for a manual segment, which has no criteria to evaluate. */
  count: number | null;
  perCriterion: number[];
  customers: PreviewCustomerView[];
  /** Editing a saved segment: who would enter and leave on saving, and what that sets off. */
  impact: EditImpact | null;
  /**
   * The customer picked in the preview, judged by each criterion of `definition` (the counted
   * ones); null when none is picked. `isFound` false: there is no such customer (any more).
   */
  checked: { customerId: number; isFound: boolean; matched: boolean; reasons: CriterionReason[] } | null;
  evaluatedMs: number;
}

/**
 * The problems of the definition, and the preview whenever the criteria can be evaluated: a name
 * or code still being typed does not hold the count back.
 */
export interface PreviewAnswer {
  errors: DraftError[];
  result: PreviewResult | null;
}
