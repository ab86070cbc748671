import crypto from "node:crypto";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Sequelize } from "sequelize";
import { openDatabase, type Database, type Dialect } from "../models/db";

export interface BenchContext {
  dialects: Dialect[];
  mysqlUrl: string;
  /** Scale asked on the command line (--customers N), when a bench takes one. */
  customers?: number;
  log: (line: string) => void;
  record: (figure: Figure) => void;
}

/** One printed line of the bench: the figure beside its lower bound (or naive way) and its bar. */
export interface Figure {
  bench: string;
  dialect: Dialect | "-";
  what: string;
  value: number;
  unit: string;
  /** The raw SQL / raw HTTP lower bound measured in the same run, in the same unit. */
  baseline?: { what: string; value: number };
  bar?: { op: ">=" | "<="; value: number };
}

export type BenchDatabase = Database & { drop(): Promise<void> };

/** A fresh, migrated database for a bench: a temporary SQLite file or a new MariaDB database. */
export async function createBenchDatabase(dialect: Dialect, mysqlUrl: string, label = "bench"): Promise<BenchDatabase> {
  const name = `${label}_${crypto.randomBytes(3).toString("hex")}`;
  if (dialect === "mysql") {
    const server = mysqlUrl.replace(/^mariadb:/, "mysql:");
    const admin = new Sequelize(server, { logging: false });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.close();
    const url = new URL(server);
    url.pathname = `/${name}`;
    const db = await openDatabase(url.toString(), { migrate: true });
    return Object.assign(db, {
      async drop() {
        await db.close().catch(() => {});
        const again = new Sequelize(server, { logging: false });
        await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await again.close();
      },
    });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-bench-"));
  const db = await openDatabase(`sqlite:${path.join(dir, `${name}.sqlite`)}`, { migrate: true });
  return Object.assign(db, {
    async drop() {
      await db.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function formatFigure(f: Figure): string {
  const num = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(2));
  let line = `${f.bench.padEnd(10)} ${String(f.dialect).padEnd(7)} ${f.what.padEnd(52)} ${num(f.value).padStart(12)} ${f.unit}`;
  if (f.baseline) line += `   | ${f.baseline.what}: ${num(f.baseline.value)} ${f.unit} (×${(f.value / f.baseline.value).toFixed(2)})`;
  if (f.bar) {
    const ok = f.bar.op === ">=" ? f.value >= f.bar.value : f.value <= f.bar.value;
    line += `   bar ${f.bar.op} ${num(f.bar.value)}: ${ok ? "PASS" : "FAIL"}`;
  }
  return line;
}

/** One raw POST /api/v1/customers/bulk over a kept-alive agent: the benches time the server, not a client library. */
export function postBulkCustomers(agent: http.Agent, port: number, secret: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/v1/customers/bulk",
        method: "POST",
        agent,
        headers: { "Content-Type": "application/json", "Content-Length": body.length, Authorization: `Bearer ${secret}`, "Accept-Encoding": "identity" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
