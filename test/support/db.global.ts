// Names this vitest run's kept MariaDB databases (see createTestDatabase) and drops them at its end,
// so runs side by side on one server never share one.
import crypto from "node:crypto";
import { dropDatabases } from "./db";

export default async function setup() {
  if (process.env.TEST_DIALECT !== "mysql" || !process.env.TEST_MYSQL_URL) return;
  const run = `tp${crypto.randomBytes(4).toString("hex")}`;
  process.env.TEST_DB_RUN = run;
  return async () => {
    await dropDatabases(`^${run}_`);
  };
}
