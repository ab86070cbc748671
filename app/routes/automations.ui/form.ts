// What the automation form holds while a marketer edits it, how its posted fields become the API's
// automation input, and the saved automation as form values. Browser-safe: the form's posted
// names are flat (`delayAmount`, `taskTitle`); the errors come back under the API's names
// (`delay.amount`, `action.title`), which the form places beside its fields.
import type { CampaignChannel } from "../../../campaigns/definition";
import type { AutomationAction, AutomationDelay } from "../../../automations/definition";
import { emptyTemplate, type TemplateValues } from "../campaigns.ui/form";

export const ACTION_KINDS = ["message", "task", "notify", "add_to_segment", "remove_from_segment"] as const;
export const DELAY_KINDS = ["none", "minutes", "hours", "days", "next_day_at"] as const;
export const CAP_KINDS = ["once", "days", "none"] as const;

export interface AutomationFormValues {
  name: string;
  triggerKind: "entered" | "left";
  triggerSegmentId: string;
  delayKind: (typeof DELAY_KINDS)[number];
  delayAmount: string;
  delayTime: string;
  actionKind: (typeof ACTION_KINDS)[number];
  channels: CampaignChannel[];
  templates: Partial<Record<CampaignChannel, TemplateValues>>;
  taskTitle: string;
  taskDescription: string;
  taskDueInHours: string;
  taskFallbackUserId: string;
  notifyUserId: string;
  targetSegmentId: string;
  capKind: (typeof CAP_KINDS)[number];
  capDays: string;
  firingHoursMode: "any" | "own";
  firingHoursStart: string;
  firingHoursEnd: string;
  isActive: boolean;
}

export function newAutomationValues(): AutomationFormValues {
  return {
    name: "",
    triggerKind: "entered",
    triggerSegmentId: "",
    delayKind: "none",
    delayAmount: "",
    delayTime: "10:00",
    actionKind: "message",
    channels: ["email"],
    templates: { email: emptyTemplate() },
    taskTitle: "",
    taskDescription: "",
    taskDueInHours: "24",
    taskFallbackUserId: "",
    notifyUserId: "",
    targetSegmentId: "",
    capKind: "once",
    capDays: "30",
    firingHoursMode: "any",
    firingHoursStart: "09:00",
    firingHoursEnd: "20:00",
    isActive: true,
  };
}

/** The saved automation (as the API shows it) as the form's values. */
export function formValuesOf(a: {
  name: string;
  trigger: { segmentId: number; kind: "entered" | "left" };
  delay: AutomationDelay;
  action: AutomationAction;
  cap: { kind: "none" } | { kind: "once" } | { kind: "days"; days: number };
  firingHours: { start: string; end: string } | null;
  isActive: boolean;
}): AutomationFormValues {
  const base = newAutomationValues();
  const action = a.action;
  const templates: AutomationFormValues["templates"] = {};
  if (action.kind === "message") {
    for (const channel of action.channels) {
      const t = action.templates[channel];
      templates[channel] = t && "subject" in t ? { subject: t.subject, htmlBody: t.htmlBody, textBody: t.textBody ?? "" } : { ...emptyTemplate(), textBody: t?.textBody ?? "" };
    }
  }
  return {
    ...base,
    name: a.name,
    triggerKind: a.trigger.kind,
    triggerSegmentId: String(a.trigger.segmentId),
    delayKind: a.delay.kind,
    delayAmount: "amount" in a.delay ? String(a.delay.amount) : "",
    delayTime: a.delay.kind === "next_day_at" ? a.delay.time : base.delayTime,
    actionKind: action.kind,
    channels: action.kind === "message" ? action.channels : base.channels,
    templates: action.kind === "message" ? templates : base.templates,
    taskTitle: action.kind === "task" ? action.title : "",
    taskDescription: action.kind === "task" ? action.description : "",
    taskDueInHours: action.kind === "task" ? (action.dueInHours === null ? "" : String(action.dueInHours)) : base.taskDueInHours,
    taskFallbackUserId: action.kind === "task" && action.fallbackUserId ? String(action.fallbackUserId) : "",
    notifyUserId: action.kind === "notify" ? String(action.userId) : "",
    targetSegmentId: action.kind === "add_to_segment" || action.kind === "remove_from_segment" ? String(action.segmentId) : "",
    capKind: a.cap.kind,
    capDays: a.cap.kind === "days" ? String(a.cap.days) : base.capDays,
    firingHoursMode: a.firingHours ? "own" : "any",
    firingHoursStart: a.firingHours?.start ?? base.firingHoursStart,
    firingHoursEnd: a.firingHours?.end ?? base.firingHoursEnd,
    isActive: a.isActive,
  };
}

type Posted = Pick<FormData, "get" | "getAll">;

