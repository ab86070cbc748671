// What a string from outside may hold. A control character has no place in an id, a name or a
// tag, and a NUL does harm besides: SQLite's driver reads the SQL text Sequelize writes as a C
// string, so a NUL inside a quoted value cuts the statement short. Browser-safe (zod only).
import type { z } from "zod/v4";
import { zmsg } from "../messages";

const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

/** Whether a string holds a C0 or C1 control character or DEL. */
export function hasControlCharacters(s: string): boolean {
  return CONTROL.test(s);
}

/** An id, name, tag or key: one line, no control characters at all (checked after any trim). */
export function oneLine<S extends z.ZodString>(schema: S): S {
  return schema.refine((s) => !CONTROL.test(s), zmsg("ingest.controlCharacters"));
}

/** Free text: line breaks and tabs are text, other control characters are not. */
export function freeText<S extends z.ZodString>(schema: S): S {
  return schema.refine((s) => !CONTROL_BUT_LINE_BREAKS.test(s), zmsg("ingest.controlCharactersButBreaks"));
}

/** A search box's entry with each run of control characters read as a space, as a pasted tab or line break means. */
export function withoutControlCharacters(s: string): string {
  return s.replace(/\p{Cc}+/gu, " ");
}
