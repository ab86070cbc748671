import { parsePhoneNumberFromString } from "libphonenumber-js";

/** An E.164 number in its country's international notation ("+359 88 812 3456"); as stored when it does not parse. */
export function displayPhone(e164: string | null): string | null {
  if (!e164) return null;
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
