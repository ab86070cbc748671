// A notification stores what happened (`kind`) and its values; its sentence comes from the catalogue
// (common:notifications.kinds), in the reader's language, with numbers in the store's locale.
import type { TFunction } from "i18next";
import { formatNumber } from "~/format";

export interface NotificationLike {
  kind: string;
  params: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === "string" ? value : value === undefined || value === null ? "" : String(value));
const number = (value: unknown, locale: string) => (typeof value === "number" && Number.isFinite(value) ? formatNumber(value, locale) : text(value));

/** The sentence for one notification; an unknown kind still says something rather than nothing. */
export function notificationText(n: NotificationLike, t: TFunction, locale: string): string {
  switch (n.kind) {
    case "segment.formed":
      return t("notifications.kinds.segment_formed", { name: text(n.params.name), size: number(n.params.size, locale), count: typeof n.params.size === "number" ? n.params.size : 0, seconds: number(n.params.seconds, locale) });
    case "task.assigned":
      return t("notifications.kinds.task_assigned", { title: text(n.params.title) });
    case "automation.notice":
      return t(n.params.event === "left" ? "notifications.kinds.automation_notice_left" : "notifications.kinds.automation_notice_entered", { name: text(n.params.name) });
    case "export.ready":
      return t("notifications.kinds.export_ready", { fileName: text(n.params.fileName), rows: number(n.params.rows, locale), count: typeof n.params.rows === "number" ? n.params.rows : 0 });
    case "export.failed":
      return t("notifications.kinds.export_failed", { fileName: text(n.params.fileName) });
    default:
      return t("notifications.kinds.unknown", { kind: n.kind });
  }
}
