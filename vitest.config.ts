import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{models,segments,campaigns,automations,jobs,server,app,test}/**/*.test.{ts,tsx}"],
    exclude: ["test/browser/**", "node_modules/**"],
    globalSetup: ["test/support/db.global.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // files run one after another in a worker that keeps its loaded modules: loading the Remix build,
    // Sequelize and the engine again for each of 150 files was half of the suite's time (1,031 s
    // isolated, 494 s not). Nothing a test relies on is per module: limits and caches belong to the
    // console or database they serve, and every file opens its own database.
    isolate: false,
    reporters: ["default"],
  },
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
});
