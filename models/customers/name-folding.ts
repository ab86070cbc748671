// How names are compared in the search box: lower-cased, Greek accents and diaereses dropped (a
// Greek name typed in capitals has none: ΠΑΠΑΔΟΠΟΥΛΟΣ is Παπαδόπουλος), the final sigma made a plain
// sigma, Latin accents dropped (José, Zoë), and Cyrillic ё read as е. Other Cyrillic marks stay: й,
// ї and ў are letters of their own.
import { searchNames } from "../ingest/util";

/** The form of a name (or of what was typed) that search compares. */
export function foldForSearch(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/(\P{M})(\p{M}+)/gu, (all, base: string, marks: string) => {
      if (/\p{Script=Greek}|\p{Script=Latin}/u.test(base)) return base;
      if (base === "е") return base + marks.replace(/\u0308/g, "");
      return all;
    })
    .normalize("NFC")
    .replace(/ς/g, "σ");
}

/** The search_name and sort_name columns of a customer, folded. */
export function foldedSearchNames(firstName: string | null, lastName: string | null): { searchName: string; sortName: string } {
  const { searchName, sortName } = searchNames(firstName, lastName);
  return { searchName: foldForSearch(searchName).slice(0, 201), sortName: foldForSearch(sortName).slice(0, 201) };
}
