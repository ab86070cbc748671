// How names are compared in the search box: lower-cased, Greek accents and diaereses dropped (a
// Greek name typed in capitals has none: ΠΑΠΑΔΟΠΟΥΛΟΣ is Παπαδόπουλος, and people type Ελενη for
// Ελένη), the final sigma made a plain sigma, Latin accents dropped (José, Zoë), and Cyrillic ё read
// as е and й as и, as people type them on keyboards and phones (Соловьева for Соловьёва, Андреи for
// Андрей). Other Cyrillic marks stay: ї and ў are letters of their own.

/** The form of a name (or of what was typed) that search compares. */
export function foldForSearch(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/(\P{M})(\p{M}+)/gu, (all, base: string, marks: string) => {
      if (/\p{Script=Greek}|\p{Script=Latin}/u.test(base)) return base;
      if (base === "е") return base + marks.replace(/\u0308/g, "");
      if (base === "и") return base + marks.replace(/\u0306/g, "");
      return all;
    })
    .normalize("NFC")
    .replace(/ς/g, "σ");
}

/** The search_name ("first last") and sort_name ("last first") columns of a customer, folded. */
export function foldedSearchNames(firstName: string | null, lastName: string | null): { searchName: string; sortName: string } {
  const first = foldForSearch((firstName ?? "").trim());
  const last = foldForSearch((lastName ?? "").trim());
  const joined = (a: string, b: string) => (a && b ? `${a} ${b}` : a || b).slice(0, 201);
  return { searchName: joined(first, last), sortName: joined(last, first) };
}
