import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{models,segments,campaigns,automations,jobs,server,app,test}/**/*.test.{ts,tsx}"],
    exclude: ["test/browser/**", "node_modules/**"],
    globalSetup: ["test/support/db.global.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
  },
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
});
