// Reading the values people type into spreadsheets: dates in the local order, yes/no in their own
// language, decimal commas, lists in one cell.
import { DateTime } from "luxon";
import { normalizeHeader } from "./header-guess";
import { msg } from "../messages";

const YES = new Set(["yes", "y", "true", "1", "on", "да", "д", "так", "т", "ναι", "ν"]);
const NO = new Set(["no", "n", "false", "0", "off", "не", "нет", "н", "ні", "οχι", "ο"]);

/** yes/no in English, Bulgarian, Russian, Ukrainian or Greek, or 1/0, true/false; undefined when it is neither. */
export function parseYesNo(text: string): boolean | undefined {
  const word = normalizeHeader(text);
  if (YES.has(word)) return true;
  if (NO.has(word)) return false;
  return undefined;
}

function realDate(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || y > 2999 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const DATE_FORMS: Array<[RegExp, (m: RegExpMatchArray) => [number, number, number]]> = [
  [/^(\d{4})-(\d{1,2})-(\d{1,2})$/, (m) => [+m[1], +m[2], +m[3]]],
  [/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, (m) => [+m[3], +m[2], +m[1]]],
  [/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (m) => [+m[3], +m[2], +m[1]]],
];

function datePartsOf(text: string): [number, number, number] | undefined {
  const s = text.trim().replace(/\s*(г|р)\.?$/u, "");
  for (const [pattern, parts] of DATE_FORMS) {
    const m = s.match(pattern);
    if (m) return parts(m);
  }
  return undefined;
}

/** A calendar date as YYYY-MM-DD, DD.MM.YYYY or DD/MM/YYYY (a trailing "г." is allowed); YYYY-MM-DD out. */
export function parsePlainDate(text: string): string | undefined {
  const parts = datePartsOf(text);
  return parts ? realDate(...parts) : undefined;
}

/**
 * Why parsePlainDate refused `text`: a date written in a known form that is not on the calendar
 * ("31.02.1990") is named as such, since a person checks the day, not the format, for that.
 * Otherwise `formatsReason`, the forms a date is taken in.
 */
export function plainDateProblem(text: string, formatsReason?: string): string {
  const parts = datePartsOf(text);
  if (!parts) return formatsReason ?? msg("ingest.import.dateForms");
  const [y, m] = parts;
  if (y < 1900 || y > 2999) return msg("ingest.import.yearRange", { year: y });
  if (m < 1 || m > 12) return msg("ingest.import.noSuchMonth", { month: m });
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  // the month is named in the reader's language by the message's own date format
  return msg("ingest.import.noSuchDay", { count: days, period: new Date(Date.UTC(y, m - 1, 15)) });
}

/**
 * A moment: ISO 8601 with an offset as it is, or a date with an optional time of day in the store's
 * time zone ("2024-03-01 09:30", "01.03.2024 9:30", "01/03/2024").
 */
export function parseMoment(text: string, timeZone: string): Date | undefined {
  const s = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(s)) {
    const d = DateTime.fromISO(s, { setZone: true });
    return d.isValid ? d.toJSDate() : undefined;
  }
  const m = s.match(/^(\S+?)(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/);
  if (!m) return undefined;
  const date = parsePlainDate(m[1]);
  if (!date) return undefined;
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi, sec] = [m[2], m[3], m[4]].map((x) => (x === undefined ? 0 : Number(x)));
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  const local = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: sec }, { zone: timeZone });
  return local.isValid ? local.toJSDate() : undefined;
}

/** A number with a decimal point or comma and any thousands separators ("1 234,50", "1.234,5", "1,234.5"). */
export function parseDecimal(text: string): number | undefined {
  let s = text.trim().replace(/[\s\u00a0\u202f']/g, "");
  if (!/^[+-]?[\d.,]+$/.test(s) || !/\d/.test(s)) return undefined;
  const lastComma = s.lastIndexOf(",");
  const lastDot = s.lastIndexOf(".");
  if (lastComma >= 0 && lastDot >= 0) {
    const decimal = lastComma > lastDot ? "," : ".";
    const thousands = decimal === "," ? "." : ",";
    s = s.split(thousands).join("").replace(decimal, ".");
  } else if (lastComma >= 0) {
    s = s.split(",").length > 2 ? s.split(",").join("") : s.replace(",", ".");
  } else if (s.split(".").length > 2) {
    s = s.split(".").join("");
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** The items of a list in one cell, separated by commas, semicolons or bars. */
export function splitList(text: string): string[] {
  return text
    .split(/[,;|]/)
    .map((t) => t.trim())
    .filter(Boolean);
}
