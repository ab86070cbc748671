// What the campaign form holds while a marketer edits it, and which of the API's field errors
// belong to which part of it. Browser-safe.
import type { CampaignChannel } from "../../../campaigns/definition";
import type { FieldError } from "../../../models/ingest/schemas";

export interface TemplateValues {
  subject: string;
  htmlBody: string;
  textBody: string;
}

export interface CampaignFormValues {
  name: string;
  channels: CampaignChannel[];
  includeSegmentIds: number[];
  excludeSegmentIds: number[];
  scheduleKind: "now" | "at";
  timeZoneMode: "store" | "customer";
  /** A datetime-local value, "2026-12-24T10:00": in the store's zone or each customer's. */
  sendAt: string;
  quietHoursMode: "store" | "own";
  quietHoursStart: string;
  quietHoursEnd: string;
  templates: Partial<Record<CampaignChannel, TemplateValues>>;
}

export const emptyTemplate = (): TemplateValues => ({ subject: "", htmlBody: "", textBody: "" });

export function newCampaignValues(): CampaignFormValues {
  return {
    name: "",
    channels: ["email"],
    includeSegmentIds: [],
    excludeSegmentIds: [],
    scheduleKind: "now",
    timeZoneMode: "store",
    sendAt: "",
    quietHoursMode: "store",
    quietHoursStart: "",
    quietHoursEnd: "",
    templates: { email: emptyTemplate() },
  };
}

/** The errors of a field and of everything under it ("templates.sms" covers "templates.sms.textBody"; "channels" covers "channels[1]"). */
export function errorsUnder(errors: readonly FieldError[] | undefined, ...fields: string[]): string[] {
  return (errors ?? []).filter((e) => fields.some((f) => e.field === f || e.field.startsWith(`${f}.`) || e.field.startsWith(`${f}[`))).map((e) => e.reason);
}

/** The errors of exactly these fields. */
export function errorsAt(errors: readonly FieldError[] | undefined, ...fields: string[]): string[] {
  return (errors ?? []).filter((e) => fields.includes(e.field)).map((e) => e.reason);
}
