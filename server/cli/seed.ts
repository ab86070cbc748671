// `npm run seed -- --customers N --seed S [--database-url URL] [--reset] [--now ISO-TIME]`: builds the
// demo store into the database DATABASE_URL names (or --database-url), after migrating it.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod/v4";
import { openDatabase } from "../../models/db";
import { seedDemoStore } from "../../models/demo/seed";
import { emptyStore } from "../../models/demo/empty-store";
import { loadConfig } from "../config";

const Args = z.object({
  customers: z.coerce.number().int().min(1).max(50_000_000).default(5_000),
  seed: z.coerce.number().int().default(42),
  "database-url": z.string().min(1).optional(),
  reset: z.boolean().default(false),
  now: z.iso.datetime({ offset: true }).optional(),
});

const count = (n: number) => n.toLocaleString("en");
/** The URL without its password, for printing. */
const shown = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");

/** Runs the command; returns the exit code. Lines go to `print`. */
export async function runSeedCommand(argv: string[], print: (line: string) => void, signal?: AbortSignal): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        customers: { type: "string" },
        seed: { type: "string" },
        "database-url": { type: "string" },
        reset: { type: "boolean" },
        now: { type: "string" },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    print(`seed: ${(error as Error).message}`);
    return 2;
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) print(`seed: --${issue.path.join(".")}: ${issue.message}`);
    return 2;
  }
  const args = parsed.data;
  const url = args["database-url"] ?? loadConfig().DATABASE_URL;
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const step = (line: string) => print(`  ${line}`);

  print(`Demo store: ${count(args.customers)} customers, seed ${args.seed}, into ${shown(url)}`);
  const db = await openDatabase(url, { migrate: true, log: step, pool: { max: 2 } });
  try {
    const existing = await db.models.Customer.count();
    if (existing > 0 && !args.reset) {
      print(`seed: the store already has ${count(existing)} customers. Add --reset to empty its data first (users, API keys and settings stay).`);
      return 1;
    }
    if (args.reset) {
      const tables = await emptyStore(db);
      step(`emptied ${tables.length} tables of store data (${tables.join(", ")}) in ${elapsed()}`);
    }
    const summary = await seedDemoStore(db, { customers: args.customers, seed: args.seed, now: args.now ? new Date(args.now) : new Date(), log: step, signal });
    const width = Math.max(...Object.keys(summary.rows).map((t) => t.length));
    const total = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    print("Rows written:");
    for (const [table, rows] of Object.entries(summary.rows)) print(`  ${table.padEnd(width)} ${count(rows).padStart(12)}`);
    print(`  ${"total".padEnd(width)} ${count(total).padStart(12)}`);
    print(`Done in ${elapsed()} (${count(Math.round(args.customers / summary.seconds))} customers/s, ${count(Math.round(total / summary.seconds))} rows/s).`);
    return 0;
  } catch (error) {
    print(`seed: ${(error as Error).message}`);
    return 1;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stop = new AbortController();
  process.on("SIGINT", () => {
    if (stop.signal.aborted) process.exit(130);
    console.log("\n  stopping after this chunk; the indexes are put back before exit (Ctrl-C again to quit at once)");
    stop.abort();
  });
  runSeedCommand(process.argv.slice(2), (line) => console.log(line), stop.signal).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
