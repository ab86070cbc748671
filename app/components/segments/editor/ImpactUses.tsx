// What saving an edited segment sets off beyond its members: each automation on the segment and how
// many of the customers moving it would fire for, and the scheduled campaigns that will read the new
// members when they start. Shown in the live preview and again in the dialog that confirms the save.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatNumber } from "~/format";
import type { EditImpact } from "../../../../segments/impact.server";

/** Whether saving this edit moves customers that automations or scheduled campaigns act on. */
export const needsConfirmation = (impact: EditImpact | null | undefined): impact is EditImpact =>
  Boolean(impact && impact.recomputes && impact.entering + impact.leaving > 0 && (impact.automations.length > 0 || impact.scheduledCampaigns.length > 0));

export function ImpactUses({ impact, locale }: { impact: EditImpact; locale: string }) {
  const { t } = useTranslation("segments");
  const n = (v: number) => formatNumber(v, locale);
  if (impact.automations.length === 0 && impact.scheduledCampaigns.length === 0) return null;
  return (
    <div className="mt-2 space-y-2" data-testid="impact-uses">
      {impact.automations.length > 0 && (
        <div>
          <p className="font-medium">{t("impact.automations")}</p>
          <ul className="mt-1 space-y-1">
            {impact.automations.map((a) => (
              <li key={a.id} className="break-words" data-testid={`impact-automation-${a.id}`}>
                <Link to={`/automations/${a.id}`} className="font-medium underline" target="_blank" rel="noreferrer">
                  {a.name}
                </Link>{" "}
                ({t(a.triggerKind === "entered" ? "impact.onEnter" : "impact.onLeave")}): {t("impact.wouldFire", { count: a.fires, formatted: n(a.fires) })}
                {a.capped > 0 && <span> {t("impact.capped", { count: a.capped, formatted: n(a.capped) })}</span>}
                {!a.isActive && <span> {t("impact.paused")}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {impact.scheduledCampaigns.length > 0 && (
        <div>
          <p className="font-medium">{t("impact.campaigns")}</p>
          <ul className="mt-1 space-y-1">
            {impact.scheduledCampaigns.map((c) => (
              <li key={c.id} className="break-words" data-testid={`impact-campaign-${c.id}`}>
                <Link to={`/campaigns/${c.id}`} className="font-medium underline" target="_blank" rel="noreferrer">
                  {c.name}
                </Link>{" "}
                {t(c.role === "include" ? "impact.includes" : "impact.excludes")}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
