// Small pieces the task inbox and the task page share (browser-safe).
import { useTranslation } from "react-i18next";
import { formatDateTime } from "~/format";

/** A due date in the store's zone and locale; overdue ones in red with a badge, none as "No due date". */
export function DueDate({ dueAt, isOverdue, store }: { dueAt: string | null; isOverdue: boolean; store: { locale: string; timeZone: string } }) {
  const { t } = useTranslation("tasks");
  if (!dueAt) return <span className="text-slate-400">{t("list.noDue")}</span>;
  return (
    <span className={isOverdue ? "font-medium text-rose-700" : "text-slate-700"} data-testid="task-due">
      <time dateTime={dueAt}>{formatDateTime(dueAt, store.locale, store.timeZone)}</time>
      {isOverdue && <span className="badge ml-1.5 bg-rose-50 text-rose-700 ring-1 ring-inset ring-rose-200">{t("list.overdue")}</span>}
    </span>
  );
}

export function TaskStatusBadge({ status }: { status: "open" | "done" }) {
  const { t } = useTranslation("tasks");
  return <span className={`badge ${status === "open" ? "bg-sky-50 text-sky-800" : "bg-emerald-50 text-emerald-700"}`} data-testid="task-status">{t(`page.statuses.${status}`)}</span>;
}
