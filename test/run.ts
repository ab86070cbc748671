// `npm test`: the whole suite on SQLite, then again on MariaDB/MySQL when TEST_MYSQL_URL is set.
import { spawnSync } from "node:child_process";

const extra = process.argv.slice(2);
const runs: Array<{ name: string; env: Record<string, string> }> = [{ name: "SQLite", env: { TEST_DIALECT: "sqlite" } }];
if (process.env.TEST_MYSQL_URL) runs.push({ name: `MariaDB (${process.env.TEST_MYSQL_URL.replace(/\/\/[^@]*@/, "//")})`, env: { TEST_DIALECT: "mysql" } });
else console.log("TEST_MYSQL_URL is not set: running on SQLite only.");

const build = spawnSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = false;
for (const run of runs) {
  console.log(`\n=== test suite on ${run.name} ===`);
  const result = spawnSync("npx", ["vitest", "run", ...extra], { stdio: "inherit", env: { ...process.env, ...run.env } });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
