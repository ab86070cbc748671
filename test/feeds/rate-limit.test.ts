// Reads of one feed are limited per token (rate-limiter-flexible): past the limit a 429 with
// Retry-After and the feed's headers, while another feed's token reads on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { addSegment } from "../campaigns/support";
import { enableFeed } from "../../models/feeds/feeds.server";
import { expectFeedHeaders, readFeed } from "./support";

const LIMIT = 5;

describe(`the feed's rate limit on ${testDialect}`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ config: { feedReadsPerMinute: LIMIT } });
  });
  afterAll(() => app?.close());

  const feedOf = async (code: string) => {
    const out = await enableFeed(app.db, await addSegment(app.db, code, code), ["csv", "json"], { userId: null }, new Date());
    if (!out.ok) throw new Error(out.reason);
    return out.token;
  };

  it("a token read more than the limit in a minute gets 429 with Retry-After; another token is not held back", async () => {
    const busy = await feedOf("busy");
    const quiet = await feedOf("quiet");
    for (let i = 0; i < LIMIT; i++) expect((await readFeed(app, `${busy}/members.json`)).status).toBe(200);
    const refused = await readFeed(app, `${busy}/members.csv`);
    expect(refused.status).toBe(429);
    expectFeedHeaders(refused, "429");
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await refused.text()).not.toContain("externalId");
    // refused reads are not served, so not logged as reads
    expect(await app.db.models.SegmentFeedRead.count()).toBe(LIMIT);
    expect((await readFeed(app, `${quiet}/members.json`)).status).toBe(200);
    // an unknown token is counted the same way: guessing costs the same as reading
    for (let i = 0; i < LIMIT; i++) expect((await readFeed(app, `unknown-token/members.json`)).status).toBe(404);
    expect((await readFeed(app, `unknown-token/members.json`)).status).toBe(429);
  });
});
