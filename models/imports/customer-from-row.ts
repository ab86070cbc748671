import { CustomerInput, isCountryCode, parseInput, type FieldError } from "../ingest/schemas";
import { normalizePhone, phoneProblem } from "../ingest/phone";
import { normalizeHeader } from "./header-guess";
import { parseDecimal, parseMoment, parsePlainDate, parseYesNo, plainDateProblem, splitList } from "./lenient-values";
import { IGNORE, type TargetCatalogue } from "./targets";
import type { CsvRow } from "./read-csv.server";
import { msg } from "../messages";

/** A problem with one cell (or one row) of an import file, as the error report lists it. */
export interface RowError {
  row: number;
  column: string;
  value: string;
  reason: string;
}

/** How the rows of one import become customers: which column is which field, and what the store knows. */
export interface RowPlan {
  header: string[];
  targets: string[];
  catalogue: TargetCatalogue;
  timeZone: string;
  /** The country a national phone number is read in when its row names none. */
  storeCountry: string | null;
  encoding: string;
}

export type RowOutcome = { ok: true; input: CustomerInput } | { ok: false; errors: RowError[] };

const MAX_VALUE_CHARS = 200;
const shown = (value: string) => (value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value);

export function columnName(plan: Pick<RowPlan, "header">, index: number): string {
  return plan.header[index] || msg("ingest.import.column", { number: index + 1 });
}

let countryNames: Map<string, string> | undefined;

/** Country names in the stores' languages → ISO code, so "България", "Greece" and "Ελλάδα" all read. */
function countryCodeByName(name: string): string | undefined {
  if (!countryNames) {
    countryNames = new Map();
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (const language of ["en", "bg", "ru", "uk", "el"]) {
      const names = new Intl.DisplayNames([language], { type: "region", fallback: "none" });
      for (const a of letters) {
        for (const b of letters) {
          const code = a + b;
          const label = isCountryCode(code) ? names.of(code) : undefined;
          if (label) countryNames.set(normalizeHeader(label), code);
        }
      }
    }
  }
  return countryNames.get(normalizeHeader(name));
}

function optionKey(cell: string, options: Array<{ key: string; label: string }>): string {
  const wanted = normalizeHeader(cell);
  return options.find((o) => o.key === cell || normalizeHeader(o.label) === wanted || normalizeHeader(o.key) === wanted)?.key ?? cell;
}

/**
 * Turns one row into a CustomerInput, reading values leniently. An empty cell leaves the customer's
 * value as it is. Every problem comes back with its row number, column and value.
 */
