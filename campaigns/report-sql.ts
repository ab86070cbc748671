// The SQL of the campaign report's time series that differs between SQLite and MariaDB, side by
// side. Everything else of the report (the offsets of the store's zone, the grouping) is plain SQL
// built in report-timeline.server.ts.
import type { Database } from "../models/db";

export interface ReportSql {
  /** Whole seconds since the epoch of a stored timestamp column. */
  epochSeconds(column: string): string;
  /** floor(expression / seconds) as an integer, for expressions that are never negative. */
  wholeDivision(expression: string, seconds: number): string;
}

export function reportSql(dialect: Database["dialect"]): ReportSql {
  if (dialect === "mysql") {
    return {
      // the connection's time_zone is +00:00 (models/db.ts), so the DATETIME reads as UTC
      epochSeconds: (column) => `FLOOR(UNIX_TIMESTAMP(${column}))`,
      wholeDivision: (expression, seconds) => `((${expression}) DIV ${Math.trunc(seconds)})`,
    };
  }
  return {
    // Sequelize stores "YYYY-MM-DD HH:MM:SS.SSS +00:00", which SQLite's date functions read
    epochSeconds: (column) => `unixepoch(${column})`,
    // both sides are integers, so SQLite's "/" divides whole
    wholeDivision: (expression, seconds) => `((${expression}) / ${Math.trunc(seconds)})`,
  };
}
