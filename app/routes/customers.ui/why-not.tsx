// "Why isn't this customer in…?": pick one of the segments the customer is not in, and each of its
// criteria comes back judged against the customer's own values (customers.$id_.why-not.ts).
import { Link, useFetcher } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Criterion } from "../../../segments/definition";
import type { CriterionReason } from "../../../segments/evaluate";
import type { SegmentVerdict } from "../../../segments/why-not.server";
import { Verdicts } from "~/components/segments/Verdicts";
import { wordingFrom } from "~/components/segments/words";
import type { WhyNotAnswer } from "../customers.$id_.why-not";

/** The sentence above the criteria: in or not, and, when the criteria hold, why the customer is still out. */
function headline(v: {
  isMember: boolean;
  evaluationError: string | null;
  explanation: { matched: boolean } | null;
  segment: Pick<SegmentVerdict["segment"], "type" | "isActive" | "match">;
}): string {
  const e = v.explanation;
  if (v.isMember) return "whyNot.isMember";
  if (!e) return v.segment.type === "manual" ? "whyNot.manual" : v.evaluationError ? "whyNot.unevaluable" : "whyNot.noCriteria";
  if (!e.matched) return v.segment.match === "all" ? "verdict.failingAll" : "verdict.failingAny";
  if (v.segment.type === "snapshot") return "whyNot.matchesSnapshot";
  if (!v.segment.isActive) return "whyNot.matchesInactive";
  return v.segment.match === "all" ? "whyNot.matchesSoon" : "whyNot.matchesAny";
}

export function WhyNotPicker({
  customerId,
  segments,
  canOpen,
  store,
}: {
  customerId: number;
  /** The segments the customer is not in, by name. */
  segments: Array<{ id: number; name: string }>;
  canOpen: boolean;
  store: { locale: string; currency: string };
}) {
  const { t } = useTranslation("segments");
  const fetcher = useFetcher<WhyNotAnswer>({ key: `why-not-${customerId}` });
  const [segmentId, setSegmentId] = useState("");
  const choose = (id: string) => {
    setSegmentId(id);
    if (id) fetcher.load(`/customers/${customerId}/why-not?segment=${id}`);
  };
  const answer = fetcher.data;
  const isChecking = fetcher.state === "loading";
  const verdict = answer && "verdict" in answer && String(answer.verdict.segment.id) === segmentId ? answer.verdict : null;
  const wording = answer && "verdict" in answer ? wordingFrom(store, answer.names) : null;

  return (
    <div className="mt-4 border-t border-slate-100 pt-3" data-testid="why-not">
      <label className="block">
        <span className="label text-xs">{t("whyNot.title")}</span>
        <select className="input mt-1" value={segmentId} onChange={(e) => choose(e.currentTarget.value)} data-testid="why-not-segment">
          <option value="">{t("whyNot.choose")}</option>
          {segments.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <div className="mt-2 text-sm" aria-live="polite">
        {!segmentId ? null : isChecking ? (
          <p className="text-slate-500">{t("whyNot.checking")}</p>
        ) : verdict && wording ? (
          <div className="space-y-2" data-testid="why-not-verdict">
            <p className={verdict.explanation?.matched || verdict.isMember ? "text-emerald-800" : "text-slate-800"} data-testid="why-not-headline">
              {t(headline(verdict), { reason: verdict.evaluationError ?? "" })}
            </p>
            {verdict.explanation && (
              <Verdicts
                wording={wording}
                lines={verdict.explanation.reasons.map((r) => ({ n: r.index + 1, criterion: verdict.segment.criteria[r.index] as Criterion, reason: r as CriterionReason }))}
              />
            )}
            {canOpen && (
              <Link to={`/segments/${verdict.segment.id}`} className="inline-block text-xs text-indigo-700 hover:underline">
                {t("whyNot.open")}
              </Link>
            )}
          </div>
        ) : answer && "problem" in answer ? (
          <p className="text-red-700" role="alert">
            {answer.problem === "segment-not-found" ? t("whyNot.gone") : t("whyNot.failed")}
          </p>
        ) : null}
      </div>
    </div>
  );
}
