import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

// One real server for the whole run (global setup), one Chromium per test file, files one after
// another: the machine has two cores, and the files share the server's data.
export default defineConfig({
  root,
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["test/browser/server.global.ts"],
    fileParallelism: false,
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // a page answers within a second or two on a quiet machine; ten seconds is the bound on a busy one
    expect: { poll: { timeout: 10_000, interval: 100 } },
    reporters: ["default"],
  },
  resolve: { alias: { "~": `${root}app` } },
});
