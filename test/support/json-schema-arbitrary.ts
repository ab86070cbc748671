// fast-check arbitraries from the JSON schemas of the OpenAPI document (which zod generates from the
// contracts the API validates with): values of the documented shape, with hostile strings and edge
// numbers in some of the slots. Known values by property name let some requests refer to records
// that exist, so that the corpus reaches the writes too, not only the validation.
import fc from "fast-check";

export type JsonSchema = { [key: string]: unknown };

export interface SchemaArbitraryOptions {
  /** Resolves a `$ref` such as #/components/schemas/CustomerInput. */
  resolve: (ref: string) => JsonSchema;
  /** Values that exist in the store, by property name (externalId, code, currency…). */
  known: Record<string, readonly unknown[]>;
  /** Chance that a string slot holds a hostile string instead of a well-formed one. */
  hostileStringRate: number;
  /** Chance that a number slot holds an edge number. */
  edgeNumberRate: number;
  /** Chance that any slot holds a value of another type. */
  wrongTypeRate: number;
  /** Most items a generated array holds (bulk bodies stay small). */
  maxItems: number;
}

const LONG = 100_000;

/** Strings that broke or might break something below the API: controls, sizes, encodings, direction. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "C-1\u0000",
    "\u0000vip",
    "t\u0001x",
    "\u0007\u0008\u001b[31m",
    "line\nbreak",
    "tab\there",
    "cr\rhere",
    "del\u007f",
    "c1\u0085\u009f",
    "\ud800",
    "a\udc00b",
    "\udbff\udbff",
    "\u202eevil\u202c",
    "\u200f\u200e\u061c",
    "\u200b\u200d\ufeff",
    "e\u0301\u0301\u0301",
    "😀👩‍👩‍👧",
    "\u{10FFFF}",
    "",
    " ",
    "%00",
    "%",
    "\\",
    "'",
    "x".repeat(LONG),
    "é".repeat(LONG),
    "C-1" + "\u0000".repeat(1000),
    "\u0000".repeat(LONG),
  ),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\u0085", "\n", "\ud800", "\u202e"), fc.string({ maxLength: 8 }))
    .map(([a, c, b]) => a + c + b),
  fc.string({ unit: "binary", maxLength: 30 }),
);

/** Numbers at the edges of what JSON, JavaScript and the databases hold. */
export const edgeNumber: fc.Arbitrary<number> = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  1e-7,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.EPSILON,
);

const wrongType: fc.Arbitrary<unknown> = fc.constantFrom(null, 0, -1, "", "0", true, false, [], {}, [null], { a: 1 });

/** An ISO date-time within the databases' range, or at and beyond its edges. */
const dateTime: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.date({ min: new Date("1950-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString()) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "1900-01-01T00:00:00Z",
      "1899-12-31T23:59:59.999Z",
      "2199-12-31T23:59:59.999Z",
      "2200-01-01T00:00:00Z",
      "2024-02-29T12:00:00+14:00",
      "2024-02-29T12:00:00-12:00",
      "1970-01-01T00:00:00.000000001Z",
      "9999-12-31T23:59:59Z",
      "0000-01-01T00:00:00Z",
    ),
  },
);

/** A value of the schema, with the hostile variations the options ask for. */
export function arbitraryOf(schema: JsonSchema, options: SchemaArbitraryOptions, name?: string): fc.Arbitrary<unknown> {
  const plain = wellFormed(schema, options, name);
  if (options.wrongTypeRate <= 0) return plain;
  return fc.oneof({ weight: Math.round((1 - options.wrongTypeRate) * 1000), arbitrary: plain }, { weight: Math.round(options.wrongTypeRate * 1000), arbitrary: wrongType });
}

function withRate<T>(rate: number, usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>): fc.Arbitrary<T> {
  if (rate <= 0) return usual;
  return fc.oneof({ weight: Math.round((1 - rate) * 1000), arbitrary: usual }, { weight: Math.round(rate * 1000), arbitrary: rare });
}

function wellFormed(schema: JsonSchema, options: SchemaArbitraryOptions, name?: string): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === "string") return arbitraryOf(options.resolve(schema.$ref), options, name);
  const known = name !== undefined ? options.known[name] : undefined;
  const own = ownShape(schema, options, name);
  return known?.length ? fc.oneof(fc.constantFrom(...known), own) : own;
}

function ownShape(schema: JsonSchema, options: SchemaArbitraryOptions, name?: string): fc.Arbitrary<unknown> {
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ["anyOf", "oneOf"] as const) {
    if (Array.isArray(schema[key])) return fc.oneof(...(schema[key] as JsonSchema[]).map((s) => arbitraryOf(s, options, name)));
  }
  if (Array.isArray(schema.allOf)) return arbitraryOf(Object.assign({}, ...(schema.allOf as JsonSchema[])), options, name);
  switch (schema.type) {
    case "object":
      return objectOf(schema, options);
    case "array": {
      const minLength = Math.min(Number(schema.minItems ?? 0), options.maxItems);
      const maxLength = Math.max(minLength, Math.min(Number(schema.maxItems ?? options.maxItems), options.maxItems));
      return fc.array(arbitraryOf((schema.items as JsonSchema) ?? {}, options, name), { minLength, maxLength });
    }
    case "string":
      return withRate(options.hostileStringRate, stringOf(schema), hostileString);
    case "integer":
    case "number":
      return withRate(options.edgeNumberRate, numberOf(schema), edgeNumber);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null), hostileString);
  }
}

