// Starts the real console (`node --import tsx server/main.ts all`, the built Remix app) on a free
// port with a temporary SQLite database and a 300-customer demo store, reads the first-start logins
// it prints, hands them to the tests, and stops it at the end.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../support/ports";

export interface FirstLogin {
  role: "admin" | "marketer" | "manager";
  email: string;
  password: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    logins: FirstLogin[];
    /** The server's database, for tests that set up what no page can make (a failed job, a notification). */
    databaseUrl: string;
  }
}

const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

/** Resolves with the logins once the server says it listens and has printed them; rejects if it exits or takes too long. */
function waitForStart(child: ChildProcess, log: fs.WriteStream): Promise<FirstLogin[]> {
  return new Promise((resolve, reject) => {
    const logins: FirstLogin[] = [];
    let listening = false;
    let buffer = "";
    const timer = setTimeout(() => fail(new Error(`the server did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      log.write(chunk);
      buffer += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        // the logins come in a box: its borders are not part of the line
        const line = buffer.slice(0, newline).replace(/^\s*│|│\s*$/g, "");
        buffer = buffer.slice(newline + 1);
        const login = /^\s+(admin|marketer|manager)\s+(\S+@\S+)\s+(\S+)\s*$/.exec(line);
        if (login) logins.push({ role: login[1] as FirstLogin["role"], email: login[2], password: login[3] });
        if (/Segment console \(all\) on /.test(line)) listening = true;
        if (/^\s*Open http/.test(line) && listening && logins.length === 3) {
          clearTimeout(timer);
          resolve(logins);
        }
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => log.write(chunk));
    child.once("exit", (code) => fail(new Error(`the server exited (code ${code}) before it was ready; see test-results/browser-server.log`)));
  });
}

/**
 * A copy of the Remix build (server bundle and browser assets) in `dir`, with the server's sources
 * and node_modules linked: the server runs from there, so a rebuild in the working tree while the tests
 * run cannot swap the assets under the pages it has already served.
 */
function snapshotBuild(dir: string): string {
  const root = process.cwd();
  const app = path.join(dir, "app");
  fs.mkdirSync(path.join(app, "public"), { recursive: true });
  fs.cpSync(path.join(root, "build"), path.join(app, "build"), { recursive: true });
  fs.cpSync(path.join(root, "public"), path.join(app, "public"), { recursive: true });
  // Node follows the server's symlink to its real path, so models/ and the rest resolve from the working tree
  for (const linked of ["node_modules", "package.json", "tsconfig.json", "server"]) fs.symlinkSync(path.join(root, linked), path.join(app, linked));
  return app;
}

export default async function setup(project: TestProject) {
  if (!fs.existsSync("build/index.js")) throw new Error("No Remix build: run `npm run build` first (npm run test:browser does).");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-browser-"));
  const cwd = snapshotBuild(dir);
  const port = await freePort();
  fs.mkdirSync("test-results", { recursive: true });
  const log = fs.createWriteStream("test-results/browser-server.log");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `sqlite:${path.join(dir, "data", "console.sqlite")}`,
    DATA_DIR: path.join(dir, "data"),
    DEMO_CUSTOMERS: "300",
    DEMO_SEED: "7",
    LOG_LEVEL: "warn",
  };
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "all"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS).unref());
      if ((await Promise.race([exited, timeout])) === "timeout") child.kill("SIGKILL");
    }
    log.end();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const logins = await waitForStart(child, log);
    project.provide("baseUrl", `http://127.0.0.1:${port}`);
    project.provide("logins", logins);
    project.provide("databaseUrl", env.DATABASE_URL!);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
