// A rolling order time frame ("in the last N days") from the editor's draft to the preview's words,
// on a real database: the definition the draft stands for, the members the engine finds, and the
// reason each customer is given.
import i18next from "i18next";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { i18nConfig, resources } from "../../app/i18n";
import { definitionToDraft, draftToDefinition, newDraft, newCriterion } from "../../app/components/segments/catalogue";
import { describeCriterion, describeReason } from "../../app/components/segments/words";
import { SegmentDefinition, type Criterion } from "../../segments/definition";
import { SegmentEngine } from "../../segments/engine.server";
import { previewWithReasons } from "../../segments/preview-reasons.server";
import { createTestDatabase, testDialect } from "../support/db";
import { writeSmallStore } from "./store";

// Sofia 12:00 on 1 March 2026: the last 30 days are 31 January … 1 March
const now = new Date("2026-03-01T10:00:00Z");
const wording = { locale: "en", currency: "EUR" };

describe(`a rolling order time frame on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ids: Map<string, number>;
  let t: Parameters<typeof describeReason>[2];

  beforeAll(async () => {
    db = await createTestDatabase();
    ids = await writeSmallStore(db);
    const i18n = i18next.createInstance();
    await i18n.init({ ...i18nConfig, lng: "en", resources });
    t = i18n.getFixedT("en", "segments");
  });
  afterAll(() => db?.drop());

  it("the editor's draft with the last 30 days becomes { lastDays: 30 } and comes back as the same inputs", () => {
    const draft = { ...newDraft(), name: "Recent big spenders", code: "recent-big", criteria: [{ ...newCriterion("totalSpent"), min: "500", timeForm: "lastDays" as const, timeDays: "30" }] };
    const { definition, errors } = draftToDefinition(draft, { moneyDigits: 2, fieldTypes: {} });
    expect(errors).toEqual([]);
    expect(definition.criteria).toEqual([{ field: "totalSpent", min: 50000, max: undefined, timeFrame: { lastDays: 30 } }]);
    expect(SegmentDefinition.safeParse(definition).success).toBe(true);
    const back = definitionToDraft(definition, 2).criteria[0];
    expect({ timeForm: back.timeForm, timeDays: back.timeDays, timeFrom: back.timeFrom, min: back.min }).toEqual({ timeForm: "lastDays", timeDays: "30", timeFrom: "", min: "500.00" });

    const bad = draftToDefinition({ ...draft, criteria: [{ ...draft.criteria[0], timeDays: "a month" }] }, { moneyDigits: 2, fieldTypes: {} });
    expect(bad.errors).toEqual([{ index: 0, field: "timeFrame.lastDays", reason: "must be a whole number of days" }]);
  });

  it("the schema refuses a time frame that is both rolling and from/to, and a rolling one of 0 days, naming the field", () => {
    const issues = (timeFrame: unknown) =>
      SegmentDefinition.safeParse({ name: "x", code: "x", type: "dynamic", criteria: [{ field: "orderCount", min: 1, timeFrame }] }).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues({ lastDays: 30, from: "2026-01-01" })).toEqual([["criteria.0.timeFrame.lastDays", "is either lastDays or from/to, not both"]]);
    expect(issues({ lastDays: 0 })).toEqual([["criteria.0.timeFrame.lastDays", "must be at least 1"]]);
  });

  it("the preview counts only orders of the last 30 store days and says so in each reason", async () => {
    const criterion: Criterion = { field: "totalSpent", min: 50000, timeFrame: { lastDays: 30 } };
    const preview = await previewWithReasons(new SegmentEngine(db), { match: "all", criteria: [criterion] }, now);
    // boris spent 600.00 in June 2025: outside the frame
    expect(preview.customers.map((c) => c.id).sort((a, b) => a - b)).toEqual([ids.get("ana")!, ids.get("dimitar")!].sort((a, b) => a - b));
    const ana = preview.customers.find((c) => c.id === ids.get("ana"))!;
    expect(describeReason(criterion, ana.reasons[0], t, wording)).toBe("Total spent €812.40 ≥ €500.00 in the last 30 days");
    expect(describeCriterion(criterion, t, wording)).toBe("Total spent at least €500.00 (orders placed in the last 30 days)");
    const fewer = await previewWithReasons(new SegmentEngine(db), { match: "all", criteria: [{ ...criterion, timeFrame: { lastDays: 3 } }] }, now);
    expect(fewer.customers.map((c) => c.id)).toEqual([ids.get("dimitar")]);
  });
});