const text = (form: Posted, name: string): string => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};
/** "12" as 12, blank as undefined (the schema names the missing field), anything else as typed, for the schema to name. */
const numberOf = (raw: string): number | string | undefined => {
  const v = raw.trim();
  if (v === "") return undefined;
  return /^-?\d{1,10}$/.test(v) ? Number(v) : v;
};

/** The posted form as the API's automation input (AutomationInput); the schema then names what is wrong. */
export function automationInputOfForm(form: Posted): Record<string, unknown> {
  const delayKind = text(form, "delayKind") || "none";
  const delay = delayKind === "next_day_at" ? { kind: delayKind, time: text(form, "delayTime").trim() } : delayKind === "none" ? { kind: "none" } : { kind: delayKind, amount: numberOf(text(form, "delayAmount")) };
  const actionKind = text(form, "actionKind");
  let action: Record<string, unknown> = { kind: actionKind };
  if (actionKind === "message") {
    const channels = form.getAll("channels").filter((v): v is string => typeof v === "string");
    const templates: Record<string, unknown> = {};
    for (const channel of channels) {
      if (channel in templates) continue;
      const field = (f: string) => text(form, `templates.${channel}.${f}`);
      templates[channel] = channel === "email" ? { subject: field("subject"), htmlBody: field("htmlBody"), textBody: field("textBody") || null } : { textBody: field("textBody") };
    }
    action = { kind: actionKind, channels, templates };
  } else if (actionKind === "task") {
    const due = text(form, "taskDueInHours");
    action = { kind: actionKind, title: text(form, "taskTitle"), description: text(form, "taskDescription"), dueInHours: due.trim() === "" ? null : numberOf(due), fallbackUserId: numberOf(text(form, "taskFallbackUserId")) ?? null };
  } else if (actionKind === "notify") {
    action = { kind: actionKind, userId: numberOf(text(form, "notifyUserId")) };
  } else if (actionKind === "add_to_segment" || actionKind === "remove_from_segment") {
    action = { kind: actionKind, segmentId: numberOf(text(form, "targetSegmentId")) };
  }
  const capKind = text(form, "capKind") || "once";
  return {
    name: text(form, "name"),
    trigger: { kind: text(form, "triggerKind"), segmentId: numberOf(text(form, "triggerSegmentId")) },
    delay,
    action,
    cap: capKind === "days" ? { kind: capKind, days: numberOf(text(form, "capDays")) } : { kind: capKind },
    firingHours: text(form, "firingHoursMode") === "own" ? { start: text(form, "firingHoursStart").trim(), end: text(form, "firingHoursEnd").trim() } : null,
    isActive: text(form, "isActive") === "on",
  };
}

/** The posted form as the form's values again: a refused save shows what was typed, even after a full page load. */
export function postedValues(form: Posted): AutomationFormValues {
  const base = newAutomationValues();
  const pick = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = text(form, name);
    return (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
  };
  const channels = form.getAll("channels").filter((v): v is CampaignChannel => typeof v === "string" && ["email", "sms", "messenger", "viber"].includes(v));
  const templates: AutomationFormValues["templates"] = {};
  for (const channel of channels) {
    templates[channel] = { subject: text(form, `templates.${channel}.subject`), htmlBody: text(form, `templates.${channel}.htmlBody`), textBody: text(form, `templates.${channel}.textBody`) };
  }
  return {
    name: text(form, "name"),
    triggerKind: pick("triggerKind", ["entered", "left"] as const, base.triggerKind),
    triggerSegmentId: text(form, "triggerSegmentId"),
    delayKind: pick("delayKind", DELAY_KINDS, base.delayKind),
    delayAmount: text(form, "delayAmount"),
    delayTime: text(form, "delayTime") || base.delayTime,
    actionKind: pick("actionKind", ACTION_KINDS, base.actionKind),
    channels: channels.length ? [...new Set(channels)] : base.channels,
    templates: channels.length ? templates : base.templates,
    taskTitle: text(form, "taskTitle"),
    taskDescription: text(form, "taskDescription"),
    taskDueInHours: text(form, "taskDueInHours"),
    taskFallbackUserId: text(form, "taskFallbackUserId"),
    notifyUserId: text(form, "notifyUserId"),
    targetSegmentId: text(form, "targetSegmentId"),
    capKind: pick("capKind", CAP_KINDS, base.capKind),
    capDays: text(form, "capDays"),
    firingHoursMode: pick("firingHoursMode", ["any", "own"] as const, base.firingHoursMode),
    firingHoursStart: text(form, "firingHoursStart") || base.firingHoursStart,
    firingHoursEnd: text(form, "firingHoursEnd") || base.firingHoursEnd,
    isActive: text(form, "isActive") === "on",
  };
}
