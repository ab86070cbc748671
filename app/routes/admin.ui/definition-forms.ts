// How the custom field and question forms become the inputs of models/registration: the pages post
// plain forms (one input per text, the options' inputs repeated in their order), the domain checks
// them with the same schemas as the API, and its errors come back by field.
import { LANGUAGES, OTHER_LANGUAGES } from "../../../models/registration/definitions";

const text = (form: FormData, name: string): string | undefined => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};

/** A select field's options, one a line in the textarea; blank lines are nothing. */
export function optionLines(value: string | undefined): string[] {
  return (value ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

export function fieldFromForm(form: FormData, isNew: boolean): Record<string, unknown> {
  const type = text(form, "type");
  const options = optionLines(text(form, "options"));
  return {
    ...(isNew ? { key: text(form, "key") ?? "" } : {}),
    label: text(form, "label") ?? "",
    ...(type !== undefined ? { type } : {}),
    // a text, number or date field posts no options, and a select's empty textarea is "none"
    ...(type === "select" || options.length ? { options } : {}),
  };
}

/** English and the other languages given (an empty input: that language falls back to English). */
function textsFrom(read: (language: string) => string | undefined): Record<string, string> {
  const texts: Record<string, string> = { en: read("en") ?? "" };
  for (const language of OTHER_LANGUAGES) {
    const v = read(language)?.trim();
    if (v) texts[language] = v;
  }
  return texts;
}

export function questionFromForm(form: FormData, isNew: boolean): Record<string, unknown> {
  const keys = form.getAll("option.key").map(String);
  const column = (language: string) => form.getAll(`option.${language}`).map(String);
  const labels = Object.fromEntries(LANGUAGES.map((l) => [l, column(l)]));
  return {
    ...(isNew ? { key: text(form, "key") ?? "" } : {}),
    texts: textsFrom((l) => text(form, `text.${l}`)),
    isActive: form.get("isActive") === "on",
    options: keys.map((key, i) => ({ key, labels: textsFrom((l) => labels[l][i]) })),
  };
}

/** Errors by field path, as the forms show them beside their inputs. */
export function errorsByField(errors: Array<{ field: string; reason: string }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) (out[e.field] ??= []).push(e.reason);
  return out;
}
