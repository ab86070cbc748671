// Keyset cursors: the sort key of the row a page starts after (or ends before), opaque in the URL.
import { ORDER_TOTAL_SORTS, type CustomerSort } from "./list-query";

export type ListCursor =
  | { sort: "newest"; id: number }
  | { sort: "name"; sortName: string; id: number }
  /** A sort by an order total: the row's value (a last order as epoch milliseconds; null when it has none) and id. */
  | { sort: Exclude<CustomerSort, "newest" | "name">; value: number | null; id: number };

export function encodeCursor(cursor: ListCursor): string {
  const key = cursor.sort === "newest" ? [cursor.id] : cursor.sort === "name" ? [cursor.sortName, cursor.id] : [cursor.value, cursor.id];
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** The cursor for `sort`, or null when the text is not one (hand-edited, or made for the other order). */
export function decodeCursor(text: string, sort: CustomerSort): ListCursor | null {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(key)) return null;
  const validId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
  if (sort === "newest" && key.length === 1 && validId(key[0])) return { sort, id: key[0] };
  if (sort === "name" && key.length === 2 && typeof key[0] === "string" && key[0].length <= 201 && validId(key[1])) {
    return { sort, sortName: key[0], id: key[1] };
  }
  const byTotal = ORDER_TOTAL_SORTS[sort];
  if (byTotal && sort !== "newest" && sort !== "name" && key.length === 2 && validId(key[1])) {
    const [value] = key;
    // only a last order may be missing
    if (Number.isSafeInteger(value) || (value === null && byTotal.column === "last_order_at")) return { sort, value: value as number | null, id: key[1] };
  }
  return null;
}
