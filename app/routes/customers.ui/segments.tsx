// The segments a customer is in now, each with why: the criteria against their own values
// (segments/why.server.ts), in the sentences the segment editor's preview uses; and a picker that
// asks why they are not in one of the others.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Criterion } from "../../../segments/definition";
import type { CriterionReason } from "../../../segments/evaluate";
import { describeCriterion, describeReason, wordingFrom } from "~/components/segments/words";
import { formatDateTime } from "~/format";
import { Card } from "./card";
import type { CustomerPageData } from "./page-data.server";
import { WhyNotPicker } from "./why-not";

export function SegmentsCard({ data }: { data: CustomerPageData }) {
  const { t } = useTranslation("segments");
  const { segments, store, profile } = data;
  const wording = wordingFrom(store, segments.names);
  return (
    <Card title={t("why.title")} testId="customer-segments">
      {segments.memberships.length === 0 ? (
        <p className="text-sm text-slate-500">{t("why.none")}</p>
      ) : (
        <ul className="space-y-3">
          {segments.memberships.map((m) => (
            <li key={m.segmentId} className="text-sm" data-testid="customer-segment">
              <div className="flex flex-wrap items-baseline justify-between gap-x-2">
                {segments.canOpen ? (
                  <Link to={`/segments/${m.segmentId}`} className="font-medium text-indigo-700 hover:underline">
                    {m.name}
                  </Link>
                ) : (
                  <span className="font-medium">{m.name}</span>
                )}
                <span className="text-xs text-slate-500">{t("why.since", { at: formatDateTime(m.enteredAt, store.locale, store.timeZone) })}</span>
              </div>
              {m.type === "manual" && <p className="text-xs text-slate-500">{t("why.byHand")}</p>}
              {m.type === "snapshot" && <p className="text-xs text-slate-500">{t("why.inSnapshot")}</p>}
              <MembershipReasons membership={m} wording={wording} />
            </li>
          ))}
        </ul>
      )}
      {segments.notIn.length > 0 ? (
        <WhyNotPicker customerId={profile.id} segments={segments.notIn} canOpen={segments.canOpen} store={store} />
      ) : (
        segments.memberships.length > 0 && <p className="mt-4 border-t border-slate-100 pt-3 text-sm text-slate-500">{t("whyNot.inEvery")}</p>
      )}
    </Card>
  );
}

type Membership = CustomerPageData["segments"]["memberships"][number];

/** Why the customer is in one segment: each criterion against their own values, or the criteria when none could be judged. */
export function MembershipReasons({ membership: m, wording }: { membership: Membership; wording: ReturnType<typeof wordingFrom> }) {
  const { t } = useTranslation("segments");
  return m.explanation ? (
    <ul className="mt-1 space-y-0.5">
      {m.explanation.reasons.map((r) => {
        const criterion = m.criteria[r.index] as Criterion;
        return (
          <li key={r.index} className={r.matched ? "text-emerald-800" : "text-slate-500"} data-testid="segment-reason">
            {r.matched ? "✓ " : "✗ "}
            {describeReason(criterion, r as CriterionReason, t, wording)}
          </li>
        );
      })}
      {!m.explanation.matchesNow && <li className="text-amber-700">{t(m.type === "accumulating" ? "why.stays" : "why.leaves")}</li>}
    </ul>
  ) : m.criteria.length > 0 ? (
    <ul className="mt-1 space-y-0.5 text-slate-600">
      {m.criteria.map((c, i) => (
        <li key={i}>{describeCriterion(c as Criterion, t, wording)}</li>
      ))}
    </ul>
  ) : null;
}
