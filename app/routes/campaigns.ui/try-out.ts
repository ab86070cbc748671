// What the campaign form's preview and test-send requests answer. Browser-safe (types only).
import type { ChannelPreview } from "../../../campaigns/try-out.server";
import type { FieldError } from "../../../models/ingest/schemas";

export type { ChannelPreview };

export interface PreviewAnswer {
  /** The customer the previews are for; null: the sample customer. */
  customerId: number | null;
  previews?: ChannelPreview[];
  /** Why nothing was rendered, by field (customerId, channels, templates.sms.textBody). */
  errors?: FieldError[];
}

export interface TestSendAnswer {
  sent?: { channel: string; provider: string; to: string };
  /** The request or the message cannot go: by field (to, customerId, templates.email.subject). */
  errors?: FieldError[];
  /** The provider did not take it. */
  failed?: { provider: string; failure: string; reason: string };
  /** Too many test sends: the next is allowed after this many seconds. */
  retryAfterS?: number;
}

/** The routes the form's preview and test send post to (the editor pages do not reload after them). */
export const TRY_OUT_ACTIONS = ["/campaigns/preview", "/campaigns/test-send"];
