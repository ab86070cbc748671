// The Liquid engines message templates run in, configured so that a template can neither read a
// file nor run away, and a mistake in one comes back as a problem naming its field, line and variable.

import { Liquid, type Template } from "liquidjs";
import type { ChannelName } from "../channels/channel";
import { CONTEXT_SHAPE, type VariableShape } from "./variables";
import { msg } from "../../models/messages";
import { fieldLabel, type TemplateField, type TemplateProblem } from "./types";

/** The longest template the parser takes, in characters (an email's HTML is well under). */
export const PARSE_LIMIT = 500_000;
/** Liquid's allocation budget per render: a range of a million or ten megabytes of string building stop it. */
export const MEMORY_LIMIT = 10_000_000;
/** How long one render of one part for one customer may take, unless the caller says otherwise. */
export const DEFAULT_RENDER_MS = 1000;

const FILE_TAGS = ["include", "render", "layout"] as const;

/** What a tag that would read a file throws when it is parsed: known by its name, whatever the words. */
class FileTagRefused extends Error {
  override readonly name = "FileTagRefused";
  constructor(readonly tag: string) {
    super(`{% ${tag} %} is not available: templates cannot read files`);
  }
}

export interface TemplateEngines {
  /** For HTML bodies: every output is HTML-escaped, and `raw` does not exist. */
  html: Liquid;
  /** For subjects and text: outputs are written as they are. */
  plain: Liquid;
}

export interface EngineSettings {
  /** The store's language: month and weekday names of the date filter. */
  locale: string;
  /** The store's wall time now, "YYYY-MM-DDTHH:mm:ss": what the date filter reads for "now" and "today". */
  localNow: string;
}

function createEngine(escapeHtml: boolean, settings: EngineSettings): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // every date in the context is already the store's wall time: the date filter must not shift it
    timezoneOffset: 0,
    locale: settings.locale,
    // no file system: an empty in-memory one, and the tags that would read it refuse at parse time
    templates: {},
    relativeReference: false,
    dynamicPartials: false,
    outputEscape: escapeHtml ? "escape" : undefined,
    parseLimit: PARSE_LIMIT,
    memoryLimit: MEMORY_LIMIT,
    cache: false,
  });
  for (const tag of FILE_TAGS) {
    engine.registerTag(tag, {
      parse() {
        throw new FileTagRefused(tag);
      },
      render() {
        return "";
      },
    });
  }
  if (escapeHtml) {
    engine.unregisterFilter("raw");
    // every output is escaped once already: a marketer's own `| escape` (a habit from other Liquid
    // shops) must not escape it twice and show "&amp;amp;" to the customer
    engine.registerFilter("escape", (value: unknown) => value);
  }
  // time is the caller's: "now" and "today" are the moment the messages are made, not the clock's
  const date = engine.filters.date;
  const dateHandler = typeof date === "function" ? date : date.handler!;
  engine.registerFilter("date", function (this: unknown, value: unknown, ...args: unknown[]) {
    const at = value === "now" || value === "today" ? settings.localNow : value;
    return (dateHandler as (...a: unknown[]) => unknown).call(this, at, ...args);
  });
  return engine;
}

export function createEngines(settings: EngineSettings): TemplateEngines {
  return { html: createEngine(true, settings), plain: createEngine(false, settings) };
}

/** A Liquid error's message without the ", line:3, col:5" Liquid appends. */
function bareMessage(error: { message: string; originalError?: Error }): string {
  const message = error.originalError?.message ?? error.message;
  return message.replace(/, line:\d+, col:\d+$/, "");
}

interface LiquidLikeError {
  name: string;
  message: string;
  originalError?: Error & { variableName?: string; tag?: string };
  token?: { getPosition(): [number, number] };
}

