// The encodings and delimiters an import file may be read with. Browser-safe: the format step's
// selects are built from these lists.

export const ENCODINGS = ["utf-8", "windows-1251", "windows-1253", "windows-1252", "utf-16le"] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How a delimiter is named in the UI and in form values, where a raw tab does not survive. */
export const DELIMITER_NAMES: Record<Delimiter, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe" };

export function delimiterByName(name: string): Delimiter | undefined {
  return DELIMITERS.find((d) => DELIMITER_NAMES[d] === name);
}

export function isEncoding(value: string | null | undefined): value is Encoding {
  return (ENCODINGS as readonly string[]).includes(value ?? "");
}

export function isDelimiter(value: string | null | undefined): value is Delimiter {
  return (DELIMITERS as readonly string[]).includes(value ?? "");
}

/** Statuses of an import, in the order a file moves through them. */
export const IMPORT_STATUSES = ["uploaded", "mapped", "queued", "checking", "checked", "running", "stopping", "done", "failed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** Statuses in which a check or an import is waiting for a worker or working on the file. */
export const BUSY_STATUSES: readonly ImportStatus[] = ["queued", "checking", "running", "stopping"];

/** Longest row the reader accepts, in characters: anything longer is a broken file, not a customer. */
export const MAX_ROW_CHARS = 1_000_000;
