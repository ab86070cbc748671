// Segments in words: a criterion as a sentence ("total spent at least €500.00"), and why a
// customer matched it, with their own value ("total spent €812.40 ≥ €500.00"). Used by the
// editor's preview, the segment page and the customer page.
import type { TFunction } from "i18next";
import type { Criterion, DateCondition, TimeFrame } from "../../../segments/definition";
import type { CriterionReason } from "../../../segments/evaluate";
import type { SegmentVocabulary } from "../../../models/segments/vocabulary.server";
import { formatMoney, formatNumber, formatPlainDate } from "~/format";

/** What the sentences need besides the criterion: the store's formats and the names behind keys. */
export interface Wording {
  locale: string;
  currency: string;
  /** custom field key → label */
  fieldLabels?: Record<string, string>;
  /** question key → text, and its option keys → labels */
  questions?: Record<string, { text: string; options: Record<string, string> }>;
  /** category external id → name */
  categoryNames?: Record<string, string>;
  /** segment code → name */
  segmentNames?: Record<string, string>;
}

type T = TFunction<"segments">;

const MONTHS_DAY = (md: string, locale: string) => {
  const [m, d] = md.split("-").map(Number);
  if (!m || !d) return md;
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(Date.UTC(2000, m - 1, d)));
};

function list(items: string[], locale: string, type: "conjunction" | "disjunction"): string {
  try {
    return new Intl.ListFormat(locale, { style: "long", type }).format(items);
  } catch {
    return items.join(", ");
  }
}

export function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * The ISO 3166-1 alpha-2 code a typed country stands for: the code itself in any case ("bg"), or
 * its name in the user's language or in English ("Bulgaria", "България"). Undefined when none.
 */
export function countryCode(text: string, locale: string): string | undefined {
  const typed = text.trim().toLocaleLowerCase();
  if (/^[a-z]{2}$/.test(typed)) return typed.toUpperCase();
  let names: Intl.DisplayNames[];
  try {
    names = [new Intl.DisplayNames([locale], { type: "region", fallback: "none" }), new Intl.DisplayNames(["en"], { type: "region", fallback: "none" })];
  } catch {
    return undefined;
  }
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (names.some((n) => n.of(code)?.toLocaleLowerCase() === typed)) return code;
    }
  }
  return undefined;
}

/** A date condition as a phrase: "in the last 90 days", "between 2 Dec and 3 Jan (over New Year)". */
export function describeDate(d: DateCondition, t: T, w: Wording): string {
  switch (d.form) {
    case "between":
      if (d.from && d.to) return t("words.date.between", { from: formatPlainDate(d.from, w.locale), to: formatPlainDate(d.to, w.locale) });
      if (d.from) return t("words.date.onOrAfter", { from: formatPlainDate(d.from, w.locale) });
      return t("words.date.onOrBefore", { to: formatPlainDate(d.to ?? "", w.locale) });
    case "inLastDays":
      return t("words.date.inLastDays", { count: d.days });
    case "moreThanDaysAgo":
      return t("words.date.moreThanDaysAgo", { count: d.days });
    case "daysAgo":
      return d.days === 0 ? t("words.date.today") : t("words.date.daysAgo", { count: d.days });
    case "inNextDays":
      return t("words.date.inNextDays", { count: d.days });
    case "dayOfYear": {
      const wraps = d.from > d.to;
      return t(wraps ? "words.date.dayOfYearWraps" : "words.date.dayOfYear", { from: MONTHS_DAY(d.from, w.locale), to: MONTHS_DAY(d.to, w.locale) });
    }
  }
}

function bounds(min: number | undefined, max: number | undefined, show: (n: number) => string, t: T): string {
  if (min !== undefined && max !== undefined) return min === max ? t("words.bounds.exactly", { value: show(min) }) : t("words.bounds.between", { min: show(min), max: show(max) });
  if (min !== undefined) return t("words.bounds.atLeast", { value: show(min) });
  return t("words.bounds.atMost", { value: show(max ?? 0) });
}

