// "Check a customer" in the editor's preview: search a customer by name or email (the customer
// list's own search, through /segments/customers), pick one, and the draft as it stands judges them
// criterion by criterion. The verdict comes with each preview (segments.preview.ts); criteria still
// being filled in are not counted yet, and say so.
import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { PreviewResult } from "../preview-answer";
import { Verdicts, type VerdictLine } from "../Verdicts";
import type { Wording } from "../words";

export interface CheckedCustomer {
  id: number;
  name: string;
  externalId: string;
  email: string | null;
}

interface SearchAnswer {
  q: string;
  customers: CheckedCustomer[];
}

const SEARCH_DELAY_MS = 250;

export function CustomerCheck({
  checked,
  onCheck,
  result,
  isUpdating,
  criteriaCount,
  wording,
}: {
  checked: CheckedCustomer | null;
  onCheck: (customer: CheckedCustomer | null) => void;
  result: PreviewResult | null;
  isUpdating: boolean;
  criteriaCount: number;
  wording: Wording;
}) {
  const { t } = useTranslation("segments");
  const [q, setQ] = useState("");
  const search = useFetcher<SearchAnswer>({ key: "segment-check-search" });
  useEffect(() => {
    const term = q.trim();
    if (!term) return;
    const timer = setTimeout(() => search.load(`/segments/customers?q=${encodeURIComponent(term)}`), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
    // the fetcher is stable for the page; the typed text is what matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);
  const found = !checked && q.trim() && search.data?.q === q.trim() ? search.data.customers : null;
  const verdict = checked && result?.checked?.customerId === checked.id ? result.checked : null;

  let lines: VerdictLine[] = [];
  if (verdict && result) {
    lines = Array.from({ length: criteriaCount }, (_, i) => {
      const at = result.counted.indexOf(i);
      const criterion = at < 0 ? null : (result.definition.criteria[at] ?? null);
      return { n: i + 1, criterion, reason: criterion ? (verdict.reasons.find((r) => r.index === at) ?? null) : null };
    });
  }
  const isPartial = lines.some((l) => !l.reason);

  return (
    <section className="rounded-md border border-slate-200 p-3" aria-labelledby="customer-check-title" data-testid="customer-check">
      <h3 id="customer-check-title" className="text-xs font-semibold uppercase tracking-wide text-slate-500">
        {t("check.title")}
      </h3>
      {!checked ? (
        <>
          <p className="mt-1 text-xs text-slate-500">{t("check.help")}</p>
          <label className="mt-2 block">
            <span className="label text-xs">{t("check.search")}</span>
            <input
              type="search"
              className="input mt-1"
              value={q}
              onChange={(e) => setQ(e.currentTarget.value)}
              placeholder={t("check.searchPlaceholder")}
              maxLength={200}
              autoComplete="off"
              data-testid="check-search"
            />
          </label>
          {found && (
            <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="check-results">
              {found.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">{t("check.noResults")}</li>}
              {found.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className="flex w-full items-center justify-between gap-3 px-3 py-2 text-left text-sm hover:bg-slate-50 focus:bg-slate-50 focus:outline-none"
                    onClick={() => {
                      onCheck({ id: c.id, name: c.name, externalId: c.externalId, email: c.email });
                      setQ("");
                    }}
                    aria-label={t("check.pickNamed", { name: c.name || c.externalId })}
                    data-testid="check-pick"
                  >
                    <span className="min-w-0">
                      <span className="block truncate font-medium text-slate-900">{c.name || <span className="italic text-slate-500">{t("preview.noName")}</span>}</span>
                      <span className="block truncate text-xs text-slate-500">{[c.externalId, c.email].filter(Boolean).join(" · ")}</span>
                    </span>
                    <span className="shrink-0 text-xs font-medium text-indigo-700">{t("check.pick")}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <div className="mt-2 space-y-2 text-sm" data-testid="check-verdict">
          <div className="min-w-0">
            <div className="break-words font-medium text-slate-900" data-testid="check-name">
              {checked.name || <span className="italic text-slate-500">{t("preview.noName")}</span>}
            </div>
            <div className="break-words text-xs text-slate-500">{[checked.externalId, checked.email].filter(Boolean).join(" · ")}</div>
          </div>
          {!verdict ? (
            <p className="text-slate-500">{isUpdating ? t("preview.updating") : t("check.waiting")}</p>
          ) : !verdict.isFound ? (
            <p className="text-red-700">{t("check.notFound")}</p>
          ) : (
            <>
              <p className={`font-medium ${verdict.matched ? "text-emerald-800" : "text-slate-800"}`} data-testid="check-headline">
                {verdict.matched ? t("check.matches") : t("check.doesNotMatch")}
                {isPartial && <span className="block text-xs font-normal text-amber-800">{t("check.partial")}</span>}
              </p>
              <div className={isUpdating ? "opacity-50 transition-opacity" : "transition-opacity"}>
                <Verdicts lines={lines} wording={wording} testId="check-verdicts" />
              </div>
            </>
          )}
          <button type="button" className="btn-secondary" onClick={() => onCheck(null)} data-testid="check-another">
            {t("check.another")}
          </button>
        </div>
      )}
    </section>
  );
}
