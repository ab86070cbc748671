// How long a message may be on each channel, and what an SMS costs in parts. Pure: the template
// editor counts SMS parts live in the browser with the same function the server checks with.

import { SegmentedMessage } from "sms-segments-calculator";
import { msg } from "../../models/messages";

export interface SmsParts {
  /** Characters as the network counts them: GSM-7's extension characters (€ { } [ ] ~ ^ | \) take two. */
  characters: number;
  /** GSM-7 while every character is in the GSM alphabet; one character outside it (Cyrillic, Greek small letters, emoji) makes the whole message UCS-2. */
  encoding: "GSM-7" | "UCS-2";
  /** Parts the message is sent in: 160/153 characters a part in GSM-7, 70/67 in UCS-2. */
  parts: number;
}

/** An SMS longer than this many parts is refused: providers cut or reject it, and the cost runs away. */
export const SMS_MAX_PARTS = 10;
/** Messenger's limit on a text message. */
export const MESSENGER_MAX_CHARACTERS = 2000;
/** Viber's limit on a text message. */
export const VIBER_MAX_CHARACTERS = 7000;

/** Characters, encoding and parts of an SMS text (Twilio's segment calculator, without smart encoding). */
export function smsParts(text: string): SmsParts {
  if (text === "") return { characters: 0, encoding: "GSM-7", parts: 0 };
  const message = new SegmentedMessage(text, "auto", false);
  return { characters: message.numberOfCharacters, encoding: message.encodingName, parts: message.segmentsCount };
}

/** Characters as Messenger and Viber count them: Unicode code points, an emoji is one. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Whom a message was rendered for when a problem is told: the customer at hand, or the sample customer of a check. */
export type Whose = "customer" | "sample";

/** Why a rendered text is too long for its channel, naming the field (`label`), or null when it fits. */
export function channelLimitProblem(channel: "email" | "sms" | "messenger" | "viber", text: string, whose: Whose, label: string): string | null {
  const forSample = whose === "sample";
  if (channel === "sms") {
    const sms = smsParts(text);
    if (sms.parts > SMS_MAX_PARTS) {
      const values = { field: label, characters: sms.characters, encoding: sms.encoding, parts: sms.parts, max: SMS_MAX_PARTS };
      return msg(forSample ? "campaigns.template.smsTooLongForSample" : "campaigns.template.smsTooLongForCustomer", values);
    }
    return null;
  }
  const max = channel === "messenger" ? MESSENGER_MAX_CHARACTERS : channel === "viber" ? VIBER_MAX_CHARACTERS : null;
  if (max === null) return null;
  const length = textLength(text);
  if (length > max) {
    const values = { field: label, channel: channel === "messenger" ? "Messenger" : "Viber", length, max };
    return msg(forSample ? "campaigns.template.textTooLongForSample" : "campaigns.template.textTooLongForCustomer", values);
  }
  return null;
}
