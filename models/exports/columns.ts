// What an export can hold: its columns in groups, its formats and CSV options, and the rule that
// makes a cell inert in a spreadsheet. Browser-safe: the export dialog lists the same columns the
// server writes.
import { z } from "../zod";
import { msg, zmsg } from "../messages";

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const PROFILE_COLUMNS = ["externalId", "firstName", "lastName", "email", "phone", "country", "city", "birthday", "registeredAt", "customerGroup", "tags", "manager"] as const;
export const CONSENT_COLUMNS = ["acceptsMarketing", "channel:email", "channel:sms", "channel:messenger", "channel:viber"] as const;
export const ORDER_COLUMNS = ["ordersCount", "totalSpent", "lastOrderAt"] as const;
/** Only when the export is of a segment's members. */
export const SEGMENT_COLUMNS = ["enteredAt"] as const;

export type FixedColumn = (typeof PROFILE_COLUMNS)[number] | (typeof CONSENT_COLUMNS)[number] | (typeof ORDER_COLUMNS)[number] | (typeof SEGMENT_COLUMNS)[number];
/** A fixed column, or a custom profile field by its key ("field:shoe_size"). */
export type ExportColumn = FixedColumn | `field:${string}`;

export const FIXED_COLUMNS: readonly FixedColumn[] = [...PROFILE_COLUMNS, ...CONSENT_COLUMNS, ...ORDER_COLUMNS, ...SEGMENT_COLUMNS];
/** What the dialog ticks when it opens. */
export const DEFAULT_COLUMNS: readonly FixedColumn[] = ["externalId", "firstName", "lastName", "email", "phone", "country", "city", "acceptsMarketing", "ordersCount", "totalSpent"];
export const MAX_COLUMNS = 100;

export function isFixedColumn(value: string): value is FixedColumn {
  return (FIXED_COLUMNS as readonly string[]).includes(value);
}

/** The column's header in the file: the API's field name, or the custom field's key after "field:". */
export function columnHeader(column: ExportColumn): string {
  if (column.startsWith("channel:")) return `${column.slice("channel:".length)}Subscription`;
  return column;
}

/** The export settings' bounds (settings.server.ts), here so the settings form checks them in the browser too. */
export const JOB_FROM_ROWS_RANGE = { min: 1, max: 10_000_000 } as const;
export const KEEP_HOURS_RANGE = { min: 1, max: 24 * 90 } as const;

/** The delimiters offered by name; "other" takes any one character. */
export const DELIMITERS = { comma: ",", semicolon: ";", tab: "\t" } as const;
export type DelimiterName = keyof typeof DELIMITERS;

/**
 * A character a CSV field may be separated by: one character that is not a quote, a line break, a
 * letter or digit (which would split values), nor a control character other than tab.
 */
export function isUsableDelimiter(c: string): boolean {
  if ([...c].length !== 1 || c.length > 2) return false;
  if (c === "\t") return true;
  return !/["'\r\n\p{L}\p{N}\p{Cc}\s]/u.test(c);
}

/** The columns as the API and the form give them: known fixed columns or `field:<key>`, each once, at least one. */
export const ExportColumns = z
  .array(z.string(zmsg("admin.columnType")).max(80, zmsg("admin.notColumn")), zmsg("admin.columnsType"))
  .min(1, zmsg("admin.chooseColumn"))
  .max(MAX_COLUMNS, zmsg("admin.columnsMax", { count: MAX_COLUMNS }))
  .superRefine((columns, ctx) => {
    columns.forEach((c, i) => {
      if (!isFixedColumn(c) && !/^field:[A-Za-z0-9_.-]{1,64}$/.test(c)) {
        ctx.addIssue({ code: "custom", path: [i], message: msg("admin.unknownColumn", { column: JSON.stringify(c).slice(0, 90), columns: FIXED_COLUMNS.join(", ") }) });
      }
    });
    const twice = columns.filter((c, i) => columns.indexOf(c) !== i);
    if (twice.length) ctx.addIssue({ code: "custom", message: msg("admin.columnTwice", { column: twice[0] }) });
  })
  .transform((columns) => columns as ExportColumn[]);

/** The file's CSV options: its delimiter (one character) and whether a byte order mark leads it (Excel then reads UTF-8). */
export interface CsvOptions {
  delimiter: string;
  bom: boolean;
}

/**
 * A cell a spreadsheet would read as a formula (= + - @, a leading tab or carriage return, and their
 * full-width forms) gets a leading apostrophe, so opening the file never runs what a customer
 * record held. Numbers stay numbers: a negative total is no formula.
 */
export function inertCell(value: string): string {
  switch (value.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // carriage return
    case 0xff1d:
    case 0xff0b:
    case 0xff0d:
    case 0xff20:
      return `'${value}`;
    default:
      return value;
  }
}

/** A file name for the export: the segment's code or "customers", the day, the format. */
export function exportFileName(what: string, format: ExportFormat, now: Date): string {
  const safe = what.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 80) || "export";
  return `${safe}-${now.toISOString().slice(0, 10)}.${format}`;
}