/** A thrown parse or render error as the problem the marketer reads. */
export function problemFromError(error: unknown, channel: ChannelName, field: TemplateField, options: { renderMs?: number } = {}): TemplateProblem {
  const label = fieldLabel(channel, field);
  const e = error as LiquidLikeError;
  const line = typeof e?.token?.getPosition === "function" ? e.token.getPosition()[0] : null;
  const where = line === null ? label : whereAt(label, line);
  // Liquid's own messages are English: they are matched here, and passed on only as a detail
  const message = bareMessage(e ?? { message: String(error) });
  const problem = (text: string, at: number | null = line): TemplateProblem => ({ field, line: at, variable: null, message: text });
  if (e?.name === "UndefinedVariableError" || e?.originalError?.name === "InternalUndefinedVariableError") {
    const variable = e.originalError?.variableName ?? message.replace(/^undefined variable: /, "");
    return { field, line, variable, message: msg("campaigns.template.unknownVariable", { where, variable }) + suggestion(variable) };
  }
  const filter = /^undefined filter: (.+)$/.exec(message);
  if (filter) {
    if (filter[1] === "raw" && field === "htmlBody") return problem(msg("campaigns.template.rawInHtml", { where }));
    return problem(msg("campaigns.template.unknownFilter", { where, filter: filter[1] }));
  }
  if (message.startsWith("template render limit exceeded")) {
    return problem(msg("campaigns.template.tooSlow", { where, ms: options.renderMs ?? DEFAULT_RENDER_MS }));
  }
  if (message.startsWith("memory alloc limit exceeded")) return problem(msg("campaigns.template.tooMuch", { where }));
  if (message.startsWith("parse length limit exceeded")) return problem(msg("campaigns.template.tooLong", { field: label, count: PARSE_LIMIT }), null);
  if (e?.originalError?.name === "FileTagRefused") return problem(msg("campaigns.template.noFiles", { where, tag: e.originalError.tag }));
  if (e?.name === "TokenizationError" || e?.name === "ParseError") return problem(msg("campaigns.template.syntax", { where, detail: message }));
  return problem(msg("campaigns.template.other", { where, detail: message }));
}

/** "SMS text, line 3": where in a field a problem is. */
export const whereAt = (label: string, line: number) => msg("campaigns.template.atLine", { field: label, line });

/** Every full path the context has, for "did you mean". */
const KNOWN_PATHS: string[] = (function collect(shape: Record<string, VariableShape>, prefix: string): string[] {
  return Object.entries(shape).flatMap(([name, s]) => {
    const path = prefix + name;
    if (s.kind === "object") return [path, ...collect(s.props, `${path}.`)];
    return [path];
  });
})(CONTEXT_SHAPE, "");

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** " Did you mean customer.first_name?" for a near miss (a sentence to append), else "". */
export function suggestion(variable: string): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const path of KNOWN_PATHS) {
    const d = distance(variable, path);
    if (d < bestDistance) (best = path), (bestDistance = d);
  }
  return best && best !== variable ? ` ${msg("campaigns.template.didYouMean", { path: best })}` : "";
}

/** A variable's path as the static analysis gives it: names, indexes, or nested variables (dynamic). */
type Segment = string | number | { segments: Segment[] };

/** Why a path the template uses is not in the context, or null when it is. */
export function unknownPathReason(segments: readonly Segment[], fieldKeys: ReadonlySet<string> | null): string | null {
  const [root, ...rest] = segments;
  if (typeof root !== "string" || !(root in CONTEXT_SHAPE)) return "unknown";
  let shape: VariableShape | null = CONTEXT_SHAPE[root];
  for (const segment of rest) {
    if (typeof segment === "object") return null; // an index computed at render time: the render checks it
    if (shape === null) return "unknown";
    if (shape.kind === "object") {
      if (typeof segment !== "string" || !Object.hasOwn(shape.props, segment)) return "unknown";
      shape = shape.props[segment];
    } else if (shape.kind === "list") {
      if (typeof segment === "number" || segment === "first" || segment === "last") shape = shape.item;
      else if (segment === "size") shape = null;
      else return "unknown";
    } else if (shape.kind === "map") {
      if (fieldKeys && !fieldKeys.has(String(segment))) return "no_field";
      shape = { kind: "value", type: "text" };
    } else {
      // a text value: only its length
      if (segment !== "size") return "unknown";
      shape = null;
    }
  }
  return null;
}

/** Each variable of the context a parsed template reads, with where, for the unknown-variable check. */
export function globalVariables(engine: Liquid, templates: Template[]): Array<{ path: string; segments: Segment[]; line: number }> {
  const analysis = engine.analyzeSync(templates, { partials: false });
  return Object.values(analysis.globals).flatMap((variables) =>
    variables.map((v) => ({ path: v.toString(), segments: v.segments as Segment[], line: v.location.row })),
  );
}
