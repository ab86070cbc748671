// What the store's settings may hold, checked with Intl: the API's store endpoint reads values with
// these (the admin page has its own copies in app/routes/admin.store.tsx, with catalogue messages).

/** An IANA zone name ("Europe/Sofia", "UTC") in its canonical spelling; offsets like "+02:00" are not zones. */
export function canonicalTimeZone(value: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return null;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export function isCurrency(value: string): boolean {
  return /^[A-Z]{3}$/.test(value) && Intl.supportedValuesOf("currency").includes(value);
}

/** A BCP 47 tag that Intl can format with ("bg-BG", "el", "en-GB"), in its canonical spelling. */
export function canonicalLocale(value: string): string | null {
  try {
    const [tag] = Intl.getCanonicalLocales(value);
    return tag && Intl.NumberFormat.supportedLocalesOf(tag).length > 0 ? tag : null;
  } catch {
    return null;
  }
}
