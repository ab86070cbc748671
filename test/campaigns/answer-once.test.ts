// answerOnce: one answer per Idempotency-Key for an operation that is repeatable by itself and
// runs its own transaction (starting a campaign). Exercised with a stand-in operation against the
// real database, since the sending part that starts campaigns is built elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/db";
import { testDialect } from "../support/db";
import { answerOnce, hashRequest, type IdempotencyClaim } from "../../models/idempotency.server";
import { createApiKey } from "../../models/api-keys.server";

describe(`answerOnce on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let apiKeyId = 0;
  const now = new Date("2026-04-01T10:00:00Z");
  const claim = (key: string, path = "/api/v1/campaigns/1/start"): IdempotencyClaim => ({ apiKeyId, key, requestHash: hashRequest("POST", path, new Uint8Array()) });

  beforeAll(async () => {
    db = await createTestDatabase();
    apiKeyId = (await createApiKey(db, { name: "k", scopes: ["campaigns:write"] }, { userId: null })).id;
  });
  afterAll(() => db?.drop());

  it("a retry with the key gets the first answer and the operation does not run again", async () => {
    let runs = 0;
    const work = async () => ({ commit: true, status: 200, body: JSON.stringify({ run: ++runs }) });
    const first = await answerOnce(db, claim("start-1"), work, now);
    const again = await answerOnce(db, claim("start-1"), work, now);
    expect(first).toEqual({ kind: "done", response: { status: 200, body: '{"run":1}' }, replayed: false });
    expect(again).toEqual({ kind: "done", response: { status: 200, body: '{"run":1}' }, replayed: true });
    expect(runs).toBe(1);
  });

  it("a refused answer is not kept: the client may fix what was wrong and retry with the key", async () => {
    let runs = 0;
    const refuse = async () => ({ commit: false, status: 409, body: JSON.stringify({ run: ++runs }) });
    await answerOnce(db, claim("start-2"), refuse, now);
    const again = await answerOnce(db, claim("start-2"), refuse, now);
    expect(again).toMatchObject({ replayed: false, response: { status: 409 } });
    expect(runs).toBe(2);
    expect(await db.models.IdempotencyKey.count({ where: { key: "start-2" } })).toBe(0);
  });

  it("the key on another path is refused; two requests racing with one key end with one kept answer", async () => {
    await answerOnce(db, claim("start-3"), async () => ({ commit: true, status: 200, body: "{}" }), now);
    expect(await answerOnce(db, claim("start-3", "/api/v1/campaigns/2/start"), async () => ({ commit: true, status: 200, body: "{}" }), now)).toEqual({ kind: "key_reused" });
    const racing = await Promise.all(
      [1, 2, 3].map((n) => answerOnce(db, claim("start-4"), async () => ({ commit: true, status: 200, body: JSON.stringify({ n }) }), now)),
    );
    const kept = await db.models.IdempotencyKey.findAll({ where: { key: "start-4" }, raw: true });
    expect(kept).toHaveLength(1);
    // every racer that lost answers with the kept response
    for (const r of racing) if (r.kind === "done" && r.replayed) expect(r.response.body).toBe(kept[0].response);
    expect(racing.some((r) => r.kind === "done" && r.response.body === kept[0].response)).toBe(true);
  });
});
