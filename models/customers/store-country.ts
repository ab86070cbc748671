// The store's settings name a time zone and a locale, not a country; a national phone number
// typed in the search box ("0888 123 456") needs one.

const COUNTRY_OF_TIME_ZONE: Record<string, string> = {
  "Europe/Sofia": "BG",
  "Europe/Athens": "GR",
  "Asia/Nicosia": "CY",
  "Europe/Nicosia": "CY",
  "Europe/Kyiv": "UA",
  "Europe/Kiev": "UA",
  "Europe/Moscow": "RU",
  "Europe/Bucharest": "RO",
  "Europe/Belgrade": "RS",
  "Europe/Skopje": "MK",
  "Europe/Istanbul": "TR",
  "Europe/London": "GB",
  "Europe/Dublin": "IE",
  "Europe/Berlin": "DE",
  "Europe/Paris": "FR",
  "Europe/Madrid": "ES",
  "Europe/Rome": "IT",
  "Europe/Warsaw": "PL",
  "Europe/Vienna": "AT",
  "Europe/Amsterdam": "NL",
  "Europe/Brussels": "BE",
  "Europe/Prague": "CZ",
  "Europe/Chisinau": "MD",
  "Europe/Minsk": "BY",
  "America/New_York": "US",
  "America/Chicago": "US",
  "America/Denver": "US",
  "America/Los_Angeles": "US",
  "America/Toronto": "CA",
  "Australia/Sydney": "AU",
};

/** The store's country: the region of its locale ("bg-BG"), else the country of its time zone, else null. */
export function storeCountry(settings: { locale: string; timeZone: string; storeLocale?: string }): string | null {
  try {
    // a page's settings carry the reader's locale; the store's own is what says where it sells
    const region = new Intl.Locale(settings.storeLocale ?? settings.locale).region;
    if (region && /^[A-Z]{2}$/.test(region)) return region;
  } catch {
    // an unparsable locale falls through to the time zone
  }
  return COUNTRY_OF_TIME_ZONE[settings.timeZone] ?? null;
}
