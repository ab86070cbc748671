// Small pieces the segment pages share: the type badge (a lock for a locked snapshot), the active
// badge, a relative time with the exact one on hover, and notices.
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/format";
import type { SegmentType } from "./catalogue";

/** Roles that may create, edit, delete and recompute segments; managers only read them. */
export const SEGMENT_EDITORS = ["admin", "marketer"] as const;

export function LockIcon({ className = "h-3.5 w-3.5" }: { className?: string }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className={className} aria-hidden="true">
      <path fillRule="evenodd" d="M10 1a4.5 4.5 0 0 0-4.5 4.5V9H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6a2 2 0 0 0-2-2h-.5V5.5A4.5 4.5 0 0 0 10 1Zm3 8V5.5a3 3 0 1 0-6 0V9h6Z" clipRule="evenodd" />
    </svg>
  );
}

const TYPE_STYLE: Record<SegmentType, string> = {
  dynamic: "bg-indigo-50 text-indigo-700",
  accumulating: "bg-sky-50 text-sky-700",
  snapshot: "bg-amber-50 text-amber-800",
  manual: "bg-slate-100 text-slate-700",
};

export function TypeBadge({ type, isLocked }: { type: SegmentType; isLocked: boolean }) {
  const { t } = useTranslation("segments");
  return (
    <span className={`badge gap-1 whitespace-nowrap ${TYPE_STYLE[type]}`} title={isLocked ? t("types.locked") : t(`types.${type}Help`)} data-testid="segment-type">
      {isLocked && <LockIcon />}
      {t(`types.${type}`)}
      {isLocked && <span className="sr-only">{t("types.locked")}</span>}
    </span>
  );
}

export function ActiveBadge({ isActive }: { isActive: boolean }) {
  const { t } = useTranslation("segments");
  return isActive ? (
    <span className="badge bg-emerald-50 text-emerald-700 ring-1 ring-inset ring-emerald-200">{t("active.yes")}</span>
  ) : (
    <span className="badge bg-slate-100 text-slate-500 ring-1 ring-inset ring-slate-200">{t("active.no")}</span>
  );
}

/**
 * "5 minutes ago", measured from the moment the server answered (`now`), so the page renders the
 * same on the server and in the browser; the exact time in the store's zone on hover.
 */
export function RelativeTime({ at, now, locale, timeZone, never }: { at: string | null; now: string; locale: string; timeZone: string; never: string }) {
  if (!at) return <span className="text-slate-400">{never}</span>;
  const seconds = Math.round((new Date(at).getTime() - new Date(now).getTime()) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    abs < 60 ? [seconds, "second"] : abs < 3600 ? [Math.round(seconds / 60), "minute"] : abs < 86400 ? [Math.round(seconds / 3600), "hour"] : abs < 86400 * 45 ? [Math.round(seconds / 86400), "day"] : [Math.round(seconds / (86400 * 30)), "month"];
  const text = abs < 10 ? new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(0, "second") : new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(value, unit);
  return (
    <time dateTime={at} title={formatDateTime(at, locale, timeZone)}>
      {text}
    </time>
  );
}

export function Notice({ tone, children, testId }: { tone: "success" | "warning" | "error" | "info"; children: React.ReactNode; testId?: string }) {
  const styles = {
    success: "border-emerald-200 bg-emerald-50 text-emerald-900",
    warning: "border-amber-300 bg-amber-50 text-amber-900",
    error: "border-red-200 bg-red-50 text-red-800",
    info: "border-slate-200 bg-slate-50 text-slate-700",
  }[tone];
  return (
    <div className={`rounded-lg border p-3 text-sm ${styles}`} role={tone === "error" ? "alert" : "status"} data-testid={testId}>
      {children}
    </div>
  );
}
