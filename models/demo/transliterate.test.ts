import { describe, expect, it } from "vitest";
import { transliterate } from "./transliterate";

describe("transliterate", () => {
  it("spells names the way each language romanises them for an email address", () => {
    const cases: Array<[string, Parameters<typeof transliterate>[1], string]> = [
      ["Иванова", "bg", "ivanova"],
      ["Щерьо", "bg", "shteryo"],
      ["Юлія", "ua", "yuliia"],
      ["Євген", "ua", "yevhen"],
      ["Олійник", "ua", "oliinyk"],
      ["Ґудзь", "ua", "gudz"],
      ["Соловьёв", "ru", "solovev"],
      ["Артём", "ru", "artem"],
      ["Παπαδοπούλου", "gr", "papadopoulou"],
      ["Ευαγγελία", "gr", "evangelia"],
      ["Μπαλτάς", "gr", "baltas"],
      ["Χατζηδάκης", "gr", "chatzidakis"],
      ["O'Brien", "en", "obrien"],
      ["Zoë", "en", "zoe"],
    ];
    for (const [name, nationality, latin] of cases) expect(transliterate(name, nationality), name).toBe(latin);
  });
});
