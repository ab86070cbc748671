/** Money in minor units, in the store's currency and locale. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = new Intl.NumberFormat(locale, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(minor / 10 ** digits);
}

export function formatNumber(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A moment, shown in the store's time zone. */
export function formatDateTime(value: string | Date | null | undefined, locale: string, timeZone: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(value));
}

/** The day of a moment in the store's time zone, without the time (for narrow places; the time goes beside it). */
export function formatMomentDate(value: string | Date | null | undefined, locale: string, timeZone: string): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(value));
}

/** The time of day of a moment in the store's time zone. */
export function formatMomentTime(value: string | Date | null | undefined, locale: string, timeZone: string): string {
  if (!value) return "";
  return new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone }).format(new Date(value));
}

/** A plain date (YYYY-MM-DD) shown as it is, without time-zone conversion. */
export function formatPlainDate(value: string | null | undefined, locale: string): string {
  if (!value) return "—";
  const [y, m, d] = value.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}