function objectOf(schema: JsonSchema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  if (Object.keys(properties).length === 0 && schema.additionalProperties && typeof schema.additionalProperties === "object") {
    // a record: a few entries with keys of its key schema
    const key = withRate(options.hostileStringRate, stringOf((schema.propertyNames ?? {}) as JsonSchema), hostileString);
    const keys = options.known.$recordKey?.length ? fc.oneof(fc.constantFrom(...(options.known.$recordKey as string[])), key) : key;
    return fc.dictionary(keys, arbitraryOf(schema.additionalProperties as JsonSchema, options), { maxKeys: 3 });
  }
  // an optional field is there one time in three: a record with every field set is almost never right everywhere
  const required = new Set((schema.required ?? []) as string[]);
  const entries = Object.entries(properties).map(([key, property]) => {
    const value = arbitraryOf(property, options, key);
    return required.has(key) ? value.map((v) => [key, v] as const) : fc.option(value.map((v) => [key, v] as const), { freq: 2, nil: undefined });
  });
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter((p) => p !== undefined)));
}

// building an arbitrary from a pattern with Unicode classes (\p{L}) costs milliseconds: once per pattern
const byPattern = new Map<string, fc.Arbitrary<string>>();
function matching(pattern: string): fc.Arbitrary<string> {
  let arbitrary = byPattern.get(pattern);
  if (!arbitrary) byPattern.set(pattern, (arbitrary = fc.stringMatching(new RegExp(pattern, "u"))));
  return arbitrary;
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === "date-time") return dateTime;
  if (schema.format === "email") return fc.emailAddress().filter((s) => s.length <= Number(schema.maxLength ?? 254));
  const minLength = Number(schema.minLength ?? 0);
  const maxLength = Math.min(Number(schema.maxLength ?? 40), 200);
  if (typeof schema.pattern === "string") {
    try {
      return matching(schema.pattern).filter((s) => s.length >= minLength && s.length <= Math.max(maxLength, minLength));
    } catch {
      // a pattern fast-check cannot build from (lookaheads, as in zod's email): the example or free text
    }
  }
  const example = typeof schema.example === "string" ? [schema.example] : [];
  const free = fc.string({ unit: "grapheme", minLength, maxLength: Math.max(minLength, maxLength) });
  return example.length ? fc.oneof(fc.constantFrom(...example), free) : free;
}

function numberOf(schema: JsonSchema): fc.Arbitrary<number> {
  const min = typeof schema.minimum === "number" ? schema.minimum : typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum + 1 : -1e9;
  const max = typeof schema.maximum === "number" ? schema.maximum : typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum - 1 : 1e9;
  if (schema.type === "integer") {
    const lo = Math.max(min, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max, Number.MAX_SAFE_INTEGER);
    // small values are the usual ones; the whole range now and then
    return fc.oneof(fc.integer({ min: Math.ceil(lo), max: Math.floor(Math.min(hi, Math.max(lo, 0) + 1000)) }), fc.constantFrom(Math.ceil(lo), Math.floor(hi)), fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }));
  }
  return fc.oneof(fc.double({ min: Math.max(min, -1e9), max: Math.min(max, 1e9), noNaN: true }), fc.constantFrom(min, max));
}

type Leaf = { parent: Record<string, unknown> | unknown[]; key: string | number; value: string | number };

function leavesOf(root: unknown): Leaf[] {
  const out: Leaf[] = [];
  const walk = (value: unknown) => {
    if (!value || typeof value !== "object") return;
    for (const [key, item] of Object.entries(value)) {
      const k = Array.isArray(value) ? Number(key) : key;
      if (typeof item === "string" || typeof item === "number") out.push({ parent: value as Record<string, unknown>, key: k, value: item });
      else walk(item);
    }
  };
  walk(root);
  return out;
}

/**
 * Well-formed values of the schema with exactly one string or number in them made hostile: the
 * request that gets furthest, past every check but the one slot, into the database.
 */
export function oneSlotHostile(schema: JsonSchema, options: SchemaArbitraryOptions): fc.Arbitrary<unknown> {
  const clean = { ...options, hostileStringRate: 0, edgeNumberRate: 0, wrongTypeRate: 0 };
  return fc.tuple(arbitraryOf(schema, clean), fc.nat(), hostileString, edgeNumber).map(([value, at, text, number]) => {
    const copy = structuredClone(value);
    const leaves = leavesOf(copy);
    if (leaves.length === 0) return copy;
    const leaf = leaves[at % leaves.length];
    (leaf.parent as Record<string | number, unknown>)[leaf.key] = typeof leaf.value === "string" ? text : number;
    return copy;
  });
}
