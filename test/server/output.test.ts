import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, logFormatOf } from "../../server/logger";
import { createTestDatabase, testDialect } from "../support/db";
import { waitFor } from "../jobs/support";
import { freePort } from "../support/ports";

describe("the server's log lines", () => {
  it("are readable lines on a terminal and JSON elsewhere, unless LOG_FORMAT says which", () => {
    expect(logFormatOf(undefined, true)).toBe("pretty");
    expect(logFormatOf(undefined, false)).toBe("json");
    expect(logFormatOf("json", true)).toBe("json");
    expect(logFormatOf("pretty", false)).toBe("pretty");
  });

  it("in the readable format, a request reads as method, path, status and time, and personal data stays redacted", async () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    const log = createLogger("info", out, "pretty", { colorize: false });
    log.info({ req: { id: "r1", method: "GET", url: "/segments?page=2" }, res: { statusCode: 200 }, responseTime: 12 }, "request completed");
    log.info({ dialect: "sqlite", email: "ada@shop.test" }, "database ready");
    await waitFor(() => text.split("\n").length > 2, 5_000, "two lines");
    const [request, ready] = text.trim().split("\n");
    expect(request).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: GET \/segments\?page=2 200 12 ms$/);
    expect(ready).toMatch(/INFO: database ready .*"dialect":"sqlite"/);
    expect(ready).toContain('"email":"[redacted]"');
    expect(ready).not.toContain("ada@shop.test");
  });
});

describe(`the first start's output off a terminal on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "console-output-"));
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the logins once in a box of their own, and every log line, requests included, as JSON", { timeout: 120_000 }, async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, DATA_DIR: dataDir, DEMO_STORE: "0", HOST: "127.0.0.1", PORT: String(port) };
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "web"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    try {
      await waitFor(() => stdout.includes("└") && stdout.includes('"web listening"'), 90_000, `the server to start (stderr: ${stderr})`);
      expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200);
      await waitFor(() => stdout.includes('"url":"/login"'), 10_000, "the request's log line");
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    const lines = stdout.split("\n");
    const top = lines.findIndex((l) => l.startsWith("┌"));
    const bottom = lines.findIndex((l) => l.startsWith("└"));
    const box = lines.slice(top + 1, bottom);
    expect(box.length).toBeGreaterThan(3);
    expect(box.every((l) => l.startsWith("│ ") && l.endsWith(" │"))).toBe(true);
    expect(box.filter((l) => /^│\s+(admin|marketer|manager)\s+\S+@demo\.store\s+\S{4}-\S{4}-\S{4}-\S{4}\s+│$/.test(l))).toHaveLength(3);
    expect(box.some((l) => l.includes("npm run user:reset-password"))).toBe(true);
    const logLines = lines.filter((l) => l.startsWith("{"));
    expect(logLines.length).toBeGreaterThan(2);
    const logs = logLines.map((l) => JSON.parse(l) as { msg: string; req?: { method: string; url: string }; res?: { statusCode: number } });
    expect(logs.find((l) => l.req?.url === "/login")).toMatchObject({ msg: "request completed", req: { method: "GET" }, res: { statusCode: 200 } });
    // nothing else is mixed in: the step lines, the address line and the box
    expect(lines.filter((l) => l.trim() && !l.startsWith("{") && !/^\s{2}\S/.test(l) && !/^[┌│└]/.test(l))).toEqual([]);
  });
});
