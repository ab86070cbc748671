// Phone numbers as the API and imports take them: stored in E.164 when they are real numbers of
// their country (libphonenumber-js's metadata), refused with the reason a person can act on.
import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from "libphonenumber-js";
import { msg } from "../messages";

/** Normalises a phone number to E.164, using the customer's country for national numbers; null when it is not a real number. */
export function normalizePhone(raw: string, country: string | null): string | null {
  const parsed = parsePhoneNumberFromString(raw, (country ?? undefined) as CountryCode | undefined);
  return parsed && parsed.isValid() ? parsed.number : null;
}

/** Why normalizePhone refused `raw`: too short, too long, no country, or no such number. */
export function phoneProblem(raw: string, country: string | null): string {
  const defaultCountry = (country ?? undefined) as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  const where = parsed?.country ?? country;
  // each reason names the country the number was read in, when there is one
  const reason = (key: "tooShort" | "tooLong" | "badLength" | "notInUse") => (where ? msg(`ingest.phone.${key}In`, { country: where }) : msg(`ingest.phone.${key}`));
  switch (validatePhoneNumberLength(raw, defaultCountry)) {
    case "NOT_A_NUMBER":
      return msg("ingest.phone.notNumber");
    case "INVALID_COUNTRY":
      return msg("ingest.phone.noCountry");
    case "TOO_SHORT":
      return reason("tooShort");
    case "TOO_LONG":
      return reason("tooLong");
    case "INVALID_LENGTH":
      return reason("badLength");
  }
  // a length some numbers of the country have, but not the numbers starting this way ("0888 12")
  if (parsed && couldBeCompleted(raw, defaultCountry)) return reason("tooShort");
  return reason("notInUse");
}

/** Whether a few more digits would make `raw` a real number: it was cut short. */
function couldBeCompleted(raw: string, country: CountryCode | undefined): boolean {
  for (let extra = 1; extra <= 6; extra++) {
    for (const digit of ["0", "5"]) {
      if (parsePhoneNumberFromString(raw + digit.repeat(extra), country)?.isValid()) return true;
    }
  }
  return false;
}
