// The `data` filter of queryJobs, removeJobs, disableJobs and enableJobs. Agenda documents it as
// "exact match or partial object match": an object matches a job whose data holds every key of it
// with an equal value (recursively); anything else must equal the job's data. The check runs here,
// in JavaScript, the same on both databases; SQL only narrows the rows to read (see fragments).

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The filter as it would read back from the database (dates become ISO text, undefined drops out). */
export function normaliseDataFilter(filter: unknown): unknown {
  const text = JSON.stringify(filter);
  return text === undefined ? null : JSON.parse(text);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

/** Whether a job's data matches a (normalised) filter. A null in the filter also matches a missing key. */
export function dataMatches(data: unknown, filter: unknown): boolean {
  if (isPlainObject(filter)) {
    if (!isPlainObject(data)) return false;
    return Object.entries(filter).every(([key, expected]) => {
      const actual = data[key];
      if (expected === null) return actual === null || actual === undefined;
      return dataMatches(actual, expected);
    });
  }
  return deepEqual(data, filter);
}

/**
 * Text that the stored JSON of every matching job contains: `"key":value` for each string, number
 * and boolean in the filter's objects. The jobs table stores data as JSON.stringify writes it, so
 * these are exact substrings; the SQL that uses them only has to never drop a matching row.
 */
export function dataFilterFragments(filter: unknown): string[] {
  if (!isPlainObject(filter)) return [];
  const fragments: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      fragments.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    } else if (isPlainObject(value)) {
      fragments.push(...dataFilterFragments(value));
    }
  }
  return fragments;
}

/** JSON with object keys sorted, so two equal unique constraints give one text. */
export function canonicalJson(value: unknown): string {
  return sortedJson(normaliseDataFilter(value));
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
