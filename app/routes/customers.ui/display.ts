// Presentation helpers the customer list and the customer page share (browser-safe).

/** "First Last", or null for a customer without a name. */
export function customerName(c: { firstName: string | null; lastName: string | null }): string | null {
  const name = [c.firstName, c.lastName].filter((part) => part && part.trim()).join(" ");
  return name || null;
}

/** The country's name in the store's language; the code itself when Intl does not know it. */
export function countryName(code: string | null, locale: string): string | null {
  if (!code) return null;
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** The calendar day of a moment in the store's time zone. */
export function formatDay(value: string | null | undefined, locale: string, timeZone: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(value));
}

/** "Greek (el)": a language code named in the store's language. */
export function languageName(code: string, locale: string): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: "language" }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}
