/**
 * An error as a log line may hold it. A database error carries the statement with the request's
 * values written into it (and, from the driver, again in `original`/`parent`, and in `parameters`):
 * only the statement's shape is kept, so the line says which query failed without whose data.
 */
export function loggableError(error: unknown, depth = 0): Record<string, unknown> {
  if (!error || typeof error !== "object") return { message: String(error).slice(0, 300) };
  const e = error as Record<string, unknown> & { parent?: { code?: unknown }; original?: { code?: unknown } };
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const sql = text(e.sql) ?? text((e.original as Record<string, unknown> | undefined)?.sql);
  const fields = e.fields && typeof e.fields === "object" ? Object.keys(e.fields) : undefined;
  return {
    type: text(e.name) ?? text(e.type) ?? "Error",
    message: (text(e.message) ?? "").slice(0, 300),
    code: e.parent?.code ?? e.original?.code ?? e.code,
    statement: sql === undefined ? undefined : statementShape(sql),
    fields: Array.isArray(fields) ? fields.slice(0, 20) : undefined,
    stack: text(e.stack)?.split("\n").slice(0, 12).join("\n"),
    cause: e.cause !== undefined && depth < 3 ? loggableError(e.cause, depth + 1) : undefined,
  };
}

// a quoted literal (either quote, with backslash or doubled-quote escapes) or a number that is
// not part of a name or a $n placeholder
const LITERAL = /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|(?<![\w$.])-?\d+(?:\.\d+)?(?![\w.])/g;
const LONG_LIST = /\?(?:\s*,\s*\?){3,}/g;

/** A statement with every literal value replaced by `?`, long value lists cut short. */
export function statementShape(sql: string): string {
  return sql.replace(LITERAL, "?").replace(LONG_LIST, "?, ?, …").slice(0, 2000);
}
