import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config";
import { openDatabase } from "../../models/db";

/** An environment of only these variables (NODE_ENV is required by Node's types). */
const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ NODE_ENV: "test", ...vars });

describe("the data folder", () => {
  const made: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "console-config-"));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("without DATABASE_URL, the SQLite file is made in DATA_DIR, beside the session secret", async () => {
    const dataDir = path.join(tempDir(), "store data");
    const config = loadConfig(env({ DATA_DIR: dataDir }));
    expect(config.DATABASE_URL).toBe(`sqlite:${path.join(dataDir, "console.sqlite")}`);
    const db = await openDatabase(config.DATABASE_URL, { migrate: true });
    await db.close();
    expect(fs.readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(["console.sqlite", "session-secret"]));
  });

  it("an empty DATABASE_URL counts as unset; a given one is used as it is, whatever DATA_DIR", () => {
    const dataDir = tempDir();
    expect(loadConfig(env({ DATA_DIR: dataDir, DATABASE_URL: "" })).DATABASE_URL).toBe(`sqlite:${path.join(dataDir, "console.sqlite")}`);
    expect(loadConfig(env({ DATA_DIR: dataDir, DATABASE_URL: "mysql://shop@db:3306/console" })).DATABASE_URL).toBe("mysql://shop@db:3306/console");
  });

  it("a relative DATA_DIR is taken from the working directory", () => {
    const cwd = process.cwd();
    const dir = tempDir();
    process.chdir(dir);
    try {
      expect(loadConfig(env({ DATA_DIR: "./var" })).DATABASE_URL).toBe(`sqlite:${path.join(fs.realpathSync(dir), "var", "console.sqlite")}`);
    } finally {
      process.chdir(cwd);
    }
  });
});
