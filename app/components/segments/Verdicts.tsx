// One customer against a segment's criteria, criterion by criterion: the criterion's sentence,
// whether it is met, and the customer's own value ("Total spent at least €500.00 · not met ·
// this customer: €120.00"). The customer page's "Why isn't this customer in?" and the editor's
// "Check a customer" show it the same way.
import { useTranslation } from "react-i18next";
import type { Criterion } from "../../../segments/definition";
import type { CriterionReason } from "../../../segments/evaluate";
import { describeCriterion, describeValue, type Wording } from "./words";

export interface VerdictLine {
  /** The criterion's number as the user sees it (1-based). */
  n: number;
  /** Null while the editor's criterion is unfinished: it is not counted yet. */
  criterion: Criterion | null;
  reason: CriterionReason | null;
}

export function Verdicts({ lines, wording, testId = "verdicts" }: { lines: VerdictLine[]; wording: Wording; testId?: string }) {
  const { t } = useTranslation("segments");
  return (
    <ul className="space-y-2" data-testid={testId}>
      {lines.map((line) => {
        const state = !line.criterion || !line.reason ? "pending" : line.reason.matched ? "met" : "not-met";
        return (
          <li key={line.n} className="flex gap-2 text-sm" data-testid="verdict" data-state={state}>
            <span aria-hidden="true" className={`w-4 shrink-0 text-center font-semibold ${state === "met" ? "text-emerald-600" : state === "not-met" ? "text-red-600" : "text-slate-400"}`}>
              {state === "met" ? "✓" : state === "not-met" ? "✗" : "…"}
            </span>
            <div className="min-w-0 break-words">
              <div className={state === "pending" ? "text-slate-500" : "text-slate-900"}>
                {line.criterion && line.reason ? describeCriterion(line.criterion, t, wording) : t("verdict.criterionN", { n: line.n })}
              </div>
              <div className="text-xs text-slate-600">
                {line.criterion && line.reason ? (
                  <>
                    <span className={`font-medium ${line.reason.matched ? "text-emerald-700" : "text-red-700"}`}>{line.reason.matched ? t("verdict.met") : t("verdict.notMet")}</span>
                    {" · "}
                    <span data-testid="verdict-value">{t("verdict.theirs", { value: describeValue(line.criterion, line.reason, t, wording) })}</span>
                  </>
                ) : (
                  <>
                    <span className="font-medium text-amber-800">{t("verdict.notCounted")}</span>
                    {": "}
                    {t("verdict.notCountedHelp")}
                  </>
                )}
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
