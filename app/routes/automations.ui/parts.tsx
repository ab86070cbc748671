// Small pieces the automation list and page share: the trigger and the action as sentences, and
// the active badge.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ChannelChain } from "../campaigns.ui/parts";

export function ActiveBadge({ isActive }: { isActive: boolean }) {
  const { t } = useTranslation("automations");
  return (
    <span
      className={`badge whitespace-nowrap ${isActive ? "bg-emerald-50 text-emerald-700 ring-1 ring-inset ring-emerald-200" : "bg-amber-50 text-amber-800 ring-1 ring-inset ring-amber-200"}`}
      data-testid="automation-state"
    >
      {t(isActive ? "states.active" : "states.paused")}
    </span>
  );
}

/** "Enters VIP", with the segment linked when it still exists. */
export function TriggerText({ trigger }: { trigger: { kind: "entered" | "left"; segmentId: number; segment: string | null } }) {
  const { t } = useTranslation("automations");
  return (
    <span className="break-words">
      {t(trigger.kind === "entered" ? "list.enters" : "list.leaves")}{" "}
      {trigger.segment ? (
        <Link to={`/segments/${trigger.segmentId}`} className="font-medium text-indigo-700 hover:underline">
          {trigger.segment}
        </Link>
      ) : (
        <span className="italic text-slate-500">{t("list.segmentGone")}</span>
      )}
    </span>
  );
}

/** The action in a few words: the message's chain, "task for the manager", the target segment. */
export function ActionText({ action }: { action: { kind: string; channels: string[]; segment: string | null } }) {
  const { t } = useTranslation("automations");
  if (action.kind === "message")
    return (
      <span className="inline-flex flex-wrap items-center gap-1">
        <span>{t("actionKinds.message")}:</span> <ChannelChain channels={action.channels} />
      </span>
    );
  return (
    <span className="break-words">
      {t(`actionKinds.${action.kind}`)}
      {action.segment && <span className="font-medium">: {action.segment}</span>}
    </span>
  );
}
