import { describe, expect, it } from "vitest";
import { interpretSearch, phonePrefixes, prefixUpperBound } from "../../models/customers/search";
import { storeCountry } from "../../models/customers/store-country";
import { LIST_CHANNELS, customerListSearch, readCustomerListQuery } from "../../models/customers/list-query";
import { CHANNELS } from "../../models/models";
import { decodeCursor, encodeCursor } from "../../models/customers/cursor";

describe("what a search box entry stands for", () => {
  it("a prefix's upper bound is the prefix with its last character moved one code point on", () => {
    expect(prefixUpperBound("ivan")).toBe("ivao");
    expect(prefixUpperBound("иван")).toBe("ивао");
    expect(prefixUpperBound("γιώργ")).toBe("γιώργ".slice(0, -1) + String.fromCodePoint("γ".codePointAt(0)! + 1));
    expect(prefixUpperBound("a\u{10FFFF}")).toBe("b");
    expect(prefixUpperBound("\u{10FFFF}")).toBeNull();
  });

  it("a national number is read in the store's country, an international one as written", () => {
    expect(phonePrefixes("0888 123", "BG")).toEqual(["+359888123"]);
    expect(phonePrefixes("+359 (888) 12-3", "BG")).toEqual(["+359888123"]);
    expect(phonePrefixes("00359888", "BG")).toEqual(["+359888"]);
    expect(phonePrefixes("6912345678", "GR")).toEqual(["+6912345678", "+306912345678"]);
    expect(phonePrefixes("359888", "BG")).toEqual(["+359888"]);
    expect(phonePrefixes("0888", null)).toEqual([]);
    expect(phonePrefixes("12", "BG")).toEqual([]);
    expect(phonePrefixes("ivan", "BG")).toEqual([]);
  });

  it("a name is looked up lower-cased as first-last and last-first, and as an email prefix", () => {
    const terms = interpretSearch("  ИВАН   Петров ", "BG");
    expect(terms).toContainEqual({ column: "external_id", equals: "ИВАН Петров" });
    expect(terms).toContainEqual({ column: "search_name", prefix: "иван петров", from: "иван петров", to: "иван петрог" });
    expect(terms).toContainEqual({ column: "sort_name", prefix: "иван петров", from: "иван петров", to: "иван петрог" });
    expect(terms.some((t) => t.column === "email")).toBe(false);
    expect(interpretSearch("petrov", "BG").some((t) => t.column === "email" && "prefix" in t && t.prefix === "petrov")).toBe(true);
  });

  it("a Greek capital sigma at the end of the entry may be the middle of a word", () => {
    const prefixes = interpretSearch("ΟΔΥΣ", "GR").flatMap((t) => (t.column === "search_name" && "prefix" in t ? [t.prefix] : []));
    expect(prefixes.sort()).toEqual(["οδυς", "οδυσ"]);
  });

  it("an entry with @ is an email prefix, lower-cased", () => {
    const terms = interpretSearch("Ivan.P@", "BG");
    expect(terms.filter((t) => t.column !== "external_id")).toEqual([{ column: "email", prefix: "ivan.p@", from: "ivan.p@", to: "ivan.pA" }]);
  });

  it("an empty entry looks nothing up", () => {
    expect(interpretSearch("   ", "BG")).toEqual([]);
  });
});

describe("the store's country", () => {
  it("comes from the locale's region, else the time zone", () => {
    expect(storeCountry({ locale: "bg-BG", timeZone: "UTC" })).toBe("BG");
    expect(storeCountry({ locale: "en", timeZone: "Europe/Athens" })).toBe("GR");
    expect(storeCountry({ locale: "en", timeZone: "UTC" })).toBeNull();
  });
});

describe("the list's URL", () => {
  it("round-trips a query through its parameters", () => {
    const { query, problems } = readCustomerListQuery(new URLSearchParams("q=ivan&country=bg&group=3&tag=7&manager=none&marketing=yes&channel=viber&sort=name"));
    expect(problems).toEqual([]);
    expect(query).toMatchObject({ q: "ivan", country: "BG", group: 3, tag: 7, manager: "none", marketing: "yes", channel: "viber", sort: "name" });
    expect(customerListSearch(query)).toBe("?q=ivan&country=BG&group=3&tag=7&manager=none&marketing=yes&channel=viber&sort=name");
  });

  it("drops a bad parameter, names it, and keeps the rest", () => {
    const { query, problems } = readCustomerListQuery(new URLSearchParams("country=Bulgaria&tag=x&channel=fax&q=ivan"));
    expect(query.q).toBe("ivan");
    expect(query.country).toBeUndefined();
    expect(query.tag).toBeUndefined();
    expect(query.channel).toBeUndefined();
    expect(problems.map((p) => p.field).sort()).toEqual(["channel", "country", "tag"]);
  });

  it("offers the same channels as the data model", () => {
    expect([...LIST_CHANNELS]).toEqual([...CHANNELS]);
  });

  it("a cursor made for one order is not taken for the other", () => {
    const byName = encodeCursor({ sort: "name", sortName: "петров иван", id: 12 });
    expect(decodeCursor(byName, "name")).toEqual({ sort: "name", sortName: "петров иван", id: 12 });
    expect(decodeCursor(byName, "newest")).toBeNull();
    expect(decodeCursor("not a cursor", "newest")).toBeNull();
  });
});

describe("names folded for search", () => {
  it("drops Greek and Latin accents, reads ё as е and й as и, keeps ї and ў", async () => {
    const { foldForSearch } = await import("../../models/customers/name-folding");
    expect(foldForSearch("ΠΑΠΑΔΟΠΟΥΛΟΣ")).toBe(foldForSearch("Παπαδόπουλος"));
    expect(foldForSearch("Αΐδα Ϊάσονας")).toBe("αιδα ιασονασ");
    expect(foldForSearch("Семён Ёлкин")).toBe("семен елкин");
    expect(foldForSearch("Йордан Київ Ўладзімір")).toBe("иордан київ ўладзімір");
    expect(foldForSearch("José Zoë Müller")).toBe("jose zoe muller");
  });

  it("looks a typed name up both folded and as typed, for rows stored before and after folding", () => {
    const prefixes = interpretSearch("Γιώργος", "GR").flatMap((t) => (t.column === "search_name" && "prefix" in t ? [t.prefix] : []));
    expect(prefixes.sort()).toEqual(["γιωργοσ", "γιώργος", "γιώργοσ"].sort());
  });
});

describe("prefix ranges", () => {
  it("a string starts with a prefix exactly when it falls in the prefix's range, in code point order", async () => {
    const fc = (await import("fast-check")).default;
    const { compareCodePoints } = await import("../../models/customers/list.server");
    // letters from the scripts the store's customers write in, plus the edges of the code point range
    const char = fc.constantFrom("a", "z", "α", "ω", "ς", "σ", "а", "я", "ё", "й", " ", "-", "\u{FFFF}", "\u{10000}", "\u{10FFFF}");
    const text = fc.array(char, { maxLength: 6 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(text, fc.array(char, { minLength: 1, maxLength: 3 }).map((cs) => cs.join("")), (s, prefix) => {
        const upper = prefixUpperBound(prefix);
        const inRange = compareCodePoints(s, prefix) >= 0 && (upper === null || compareCodePoints(s, upper) < 0);
        return inRange === s.startsWith(prefix);
      }),
      { numRuns: 2000 },
    );
  });
});
