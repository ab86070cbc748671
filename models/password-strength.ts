import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

/** Why a password was refused; each form words it for its own field. */
export type PasswordWeakness = "blank" | "oneCharacter" | "common" | "pattern" | "personal" | "guessable";

/** zxcvbn's score runs 0-4; 3 is "safely unguessable" (about 10^8 guesses and more). */
const MIN_SCORE = 3;

const COMMON = new Set(["topTen", "topHundred", "common", "similarToCommon", "wordByItself", "namesByThemselves", "commonNames", "pwned"]);
const PATTERN = new Set(["straightRow", "keyPattern", "simpleRepeat", "extendedRepeat", "sequences", "recentYears", "dates"]);

let estimator: ZxcvbnFactory | null = null;

/**
 * Null for a password good enough to set, or why not: whitespace only, one character repeated, or
 * guessable by a cracker's dictionaries and patterns (the common-passwords lists, keyboard rows,
 * sequences, dates, the user's own name or email given as `userInputs`).
 */
export function passwordWeakness(password: string, userInputs: string[] = []): PasswordWeakness | null {
  if (!password.trim()) return "blank";
  if (new Set(password).size === 1) return "oneCharacter";
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const inputs = userInputs.flatMap((s) => [s, ...s.toLowerCase().split(/[^\p{L}\p{N}]+/u)]).filter((s) => s.length >= 3);
  const result = estimator.check(password, inputs);
  if (result.score >= MIN_SCORE) return null;
  const warning = result.feedback.warning ?? "";
  if (warning === "userInputs") return "personal";
  if (COMMON.has(warning)) return "common";
  if (PATTERN.has(warning)) return "pattern";
  return "guessable";
}
