// Pieces the import list and the import page share (browser-safe).
import { useTranslation } from "react-i18next";
import { formatNumber } from "~/format";
import type { ImportStatus } from "../../../models/imports/formats";

const STATUS_COLOURS: Record<ImportStatus, string> = {
  uploaded: "bg-slate-100 text-slate-700",
  mapped: "bg-slate-100 text-slate-700",
  queued: "bg-indigo-50 text-indigo-700",
  checking: "bg-indigo-50 text-indigo-700",
  checked: "bg-sky-50 text-sky-700",
  running: "bg-indigo-50 text-indigo-700",
  stopping: "bg-amber-50 text-amber-800",
  done: "bg-emerald-50 text-emerald-700",
  failed: "bg-red-50 text-red-700",
};

export function StatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useTranslation("imports");
  return (
    <span className={`badge ${STATUS_COLOURS[status]}`} data-testid="import-status" data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

export function ProgressBar({ percent, rows, locale }: { percent: number; rows: number; locale: string }) {
  const { t } = useTranslation("imports");
  return (
    <div className="space-y-1" data-testid="import-progress">
      <div
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
        role="progressbar"
        aria-label={t("progress.label")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="h-full rounded-full bg-indigo-600 transition-[width] duration-500" style={{ width: `${percent}%` }} />
      </div>
      <div className="flex justify-between text-xs text-slate-500">
        <span>{t("progress.rows", { count: rows, formatted: formatNumber(rows, locale) })}</span>
        <span>{t("progress.percent", { percent: formatNumber(percent, locale) })}</span>
      </div>
    </div>
  );
}

export function Counts({ items, locale }: { items: Array<{ label: string; value: number; tone?: "error" | "good" }>; locale: string }) {
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="import-counts">
      {items.map((item) => (
        <div key={item.label} className="rounded-md border border-slate-200 px-3 py-2">
          <dt className="text-xs text-slate-500">{item.label}</dt>
          <dd
            className={`text-lg font-semibold tabular-nums ${item.tone === "error" && item.value > 0 ? "text-red-700" : item.tone === "good" ? "text-emerald-700" : "text-slate-900"}`}
          >
            {formatNumber(item.value, locale)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Bytes as people read them: 1.2 MB. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