/** `context` picks a field's own wording where it has one ("tags include", "statuses include"). */
function includeExclude(values: Array<{ value: string; mode: string }>, show: (v: string) => string, t: T, w: Wording, context?: string): string {
  const included = values.filter((v) => v.mode === "include").map((v) => show(v.value));
  const excluded = values.filter((v) => v.mode === "exclude").map((v) => show(v.value));
  const parts: string[] = [];
  if (included.length) parts.push(t("words.values.anyOf", { values: list(included, w.locale, "disjunction"), context }));
  if (excluded.length) parts.push(t("words.values.noneOf", { values: list(excluded, w.locale, "disjunction"), context }));
  return parts.join(t("words.values.butNot"));
}

/** How a value of this field reads: statuses and channels translated, countries named. */
function valueText(field: string, value: string, t: T, w: Wording): string {
  if (field === "orderStatus") return t(`statuses.${value}`, { defaultValue: value });
  if (field === "country") return countryName(value, w.locale);
  return value;
}

/** One criterion as a sentence. */
export function describeCriterion(c: Criterion, t: T, w: Wording): string {
  const money = (n: number) => formatMoney(n, w.currency, w.locale);
  const frame = (tf?: TimeFrame) => (timeFrameWords(tf, t, w) ? ` ${t("words.timeFrame", { when: timeFrameWords(tf, t, w) })}` : "");
  const label = t(`fields.${c.field}`);
  switch (c.field) {
    case "totalSpent":
    case "averageOrderValue":
      return `${label} ${bounds(c.min, c.max, money, t)}${frame(c.timeFrame)}`;
    case "orderCount":
      return `${label} ${bounds(c.min, c.max, (n) => formatNumber(n, w.locale), t)}${frame(c.timeFrame)}`;
    case "registeredAt":
    case "firstInteractionAt":
    case "lastInteractionAt":
    case "lastOrderAt":
    case "abandonedCartAt":
    case "birthday":
      return `${label} ${describeDate(c.date, t, w)}`;
    case "acceptsMarketing":
      return c.value ? t("words.acceptsMarketing") : t("words.noMarketing");
    case "orderStatus":
    case "country":
    case "city":
    case "tag":
    case "customerGroup":
    {
      // a customer has a set of tags and of order statuses: "tags include vip"
      const isSet = c.field === "tag" || c.field === "orderStatus";
      return `${isSet ? t(`words.labels.${c.field}`) : label} ${includeExclude(c.values, (v) => valueText(c.field, v, t, w), t, w, isSet ? "set" : undefined)}`;
    }
    case "orderedFromCategory":
      return t(`words.categories.${c.mode}`, { categories: list(c.categories.map((id) => w.categoryNames?.[id] ?? id), w.locale, c.mode === "allOf" ? "conjunction" : "disjunction") });
    case "subscribedOn":
    case "reachableOn":
      return `${label} ${t(`channels.${c.channel}`)}`;
    case "customField": {
      const name = w.fieldLabels?.[c.key] ?? c.key;
      const k = c.condition;
      if (k.type === "number") return `${name} ${bounds(k.min, k.max, (n) => formatNumber(n, w.locale), t)}`;
      if (k.type === "date") return `${name} ${describeDate(k.date, t, w)}`;
      if (k.type === "select") return `${name} ${includeExclude(k.values, (v) => v, t, w)}`;
      return `${name} ${t(`words.text.${k.op}`, { value: k.value })}`;
    }
    case "registrationAnswer": {
      const q = w.questions?.[c.question];
      return t("words.answer", { question: q?.text ?? c.question, options: list(c.options.map((o) => q?.options[o] ?? o), w.locale, "disjunction") });
    }
    case "segment":
      return t(c.isMember ? "words.memberOf" : "words.notMemberOf", { segment: w.segmentNames?.[c.segment] ?? c.segment });
  }
}

/** "in the last 30 days", "between 1 Jan 2026 and 31 Mar 2026", or "" for the whole history. */
function timeFrameWords(tf: TimeFrame | undefined, t: T, w: Wording): string {
  if (tf?.lastDays !== undefined) return describeDate({ form: "inLastDays", days: tf.lastDays }, t, w);
  if (tf?.from || tf?.to) return describeDate({ form: "between", from: tf.from, to: tf.to }, t, w);
  return "";
}

