// The editor's live preview: the member count, the impact of saving an edit, one customer of the
// marketer's choosing judged criterion by criterion, and the first customers, each with why they are in.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatNumber } from "~/format";
import type { PreviewResult } from "../preview-answer";
import { describeReason, type Wording } from "../words";
import { CustomerCheck, type CheckedCustomer } from "./CustomerCheck";
import { ImpactUses } from "./ImpactUses";

export function PreviewPanel({
  result,
  isUpdating,
  isManual,
  hasErrors,
  hasShownErrors,
  hasLocalErrors,
  match,
  wording,
  store,
  segment,
  notCounted = [],
  criteriaCount,
  checked,
  onCheck,
}: {
  result: PreviewResult | null;
  /** Criteria (by index in the editor) still being filled in, which the count leaves out. */
  notCounted?: number[];
  isUpdating: boolean;
  isManual: boolean;
  /** The draft has problems (shown or not yet): the count may be of what was last sound. */
  hasErrors: boolean;
  hasShownErrors: boolean;
  /** Problems only the browser knows (text that is not a number): the shown count is of an older draft. */
  hasLocalErrors: boolean;
  match: "all" | "any";
  wording: Wording;
  store: { locale: string };
  segment?: { id: number; memberCount: number };
  /** How many criteria the editor has, finished or not. */
  criteriaCount: number;
  /** The customer picked in "Check a customer", if any. */
  checked: CheckedCustomer | null;
  onCheck: (customer: CheckedCustomer | null) => void;
}) {
  const { t } = useTranslation("segments");
  const n = (v: number) => formatNumber(v, store.locale);
  const ok = result;
  const stale = isUpdating || hasLocalErrors || (hasErrors && !ok);

  let summary: React.ReactNode;
  if (isManual) {
    summary = <p className="text-sm text-slate-600">{segment ? t("preview.manualSaved", { count: segment.memberCount, formatted: n(segment.memberCount) }) : t("preview.manualNew")}</p>;
  } else if (!ok) {
    summary = <p className="text-sm text-slate-500">{hasShownErrors ? t("preview.fixErrors") : t("preview.waiting")}</p>;
  } else {
    summary = (
      <div className="space-y-4">
        <div>
          <div className="text-3xl font-semibold tabular-nums text-slate-900" data-testid="preview-count">
            {n(ok.count ?? 0)}
          </div>
          <div className="text-sm text-slate-500">{t("preview.customers", { count: ok.count ?? 0 })}</div>
          {notCounted.length > 0 && (
            <p className="mt-1 text-xs text-amber-800" data-testid="preview-not-counting">
              {t("preview.notCounting", { count: notCounted.length, criteria: notCounted.map((i) => i + 1).join(", ") })}
            </p>
          )}
          {ok.perCriterion.length > 1 && (
            <ul className="mt-2 space-y-0.5 text-xs text-slate-600" data-testid="preview-per-criterion">
              {ok.perCriterion.map((c, i) => (
                <li key={i}>
                  {t("preview.criterionAlone", { n: (ok.counted[i] ?? i) + 1, formatted: n(c) })}
                </li>
              ))}
              <li className="font-medium text-slate-700">{t(match === "all" ? "preview.allTogether" : "preview.anyTogether", { formatted: n(ok.count ?? 0) })}</li>
            </ul>
          )}
        </div>
        {ok.impact && (
          <div className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="impact">
            <div className="font-medium">{t("preview.impactTitle")}</div>
            {ok.impact.recomputes && ok.impact.entering + ok.impact.leaving === 0 ? (
              <p className="mt-1">{t("preview.impactNone", { count: ok.impact.members, formatted: n(ok.impact.members) })}</p>
            ) : ok.impact.recomputes ? (
              <p className="mt-1">
                {t("preview.impact", { count: ok.impact.members, entering: n(ok.impact.entering), leaving: n(ok.impact.leaving), formatted: n(ok.impact.members) })}
              </p>
            ) : (
              <p className="mt-1">{t("preview.impactLocked")}</p>
            )}
            {ok.impact.recomputes && ok.impact.entering + ok.impact.leaving > 0 && <ImpactUses impact={ok.impact} locale={store.locale} />}
          </div>
        )}
      </div>
    );
  }

  const firstCustomers = ok && !isManual && (
    <div>
      {ok.customers.length > 0 && <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("preview.first", { count: ok.customers.length })}</h3>}
      {ok.customers.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="preview-empty">
          {t("preview.none")}
        </p>
      ) : (
        <ul className="mt-2 divide-y divide-slate-100" data-testid="preview-customers">
          {ok.customers.map((c) => (
            <li key={c.id} className="py-2 text-sm">
              <div className="flex items-baseline justify-between gap-2">
                <Link to={`/customers/${c.id}`} target="_blank" className="min-w-0 truncate font-medium text-indigo-700 hover:underline" title={c.name || c.externalId}>
                  {c.name || <span className="italic text-slate-500">{t("preview.noName")}</span>}
                </Link>
                <span className="shrink-0 font-mono text-xs text-slate-500">{c.externalId}</span>
              </div>
              <ul className="mt-1 space-y-0.5" aria-label={t("preview.why")}>
                {c.reasons.map((r) => {
                  const criterion = ok.definition.criteria[r.index];
                  if (!criterion) return null;
                  return (
                    <li key={r.index} className={`flex gap-1.5 text-xs ${r.matched ? "text-slate-700" : "text-slate-400"}`} data-testid="reason">
                      <span aria-hidden="true" className={r.matched ? "text-emerald-600" : "text-slate-400"}>
                        {r.matched ? "✓" : "–"}
                      </span>
                      <span className="min-w-0 break-words">{describeReason(criterion, r, t, wording)}</span>
                    </li>
                  );
                })}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );

  // the check sits between the count and the first customers whatever the preview shows, so what
  // is typed in its search box stays while the preview comes and goes
  const faded = `transition-opacity ${stale && ok ? "opacity-50" : ""}`;
  return (
    <aside className="card space-y-4 xl:sticky xl:top-4" aria-live="polite" data-testid="preview">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-900">{t("preview.title")}</h2>
        {!isManual && (
          <span className={`text-xs ${isUpdating ? "text-indigo-600" : "text-slate-400"}`} data-testid="preview-state">
            {isUpdating ? t("preview.updating") : ok ? t("preview.upToDate") : ""}
          </span>
        )}
      </div>
      <div className={faded}>{summary}</div>
      {!isManual && <CustomerCheck checked={checked} onCheck={onCheck} result={ok} isUpdating={isUpdating} criteriaCount={criteriaCount} wording={wording} />}
      {firstCustomers && <div className={faded}>{firstCustomers}</div>}
    </aside>
  );
}
