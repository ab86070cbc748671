// What a word typed in the customer search box can mean, as index lookups: a name prefix (either
// "first last" or "last first"), an email prefix, a phone prefix in E.164, or an exact external id.
import { getCountryCallingCode, type CountryCode } from "libphonenumber-js";
import { foldForSearch } from "./name-folding";

export type SearchColumn = "search_name" | "sort_name" | "email" | "phone";

export type SearchTerm =
  /** column >= from AND column < to: a prefix, as a range both databases read from the column's index. */
  | { column: SearchColumn; prefix: string; from: string; to: string | null }
  | { column: "external_id"; equals: string };

/**
 * The smallest string greater than every string starting with `prefix`, in code point order (the
 * order of SQLite's BINARY and MariaDB's utf8mb4_bin collations); null when there is none.
 */
export function prefixUpperBound(prefix: string): string | null {
  const chars = [...prefix];
  while (chars.length) {
    const last = chars.pop()!.codePointAt(0)!;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return chars.join("") + String.fromCodePoint(next);
  }
  return null;
}

function prefixTerm(column: SearchColumn, prefix: string): SearchTerm {
  return { column, prefix, from: prefix, to: prefixUpperBound(prefix) };
}

/**
 * The forms of a typed name to look up: folded (name-folding.ts), as the search columns are stored
 * from migration 0003-fold-search-names on, and only lower-cased, as rows written before it were.
 */
function nameForms(text: string): string[] {
  const lower = text.toLowerCase();
  const forms = [foldForSearch(text), lower];
  // a Greek Σ at the end of what was typed lower-cases to the final ς, but it may be the middle of
  // a word ("ΟΔΥΣ" of "Οδυσσέας"), which a lower-cased column holds as σ
  if (lower.endsWith("ς")) forms.push(`${lower.slice(0, -1)}σ`);
  return [...new Set(forms)];
}

const PHONE_LIKE = /^\+?[\d\s\-().\/]+$/;

/**
 * E.164 prefixes a typed phone number may stand for: "+359 888…" and "00359888…" as written,
 * "0888…" as a national number of the store's country, and bare digits both as an international
 * number without its "+" and as a national number without its trunk 0.
 */
export function phonePrefixes(typed: string, storeCountry: string | null): string[] {
  const trimmed = typed.trim();
  if (!PHONE_LIKE.test(trimmed)) return [];
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 3) return [];
  if (trimmed.startsWith("+")) return [`+${digits}`];
  if (digits.startsWith("00")) return [`+${digits.slice(2)}`];
  let callingCode: string | null = null;
  if (storeCountry) {
    try {
      callingCode = getCountryCallingCode(storeCountry as CountryCode);
    } catch {
      callingCode = null;
    }
  }
  if (digits.startsWith("0")) return callingCode ? [`+${callingCode}${digits.slice(1)}`] : [];
  const prefixes = [`+${digits}`];
  if (callingCode && !digits.startsWith(callingCode)) prefixes.push(`+${callingCode}${digits}`);
  return prefixes;
}

/** The index lookups a search box entry stands for; any of them matching is a hit. */
export function interpretSearch(typed: string, storeCountry: string | null): SearchTerm[] {
  const text = typed.trim().replace(/\s+/g, " ");
  if (!text) return [];
  const terms: SearchTerm[] = [{ column: "external_id", equals: text }];
  const phones = phonePrefixes(text, storeCountry);
  if (phones.length) {
    for (const p of phones) terms.push(prefixTerm("phone", p));
    return terms;
  }
  if (text.includes("@")) {
    terms.push(prefixTerm("email", text.toLowerCase()));
    return terms;
  }
  for (const form of nameForms(text)) terms.push(prefixTerm("search_name", form), prefixTerm("sort_name", form));
  const lower = text.toLowerCase();
  if (!lower.includes(" ")) terms.push(prefixTerm("email", lower));
  return terms;
}