/**
 * Why a criterion matched (or not) one customer, with the customer's own value:
 * "total spent €812.40 ≥ €500.00", "last order 2 Oct 2026 (in the last 90 days)".
 */
export function describeReason(c: Criterion, reason: CriterionReason, t: T, w: Wording): string {
  const label = t(`fields.${c.field}`);
  const a = reason.actual;
  const money = (n: number) => formatMoney(n, w.currency, w.locale);
  const none = t("words.reason.none");
  const compare = (label: string, value: number | null, min: number | undefined, max: number | undefined, show: (n: number) => string) => {
    if (value === null) return `${label}: ${none}`;
    const shown = show(value);
    if (min !== undefined && value < min) return `${label} ${shown} < ${show(min)}`;
    if (max !== undefined && value > max) return `${label} ${shown} > ${show(max)}`;
    if (min !== undefined && max !== undefined) return `${label} ${show(min)} ≤ ${shown} ≤ ${show(max)}`;
    if (min !== undefined) return `${label} ${shown} ≥ ${show(min)}`;
    return `${label} ${shown} ≤ ${show(max ?? 0)}`;
  };
  const day = (d: unknown) => (typeof d === "string" ? formatPlainDate(d, w.locale) : none);
  switch (c.field) {
    case "totalSpent":
    case "averageOrderValue":
    case "orderCount": {
      // "total spent €812.40 ≥ €500.00 in the last 30 days": the value is only true of its time frame
      const when = timeFrameWords(c.timeFrame, t, w);
      const shown =
        c.field === "orderCount"
          ? compare(label, typeof a === "number" ? a : 0, c.min, c.max, (n) => formatNumber(n, w.locale))
          : compare(label, typeof a === "number" ? a : null, c.min, c.max, money);
      return when ? `${shown} ${when}` : shown;
    }
    case "registeredAt":
    case "firstInteractionAt":
    case "lastInteractionAt":
    case "lastOrderAt":
    case "birthday":
      return `${label} ${day(a)} (${describeDate(c.date, t, w)})`;
    case "abandonedCartAt": {
      const days = Array.isArray(a) ? a.filter((d): d is string => typeof d === "string") : [];
      return `${label} ${days.length ? list(days.map(day), w.locale, "conjunction") : none} (${describeDate(c.date, t, w)})`;
    }
    case "acceptsMarketing":
      return a ? t("words.acceptsMarketing") : t("words.noMarketing");
    case "orderStatus":
    case "tag": {
      const values = Array.isArray(a) ? a.map(String) : [];
      return `${label}: ${values.length ? values.map((v) => valueText(c.field, v, t, w)).join(", ") : none}`;
    }
    case "country":
    case "city":
    case "customerGroup":
      return `${label}: ${typeof a === "string" ? valueText(c.field, a, t, w) : none}`;
    case "orderedFromCategory": {
      const values = Array.isArray(a) ? a.map(String) : [];
      return `${t("words.reason.categories")}: ${values.length ? values.map((id) => w.categoryNames?.[id] ?? id).join(", ") : none}`;
    }
    case "subscribedOn":
    case "reachableOn":
      return `${label} ${t(`channels.${c.channel}`)}: ${a ? t("words.reason.yes") : t("words.reason.no")}`;
    case "customField": {
      const name = w.fieldLabels?.[c.key] ?? c.key;
      const k = c.condition;
      if (k.type === "number") return compare(name, typeof a === "number" ? a : null, k.min, k.max, (n) => formatNumber(n, w.locale));
      if (k.type === "date") return `${name} ${day(a)} (${describeDate(k.date, t, w)})`;
      return `${name}: ${typeof a === "string" ? a : none}`;
    }
    case "registrationAnswer": {
      const q = w.questions?.[c.question];
      const values = Array.isArray(a) ? a.map(String) : [];
      return `${q?.text ?? c.question}: ${values.length ? values.map((o) => q?.options[o] ?? o).join(", ") : none}`;
    }
    case "segment": {
      const name = w.segmentNames?.[c.segment] ?? c.segment;
      return t(a ? "words.memberOf" : "words.notMemberOf", { segment: name });
    }
  }
}

