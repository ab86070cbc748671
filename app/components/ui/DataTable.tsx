import type { HTMLAttributes, ReactNode } from "react";

export interface Column<Row> {
  /** Stable key of the column. */
  key: string;
  /** The header; also the label beside the value when rows are stacked on a phone. */
  header: string;
  /** Hide the header text visually (an actions column), keep it for screen readers. */
  srOnlyHeader?: boolean;
  align?: "left" | "right";
  /** The row's title: on a phone it heads the stacked card, without a label. */
  primary?: boolean;
  /** Classes for this column's cells (widths, whitespace). */
  className?: string;
  cell: (row: Row) => ReactNode;
}

/**
 * The one table of the console. From 768 px it is a table that scrolls inside its own box, never
 * the page; below, each row is a stacked card with each value under its column's label.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowProps,
  testId,
  caption,
  empty,
}: {
  columns: Array<Column<Row>>;
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => string | number;
  rowProps?: (row: Row) => HTMLAttributes<HTMLTableRowElement> & { "data-testid"?: string };
  testId?: string;
  /** A caption for screen readers. */
  caption?: string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
}) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <div className="table-box">
      <table className="table data-table" data-testid={testId}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={`whitespace-nowrap ${c.align === "right" ? "text-right" : ""}`}>
                {c.srOnlyHeader ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} {...rowProps?.(row)}>
              {columns.map((c) => (
                <td
                  key={c.key}
                  data-label={c.srOnlyHeader || c.primary ? undefined : c.header}
                  className={`${c.primary ? "primary" : ""} ${c.align === "right" ? "md:text-right" : ""} ${c.className ?? ""}`}
                >
                  <div className="cell">{c.cell(row)}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