export function customerFromRow(row: CsvRow, plan: RowPlan): RowOutcome {
  const errors: RowError[] = [];
  const fail = (column: number, value: string, reason: string) =>
    errors.push({ row: row.rowNumber, column: columnName(plan, column), value: shown(value), reason });
  const record: Record<string, unknown> = {};
  const customFields: Record<string, unknown> = {};
  const answers: Record<string, string[]> = {};
  const channels: Record<string, Record<string, unknown>> = {};

  for (let i = plan.targets.length; i < row.cells.length; i++) {
    if (row.cells[i].trim() !== "") fail(i, row.cells[i], msg("ingest.import.beyondHeader", { count: plan.header.length }));
  }

  plan.targets.forEach((target, column) => {
    if (target === IGNORE) return;
    const raw = row.cells[column] ?? "";
    const cell = raw.trim();
    if (cell === "") return;
    if (cell.includes("\uFFFD")) {
      fail(column, raw, msg("ingest.import.wrongEncoding", { encoding: plan.encoding }));
      return;
    }
    const [head, key, part] = target.split(".");
    if (head === "customFields") {
      const field = plan.catalogue.customFields.find((f) => f.key === key);
      if (field?.type === "number") {
        const n = parseDecimal(cell);
        if (n === undefined) return fail(column, raw, msg("generic.type.number"));
        customFields[key] = n;
      } else if (field?.type === "date") {
        const d = parsePlainDate(cell);
        if (d === undefined) return fail(column, raw, plainDateProblem(cell));
        customFields[key] = d;
      } else if (field?.type === "select") {
        customFields[key] = field.options.find((o) => normalizeHeader(o) === normalizeHeader(cell)) ?? cell;
      } else {
        customFields[key] = cell;
      }
      return;
    }
    if (head === "answers") {
      const options = plan.catalogue.questions.find((q) => q.key === key)?.options ?? [];
      answers[key] = splitList(cell).map((c) => optionKey(c, options));
      return;
    }
    if (head === "channels") {
      const state = (channels[key] ??= {});
      if (part === "subscribed") {
        const yes = parseYesNo(cell);
        if (yes === undefined) return fail(column, raw, msg("ingest.import.yesNo"));
        state.subscribed = yes;
      } else {
        state.address = cell;
      }
      return;
    }
    switch (target) {
      case "acceptsMarketing": {
        const yes = parseYesNo(cell);
        if (yes === undefined) return fail(column, raw, msg("ingest.import.yesNo"));
        record.acceptsMarketing = yes;
        return;
      }
      case "birthday": {
        const d = parsePlainDate(cell);
        if (d === undefined) return fail(column, raw, plainDateProblem(cell));
        record.birthday = d;
        return;
      }
      case "registeredAt":
      case "firstInteractionAt":
      case "lastInteractionAt": {
        const moment = parseMoment(cell, plan.timeZone);
        if (moment === undefined) {
          const datePart = cell.split(/[ T]/)[0];
          const formats = msg("ingest.import.momentForms");
          return fail(column, raw, parsePlainDate(datePart) === undefined ? plainDateProblem(datePart, formats) : formats);
        }
        record[target] = moment.toISOString();
        return;
      }
      case "country":
        record.country = /^[a-z]{2}$/i.test(cell) ? cell : (countryCodeByName(cell) ?? cell);
        return;
      case "tags":
        record.tags = splitList(cell);
        return;
      case "locale":
        record.locale = cell.replace("_", "-").replace(/^([a-z]{2})-([a-z]{2})$/i, (_, l: string, r: string) => `${l.toLowerCase()}-${r.toUpperCase()}`).replace(/^[A-Z]{2}$/, (l) => l.toLowerCase());
        return;
      default:
        record[target] = cell;
    }
  });

  // spreadsheets hold national numbers ("0888 123 456"); without a country in the row they are the store's
  if (typeof record.phone === "string" && record.country === undefined && plan.storeCountry && !/^(\+|00)/.test(record.phone)) {
    const phone = normalizePhone(record.phone, plan.storeCountry);
    if (phone) record.phone = phone;
    else {
      const column = plan.targets.indexOf("phone");
      fail(column, row.cells[column] ?? "", phoneProblem(record.phone, plan.storeCountry));
      delete record.phone;
    }
  }
  if (Object.keys(customFields).length) record.customFields = customFields;
  if (Object.keys(answers).length) record.answers = answers;
  if (Object.keys(channels).length) record.channels = channels;
  const idColumn = plan.targets.indexOf("externalId");
  const hasIdError = errors.some((e) => e.column === columnName(plan, idColumn));
  if (record.externalId === undefined && !hasIdError) fail(idColumn, "", msg("ingest.import.noExternalId"));
  // the cells that read well are still checked, so the report names every problem of the row at once
  const parsed = parseInput(CustomerInput, record);
  if (!parsed.ok) errors.push(...parsed.errors.filter((e) => e.field !== "externalId" || record.externalId !== undefined).map((e) => rowErrorOf(e, row, plan)));
  if (errors.length || !parsed.ok) {
    const position = (e: RowError) => {
      const i = plan.targets.findIndex((_, c) => columnName(plan, c) === e.column);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return { ok: false, errors: errors.sort((a, b) => position(a) - position(b)) };
  }
  return { ok: true, input: parsed.value };
}

/** Places an error about a field of a row's CustomerInput (from zod or from the upsert) on its column. */
export function rowErrorOf(error: FieldError, row: CsvRow, plan: RowPlan): RowError {
  const field = error.field.replace(/\[\d+\]/g, "");
  let column = plan.targets.indexOf(field);
  if (column < 0) {
    // "channels.email.address" checked from the email column, or a field named by its parent
    const parent = plan.targets.findIndex((t) => t !== IGNORE && (field.startsWith(`${t}.`) || t.startsWith(`${field}.`)));
    column = parent >= 0 ? parent : field === "channels.email.address" ? plan.targets.indexOf("email") : -1;
  }
  if (column < 0) return { row: row.rowNumber, column: error.field, value: "", reason: error.reason };
  return { row: row.rowNumber, column: columnName(plan, column), value: shown(row.cells[column] ?? ""), reason: error.reason };
}