/**
 * The customer's own value behind a criterion, alone: "€120.00", "2 Oct 2026", "Greece", "none".
 * Beside the criterion's sentence it says why a customer is or is not in.
 */
export function describeValue(c: Criterion, reason: CriterionReason, t: T, w: Wording): string {
  const a = reason.actual;
  const none = t("words.reason.none");
  const yesNo = (v: unknown) => (v ? t("words.reason.yes") : t("words.reason.no"));
  const day = (d: unknown) => (typeof d === "string" ? formatPlainDate(d, w.locale) : none);
  const texts = (values: string[]) => (values.length ? list(values, w.locale, "conjunction") : none);
  const strings = Array.isArray(a) ? a.map(String) : [];
  switch (c.field) {
    case "totalSpent":
    case "averageOrderValue":
      return typeof a === "number" ? formatMoney(a, w.currency, w.locale) : none;
    case "orderCount":
      return formatNumber(typeof a === "number" ? a : 0, w.locale);
    case "registeredAt":
    case "firstInteractionAt":
    case "lastInteractionAt":
    case "lastOrderAt":
    case "birthday":
      return day(a);
    case "abandonedCartAt":
      return texts(strings.map(day));
    case "acceptsMarketing":
    case "subscribedOn":
    case "reachableOn":
      return yesNo(a);
    case "orderStatus":
    case "tag":
      return texts(strings.map((v) => valueText(c.field, v, t, w)));
    case "country":
    case "city":
    case "customerGroup":
      return typeof a === "string" ? valueText(c.field, a, t, w) : none;
    case "orderedFromCategory":
      return texts(strings.map((id) => w.categoryNames?.[id] ?? id));
    case "customField":
      if (c.condition.type === "number") return typeof a === "number" ? formatNumber(a, w.locale) : none;
      if (c.condition.type === "date") return day(a);
      return typeof a === "string" && a !== "" ? a : none;
    case "registrationAnswer": {
      const q = w.questions?.[c.question];
      return texts(strings.map((o) => q?.options[o] ?? o));
    }
    case "segment":
      return a ? t("words.reason.member") : t("words.reason.notMember");
  }
}

/** The wording context of the store's vocabulary (the editor's and the segment page's loaders give it). */
export function wordingFrom(
  store: { locale: string; currency: string },
  v: Partial<Pick<SegmentVocabulary, "customFields" | "questions" | "categories" | "segments">>,
): Wording {
  return {
    locale: store.locale,
    currency: store.currency,
    fieldLabels: Object.fromEntries((v.customFields ?? []).map((f) => [f.key, f.label])),
    questions: Object.fromEntries((v.questions ?? []).map((q) => [q.key, { text: q.text, options: Object.fromEntries(q.options.map((o) => [o.key, o.label])) }])),
    categoryNames: Object.fromEntries((v.categories ?? []).map((c) => [c.externalId, c.name])),
    segmentNames: Object.fromEntries((v.segments ?? []).map((s) => [s.code, s.name])),
  };
}

/** The part of the vocabulary that sentences about these criteria name, so a loader sends only that. */
export function namesUsedBy(v: Pick<SegmentVocabulary, "customFields" | "questions" | "categories" | "segments">, criteria: Criterion[]): Pick<SegmentVocabulary, "customFields" | "questions" | "categories" | "segments"> {
  return {
    customFields: v.customFields.filter((f) => criteria.some((c) => c.field === "customField" && c.key === f.key)),
    questions: v.questions.filter((q) => criteria.some((c) => c.field === "registrationAnswer" && c.question === q.key)),
    categories: v.categories.filter((k) => criteria.some((c) => c.field === "orderedFromCategory" && c.categories.includes(k.externalId))),
    segments: v.segments.filter((s) => criteria.some((c) => c.field === "segment" && c.segment === s.code)),
  };
}
