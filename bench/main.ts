// `npm run bench [-- --only seed,ingest] [--customers N] [--sqlite-only | --mysql-only]`: every figure the issues
// ask for, each beside the raw lower bound measured in the same run. MariaDB is at
// BENCH_MYSQL_URL, else TEST_MYSQL_URL, else mysql://root@127.0.0.1:3306/test.
import { parseArgs } from "node:util";
import type { Dialect } from "../models/db";
import { formatFigure, type BenchContext, type Figure } from "./support";

interface BenchModule {
  name: string;
  /** May return a closing line (a figure in a fixed form that scripts read), printed last of all. */
  run(ctx: BenchContext): Promise<void | string>;
}

const benches: Array<() => Promise<BenchModule>> = [
  () => import("./ingest").then((m) => m.default),
  () => import("./segments").then((m) => m.default),
  () => import("./seed").then((m) => m.default),
  () => import("./customers-list").then((m) => m.default),
  () => import("./incremental").then((m) => m.default),
  () => import("./campaigns").then((m) => m.default),
  () => import("./automations").then((m) => m.default),
  () => import("./storefront").then((m) => m.default),
  () => import("./export").then((m) => m.default),
];

async function main() {
  const { values } = parseArgs({
    options: { only: { type: "string" }, customers: { type: "string" }, "sqlite-only": { type: "boolean" }, "mysql-only": { type: "boolean" } },
    allowPositionals: false,
  });
  const only = values.only?.split(",").map((s) => s.trim());
  const dialects: Dialect[] = values["sqlite-only"] ? ["sqlite"] : values["mysql-only"] ? ["mysql"] : ["sqlite", "mysql"];
  const figures: Figure[] = [];
  const closing: string[] = [];
  const ctx: BenchContext = {
    dialects,
    mysqlUrl: process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
    customers: values.customers ? Number(values.customers) : undefined,
    log: (line) => console.log(`  ${line}`),
    record: (f) => {
      figures.push(f);
      console.log(formatFigure(f));
    },
  };
  for (const load of benches) {
    const bench = await load();
    if (only && !only.includes(bench.name)) continue;
    console.log(`\n== ${bench.name} ==`);
    const line = await bench.run(ctx);
    if (line) closing.push(line);
  }
  console.log("\n== summary ==");
  for (const f of figures) console.log(formatFigure(f));
  for (const line of closing) console.log(line);
  // Agenda leaves a lock-watch timer behind each job run (half the job's lockLifetime: minutes), so
  // after a bench that ran a worker the process would linger; exit once the output is written
  process.stdout.write("", () => process.exit(0));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
