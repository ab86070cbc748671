// The editor's live preview: the engine's count, per-criterion counts and first customers, each
// customer with why they are in (SPEC.md, "Beyond the references").
import type { Rule } from "./definition";
import { explain, type CriterionReason } from "./evaluate";
import type { Preview, PreviewCustomer, SegmentEngine } from "./engine.server";

export interface ExplainedCustomer extends PreviewCustomer {
  reasons: CriterionReason[];
}

export interface ExplainedPreview extends Omit<Preview, "customers"> {
  customers: ExplainedCustomer[];
}

/** A preview of `rule` at `now` whose customers carry the reasons each criterion gives for them. */
export async function previewWithReasons(engine: SegmentEngine, rule: Rule, now: Date, page: { limit?: number; after?: number } = {}): Promise<ExplainedPreview> {
  const preview = await engine.preview(rule, now, page);
  if (preview.customers.length === 0) return { ...preview, customers: [] };
  const ctx = await engine.context(now, [rule]);
  const customers = preview.customers.map((c) => {
    const slot = ctx.index.slotOf(c.id);
    return { ...c, reasons: slot === undefined ? [] : explain(ctx, rule, slot).reasons };
  });
  return { ...preview, customers };
}
