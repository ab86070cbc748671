// What reaches the log: the shape of a failed statement, never the personal data in it, and no
// email or phone number anywhere in a line, whichever field or message carries it.
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../server/logger";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";

/** A log destination that keeps every line. */
function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, stream, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe(`log lines on ${testDialect}`, () => {
  const sink = logSink();
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ log: createLogger("info", sink.stream) });
  });
  afterAll(() => app?.close());
  beforeEach(() => {
    sink.lines.length = 0;
  });

  it("a database error on the customer list logs the statement's shape, not the email that was searched for", async () => {
    const admin = await signIn(app, "admin");
    const qi = app.db.sequelize.getQueryInterface();
    await qi.renameTable("customers", "customers_away");
    try {
      const res = await admin.get(`/customers?q=${encodeURIComponent("Maria.Stoyanova@example.bg")}`);
      expect(res.status).toBe(500);
      await res.text();
    } finally {
      await qi.renameTable("customers_away", "customers");
    }
    const all = sink.lines.join("\n").toLowerCase();
    expect(all).not.toContain("maria.stoyanova");
    expect(all).not.toContain("example.bg");
    const logged = sink.entries().find((e) => e.msg === "unexpected error");
    const err = logged?.err as { statement?: string; type?: string } | undefined;
    expect(err?.type).toBe("SequelizeDatabaseError");
    // the statement that failed first (the filter menus' or the list's), as SQL with placeholders
    expect(err?.statement).toMatch(/\bcustomers\b/);
    expect(err?.statement).not.toMatch(/stoyanova|example\.bg/i);
    expect(logged).toHaveProperty("requestId");
    expect(Object.keys(err ?? {})).not.toContain("parameters");
  });

  it("an email or phone number in a message, a field or an error never reaches a line, while dates, ids and versions stay", () => {
    const log = createLogger("info", sink.stream);
    log.info(
      { note: "call +359 88 812 3456 or 0888 123 456, mail ivan.petrov@example.bg", contact: { mobile: "+359888123456" }, at: "2026-02-20T10:00:00.000Z" },
      "customer Иван.Петров@пример.бг wrote from (555) 123-4567",
    );
    log.error({ err: new Error("Duplicate entry 'maria@shop.test' for key 'customers_email'"), requestId: "3f2a9c10-0b12-4e5f-9a7b-123456789012" }, "write failed");
    log.warn("agenda@6.2.1 took 1234567 ms for job 42 at 2026-02-20 10:00:00.000 +00:00");
    const all = sink.lines.join("\n");
    for (const personal of ["+359 88 812 3456", "0888 123 456", "ivan.petrov", "+359888123456", "Иван.Петров", "123-4567", "maria@shop.test"]) {
      expect(all).not.toContain(personal);
    }
    for (const kept of ["2026-02-20T10:00:00.000Z", "3f2a9c10-0b12-4e5f-9a7b-123456789012", "agenda@6.2.1", "1234567 ms", "2026-02-20 10:00:00.000 +00:00", "customers_email"]) {
      expect(all).toContain(kept);
    }
    expect(sink.lines).toHaveLength(3);
  });
});
