// Names written the way their owners type them into an email address: each language's own
// romanisation (Bulgarian's official system, Russian passport style, Ukraine's 2010 table, Greek ELOT 743).
import type { Nationality } from "./people";

const BULGARIAN: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p",
  р: "r", с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sht", ъ: "a", ь: "y", ю: "yu", я: "ya",
};

const RUSSIAN: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m", н: "n", о: "o",
  п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "", ы: "y", ь: "", э: "e",
  ю: "yu", я: "ya",
};

const UKRAINIAN: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "h", ґ: "g", д: "d", е: "e", є: "ie", ж: "zh", з: "z", и: "y", і: "i", ї: "i", й: "i", к: "k", л: "l",
  м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ь: "",
  ю: "iu", я: "ia", "'": "", "’": "",
};
// at the start of a word these letters are written with y (Євген → Yevhen, Юлія → Yuliia)
const UKRAINIAN_INITIAL: Record<string, string> = { є: "ye", ї: "yi", й: "y", ю: "yu", я: "ya" };

const GREEK: Record<string, string> = {
  α: "a", β: "v", γ: "g", δ: "d", ε: "e", ζ: "z", η: "i", θ: "th", ι: "i", κ: "k", λ: "l", μ: "m", ν: "n", ξ: "x", ο: "o", π: "p",
  ρ: "r", σ: "s", ς: "s", τ: "t", υ: "y", φ: "f", χ: "ch", ψ: "ps", ω: "o",
};
const GREEK_PAIRS: Record<string, string> = { ου: "ou", αυ: "av", ευ: "ev", γγ: "ng", γκ: "gk", αι: "ai", ει: "ei", οι: "oi" };

function mapLetters(word: string, table: Record<string, string>, initial?: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < word.length; i++) {
    const ch = word[i];
    const first = i === 0 || !/\p{L}/u.test(word[i - 1]);
    out += (first ? initial?.[ch] : undefined) ?? table[ch] ?? ch;
  }
  return out;
}

function greek(word: string): string {
  let out = "";
  for (let i = 0; i < word.length; i++) {
    const pair = word.slice(i, i + 2);
    const atStart = i === 0 || !/\p{L}/u.test(word[i - 1]);
    if (pair === "μπ") {
      out += atStart ? "b" : "mp";
      i++;
    } else if (pair === "ντ") {
      out += atStart ? "d" : "nt";
      i++;
    } else if (GREEK_PAIRS[pair]) {
      out += GREEK_PAIRS[pair];
      i++;
    } else out += GREEK[word[i]] ?? word[i];
  }
  return out;
}

/** A name in Latin letters a-z only (lower case), as it would appear in the customer's email address. */
export function transliterate(name: string, nationality: Nationality): string {
  // strip accents (Greek tonos, English diaeresis) but keep й and ї, whose marks are part of the letter
  const lower = name.toLowerCase().replace(/й/g, "\uE000").replace(/ї/g, "\uE001").normalize("NFD").replace(/\p{M}/gu, "").replace(/\uE000/g, "й").replace(/\uE001/g, "ї");
  let latin: string;
  if (nationality === "bg") latin = mapLetters(lower, BULGARIAN);
  else if (nationality === "ru") latin = mapLetters(lower, RUSSIAN);
  else if (nationality === "ua") latin = mapLetters(lower, UKRAINIAN, UKRAINIAN_INITIAL);
  else if (nationality === "gr") latin = greek(lower);
  else latin = lower;
  return latin.replace(/[^a-z]/g, "");
}
