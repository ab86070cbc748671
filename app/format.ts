/** Money in minor units, in the store's currency and locale. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = new Intl.NumberFormat(locale, { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(minor / 10 ** digits);
}

/** An amount in the currency's major unit (an estimate may carry fractions of a cent). */
export function formatAmount(major: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 3 }).format(major);
}

export function formatNumber(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

const formatMoment = (options: Intl.DateTimeFormatOptions, empty: string) => (value: string | Date | null | undefined, locale: string, timeZone: string): string =>
  value ? new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(new Date(value)) : empty;

/** A moment, shown in the store's time zone. */
export const formatDateTime = formatMoment({ dateStyle: "medium", timeStyle: "short" }, "—");

/** The day of a moment in the store's time zone, without the time (for narrow places; the time goes beside it). */
export const formatMomentDate = formatMoment({ dateStyle: "medium" }, "—");

/** The time of day of a moment in the store's time zone. */
export const formatMomentTime = formatMoment({ timeStyle: "short" }, "");

/**
 * A customer named by an event: their name, else their external id, else their id (gone since);
 * a dash when the viewer may not see the ids of a customer who has no name.
 */
export function formatEventCustomer(customer: { externalId: string | null; firstName: string | null; lastName: string | null } | null, customerId: number | null): string {
  const name = customer && ([customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.externalId);
  return name || (customerId === null ? "—" : `#${customerId}`);
}

/** A plain date (YYYY-MM-DD) shown as it is, without time-zone conversion. */
export function formatPlainDate(value: string | null | undefined, locale: string): string {
  if (!value) return "—";
  const [y, m, d] = value.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}
