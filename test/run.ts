// `npm test`: the whole suite on SQLite, and on MariaDB/MySQL when TEST_MYSQL_URL is set.
//
// The two runs go side by side: the SQLite run keeps a core busy while the MariaDB run mostly waits
// on its server, so together they take little more than the longer one. The first run's output is
// shown as it comes; the second's is held in a file and shown, whole and in order, once the first
// ends (then live). TEST_SERIAL=1 runs them one after the other instead.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const extra = process.argv.slice(2);
const runs: Array<{ name: string; env: Record<string, string> }> = [{ name: "SQLite", env: { TEST_DIALECT: "sqlite" } }];
if (process.env.TEST_MYSQL_URL) runs.push({ name: `MariaDB (${process.env.TEST_MYSQL_URL.replace(/\/\/[^@]*@/, "//")})`, env: { TEST_DIALECT: "mysql" } });
else console.log("TEST_MYSQL_URL is not set: running on SQLite only.");

const build = spawnSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
if (build.status !== 0) process.exit(build.status ?? 1);

interface Started {
  name: string;
  done: Promise<number>;
  /** Where a held run's output goes until it is its turn. */
  log?: string;
}

function start(run: (typeof runs)[number], held: boolean): Started {
  const env = { ...process.env, ...run.env, ...(held ? { FORCE_COLOR: process.stdout.isTTY ? "1" : "0" } : {}) };
  if (!held) {
    console.log(`\n=== test suite on ${run.name} ===`);
    const child = spawn("npx", ["vitest", "run", ...extra], { stdio: "inherit", env });
    return { name: run.name, done: exitOf(child) };
  }
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "console-test-run-")), "output.log");
  const out = fs.openSync(log, "w");
  const child = spawn("npx", ["vitest", "run", ...extra], { stdio: ["ignore", out, out], env });
  return { name: run.name, done: exitOf(child).finally(() => fs.closeSync(out)), log };
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

/** Shows a held run's output so far, then follows it until the run ends. */
async function follow(run: Started): Promise<number> {
  console.log(`\n=== test suite on ${run.name} (ran beside the one above) ===`);
  let shown = 0;
  const showMore = () => {
    const size = fs.statSync(run.log!).size;
    if (size <= shown) return;
    const fd = fs.openSync(run.log!, "r");
    const chunk = Buffer.alloc(size - shown);
    fs.readSync(fd, chunk, 0, chunk.length, shown);
    fs.closeSync(fd);
    process.stdout.write(chunk);
    shown = size;
  };
  let finished = false;
  const code = run.done.then((c) => {
    finished = true;
    return c;
  });
  while (!finished) {
    showMore();
    await Promise.race([code, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
  showMore();
  fs.rmSync(path.dirname(run.log!), { recursive: true, force: true });
  return code;
}

async function main(): Promise<boolean> {
  let failed = false;
  if (process.env.TEST_SERIAL === "1") {
    for (const run of runs) if ((await start(run, false).done) !== 0) failed = true;
    return failed;
  }
  const [first, ...others] = runs.map((run, i) => start(run, i > 0));
  if ((await first.done) !== 0) failed = true;
  for (const other of others) if ((await follow(other)) !== 0) failed = true;
  return failed;
}

main().then((failed) => process.exit(failed ? 1 : 0));
