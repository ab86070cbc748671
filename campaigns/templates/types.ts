import type { ChannelName } from "../channels/channel";
import { msg } from "../../models/messages";

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

/** The field as a template's problems name it, in the reader's language. */
export function fieldLabel(channel: ChannelName, field: TemplateField): string {
  if (field === "subject") return msg("campaigns.template.field.subject");
  if (field === "htmlBody") return msg("campaigns.template.field.htmlBody");
  if (channel === "email") return msg("campaigns.template.field.textPart");
  return msg(`campaigns.template.field.${channel}`);
}
