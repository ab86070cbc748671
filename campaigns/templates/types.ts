import type { ChannelName } from "../channels/channel";

/** A message template as the marketer wrote it, for one channel. */
export interface TemplateInput {
  channel: ChannelName;
  /** Email only. */
  subject?: string | null;
  /** Email only. */
  htmlBody?: string | null;
  /** Email's text part (made from the HTML when empty); the whole message on SMS, Messenger and Viber. */
  textBody?: string | null;
}

export type TemplateField = "subject" | "htmlBody" | "textBody";

/** What is wrong with a template, named so the editor can point at it. */
export interface TemplateProblem {
  field: TemplateField;
  /** 1-based line in the field, when the problem is at a place. */
  line: number | null;
  /** The variable the problem is about ("customer.frist_name"), when it is about one. */
  variable: string | null;
  /** One sentence for the marketer, naming the field. */
  message: string;
}

/** The field as the template editor labels it. */
export function fieldLabel(channel: ChannelName, field: TemplateField): string {
  if (field === "subject") return "Subject";
  if (field === "htmlBody") return "HTML body";
  if (channel === "email") return "Text part";
  return channel === "sms" ? "SMS text" : channel === "messenger" ? "Messenger text" : "Viber text";
}
