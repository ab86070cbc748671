// A segment's secret feed end to end over real HTTP: turned on from the segment page, read by an
// app without a login as CSV and JSON, rotated and revoked (404, never data), every read logged,
// managed through the API with an admin's key, and closed to marketers and managers.
import crypto from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { addCustomers } from "../customers/factory";
import { addSegment } from "../campaigns/support";
import { addMembers, removeMembers } from "../../segments/manual.server";
import { createLogger } from "../../server/logger";
import { tableContents } from "../access/console";
import { enableThroughPage, expectFeedHeaders, membersFromCsv, postFeed, readFeed, type Admin } from "./support";

const T0 = new Date("2026-03-02T10:00:00.000Z");
const DANGEROUS = ["=HYPERLINK(\"http://x\")", "+31", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturned"];

describe(`a segment's secret feed on ${testDialect}`, () => {
  const logLines: string[] = [];
  let app: TestApp;
  let admin: Admin;
  let segmentId = 0;
  let customerIds: number[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    app = await startTestApp({ log: createLogger("info", sink), config: { feedReadsPerMinute: 10_000 } });
    admin = await signIn(app, "admin");
    customerIds = await addCustomers(app.db, [
      ...DANGEROUS.map((name, i) => ({ externalId: `risky-${i}`, firstName: name, lastName: "Петрова", email: `risky-${i}@shop.test`, phone: `+35988800000${i}`, country: "BG", city: "София" })),
      { externalId: "plain", firstName: "Ana", lastName: null, email: null, phone: null, acceptsMarketing: true },
      { externalId: "outsider", firstName: "Not", lastName: "Member" },
    ]);
    segmentId = await addSegment(app.db, "Followed", "followed");
    await addMembers(app.db, segmentId, customerIds.slice(0, -1), T0);
  });
  afterAll(() => app?.close());

  async function members() {
    const rows = await app.db.models.SegmentMember.findAll({ where: { segmentId }, raw: true });
    const customers = await app.db.models.Customer.findAll({ where: { id: rows.map((r) => r.customerId) }, raw: true });
    return customers
      .map((c) => ({
        external_id: c.externalId,
        first_name: c.firstName ?? "",
        last_name: c.lastName ?? "",
        email: c.email ?? "",
        phone: c.phone ?? "",
        country: c.country ?? "",
        city: c.city ?? "",
        accepts_marketing: String(Boolean(c.acceptsMarketing)),
        entered_at: new Date(rows.find((r) => r.customerId === c.id)!.enteredAt).toISOString(),
      }))
      .sort((a, b) => a.external_id.localeCompare(b.external_id));
  }

  it("an admin turns the feed on from the segment page; the CSV and JSON read without a login equal the members", async () => {
    const token = await enableThroughPage(admin, segmentId);
    const expected = await members();
    expect(expected).toHaveLength(DANGEROUS.length + 1);

    const csv = await readFeed(app, `${token}/members.csv`);
    expect(csv.status).toBe(200);
    expectFeedHeaders(csv, "members.csv");
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("set-cookie")).toBeNull();
    const text = await csv.text();
    // every dangerous cell is made inert in the file itself
    const raw = parse(text, { columns: true }) as Array<Record<string, string>>;
    DANGEROUS.forEach((name, i) => expect(raw.find((r) => r.external_id === `risky-${i}`)!.first_name).toBe(`'${name}`));
    expect(raw.find((r) => r.external_id === "risky-0")!.phone).toBe("'+359888000000");
    expect(membersFromCsv(text).sort((a, b) => a.external_id.localeCompare(b.external_id))).toEqual(expected);

    // JSON a page of 2 at a time, following nextCursor; the first page says where events begin
    const pages: Array<{ members: Array<Record<string, unknown>>; nextCursor: string | null; eventsCursor?: string }> = [];
    let path = `${token}/members.json?limit=2`;
    for (;;) {
      const res = await readFeed(app, path);
      expect(res.status).toBe(200);
      expectFeedHeaders(res, path);
      const page = (await res.json()) as (typeof pages)[number];
      pages.push(page);
      if (!page.nextCursor) break;
      path = `${token}/members.json?limit=2&cursor=${page.nextCursor}`;
    }
    expect(pages.length).toBe(Math.ceil(expected.length / 2));
    const latest = await app.db.models.SegmentEvent.max("id", { where: { segmentId } });
    expect(pages[0].eventsCursor).toBe(String(latest));
    expect(pages.slice(1).every((p) => p.eventsCursor === undefined)).toBe(true);
    const fromJson = pages
      .flatMap((p) => p.members)
      .map((m) => ({
        external_id: m.externalId,
        first_name: m.firstName ?? "",
        last_name: m.lastName ?? "",
        email: m.email ?? "",
        phone: m.phone ?? "",
        country: m.country ?? "",
        city: m.city ?? "",
        accepts_marketing: String(m.acceptsMarketing),
        entered_at: m.enteredAt,
      }))
      .sort((a, b) => String(a.external_id).localeCompare(String(b.external_id)));
    expect(fromJson).toEqual(expected);
  });

  it("only the token's SHA-256 is stored, and no page, list or log shows the token again", async () => {
    await postFeed(admin, segmentId, { intent: "revoke" });
    const token = await enableThroughPage(admin, segmentId);
    const row = await app.db.models.SegmentFeed.findOne({ where: { segmentId }, raw: true });
    expect(row!.tokenHash).toBe(crypto.createHash("sha256").update(token).digest("hex"));
    expect(await tableContents(app.db)).not.toContain(token);
    const page = await (await admin.get(`/segments/${segmentId}?_data=${encodeURIComponent("routes/segments.$id")}`)).text();
    expect(page).toContain('"isEnabled":true');
    expect(page).not.toContain(token);
    expect(page).not.toContain(row!.tokenHash!);
    const html = await (await admin.get(`/segments/${segmentId}`)).text();
    expect(html).not.toContain(token);
    expect(html).toContain("Anyone who has the feed URL can read");
    const list = await (await admin.get(`/segments?_data=${encodeURIComponent("routes/segments._index")}`)).json();
    expect(list.segments.find((s: { id: number }) => s.id === segmentId).feed).toBe("on");
    expect(JSON.stringify(list)).not.toContain(token);
    expect((await readFeed(app, `${token}/members.json`)).status).toBe(200);
    expect(logLines.join("")).not.toContain(token);
    // the request lines are there, with the token masked
    expect(logLines.join("")).toContain("/feeds/[token]/members.csv");
  });

  it("a rotated and a revoked token answer 404 at once with no data, the same answer as an unknown token", async () => {
    const before = await enableAgain();
    const rotated = await postFeed(admin, segmentId, { intent: "rotate" });
    expect(rotated.status).toBe(200);
    const after = (rotated.body as { token: string }).token;
    expect(after).not.toBe(before);

    const unknown = crypto.randomBytes(24).toString("base64url");
    const answers: Array<[string, Response]> = [];
    for (const file of ["members.csv", "members.json", "events.json", "events.csv"]) {
      answers.push([`rotated ${file}`, await readFeed(app, `${before}/${file}`)]);
      answers.push([`unknown ${file}`, await readFeed(app, `${unknown}/${file}`)]);
    }
    expect((await readFeed(app, `${after}/members.json`)).status).toBe(200);
    const revoked = await postFeed(admin, segmentId, { intent: "revoke" });
    expect(revoked.status).toBe(200);
    for (const file of ["members.csv", "members.json", "events.json", "events.csv"]) answers.push([`revoked ${file}`, await readFeed(app, `${after}/${file}`)]);
    answers.push(["no file", await readFeed(app, `${unknown}`)]);
    answers.push(["other file", await readFeed(app, `${unknown}/secrets.txt`)]);
    for (const [what, res] of answers) {
      expect(res.status, what).toBe(404);
      expectFeedHeaders(res, what);
      expect(await res.text(), what).toBe("Not found.\n");
    }
    const list = await (await admin.get(`/segments?_data=${encodeURIComponent("routes/segments._index")}`)).json();
    expect(list.segments.find((s: { id: number }) => s.id === segmentId).feed).toBe("revoked");
    const audit = (await app.db.models.AuditEntry.findAll({ where: { targetType: "segment", targetId: String(segmentId) }, order: [["id", "ASC"]], raw: true })).filter((a) => a.action.startsWith("segment.feed."));
    expect(audit.map((a) => a.action).slice(-3)).toEqual(["segment.feed.enable", "segment.feed.rotate", "segment.feed.revoke"]);
    expect(audit.every((a) => a.userId === admin.id)).toBe(true);
  });

  async function enableAgain() {
    const state = await app.db.models.SegmentFeed.findOne({ where: { segmentId }, raw: true });
    if (state?.tokenHash) await postFeed(admin, segmentId, { intent: "revoke" });
    return enableThroughPage(admin, segmentId);
  }

  it("a format left out answers 404; a bad cursor or limit is a 400 that names it; every answer carries the headers", async () => {
    const token = await enableAgain();
    expect((await postFeed(admin, segmentId, { intent: "formats", formats: ["json"] })).status).toBe(200);
    const csv = await readFeed(app, `${token}/members.csv`);
    expect(csv.status).toBe(404);
    expect(await csv.text()).toBe("Not found.\n");
    for (const [path, field] of [
      [`${token}/members.json?limit=0`, "limit"],
      [`${token}/members.json?cursor=abc`, "cursor"],
      [`${token}/events.json?since=-1`, "since"],
      [`${token}/events.json?limit=99999999`, "limit"],
    ] as const) {
      const res = await readFeed(app, path);
      expect(res.status, path).toBe(400);
      expectFeedHeaders(res, path);
      expect(await res.text(), path).toMatch(new RegExp(`^${field} `));
    }
    // no formats at all is refused on the form, naming the field, and changes nothing
    const refused = await postFeed(admin, segmentId, { intent: "formats" });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ ok: false, field: "formats" });
    expect((await app.db.models.SegmentFeed.findOne({ where: { segmentId }, raw: true }))!.formats).toBe("json");
    await postFeed(admin, segmentId, { intent: "formats", formats: ["csv", "json"] });
  });

  it("every read is logged with its time, address, rows and format, and the segment page shows the last reads", async () => {
    const token = await enableAgain();
    const before = await app.db.models.SegmentFeedRead.count({ where: { segmentId } });
    const memberCount = (await members()).length;
    await (await readFeed(app, `${token}/members.csv`)).text();
    await (await readFeed(app, `${token}/members.json?limit=3`)).json();
    await (await readFeed(app, `${token}/events.json?limit=2`)).json();
    // the CSV's row is written once its last row has gone out
    const deadline = Date.now() + 5_000;
    while ((await app.db.models.SegmentFeedRead.count({ where: { segmentId } })) < before + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const reads = await app.db.models.SegmentFeedRead.findAll({ where: { segmentId }, order: [["id", "DESC"]], limit: 3, raw: true });
    expect(reads.map((r) => [r.resource, r.format, r.rows]).sort()).toEqual(
      [
        ["events", "json", 2],
        ["members", "csv", memberCount],
        ["members", "json", 3],
      ].sort(),
    );
    expect(reads.every((r) => r.address === "127.0.0.1" || r.address === "::ffff:127.0.0.1")).toBe(true);
    expect(reads.every((r) => Math.abs(new Date(r.at).getTime() - Date.now()) < 60_000)).toBe(true);
    const page = await (await admin.get(`/segments/${segmentId}?_data=${encodeURIComponent("routes/segments.$id")}`)).json();
    expect(page.feed.reads.slice(0, 3).map((r: { resource: string; format: string; rows: number }) => [r.resource, r.format, r.rows]).sort()).toEqual(
      reads.map((r) => [r.resource, r.format, r.rows]).sort(),
    );
  });

  it("events.json and events.csv give the enter/leave events after the cursor, in order, with the next cursor", async () => {
    const token = await enableAgain();
    const first = (await (await readFeed(app, `${token}/members.json`)).json()) as { eventsCursor: string };
    await removeMembers(app.db, segmentId, [customerIds[0]], new Date(T0.getTime() + 60_000));
    await addMembers(app.db, segmentId, [customerIds[customerIds.length - 1]], new Date(T0.getTime() + 120_000));
    const json = await readFeed(app, `${token}/events.json?since=${first.eventsCursor}`);
    const body = (await json.json()) as { events: Array<{ id: string; kind: string; externalId: string }>; nextCursor: string; historyPruned: boolean };
    expect(body.events.map((e) => [e.kind, e.externalId])).toEqual([
      ["left", "risky-0"],
      ["entered", "outsider"],
    ]);
    expect(body.historyPruned).toBe(false);
    expect(body.nextCursor).toBe(body.events[1].id);
    expect(json.headers.get("x-next-cursor")).toBe(body.nextCursor);
    const csv = await readFeed(app, `${token}/events.csv?since=${first.eventsCursor}`);
    expectFeedHeaders(csv, "events.csv");
    expect(membersFromCsv(await csv.text()).map((r) => [r.id, r.kind, r.external_id])).toEqual(body.events.map((e) => [e.id, e.kind, e.externalId]));
    const empty = (await (await readFeed(app, `${token}/events.json?since=${body.nextCursor}`)).json()) as { events: unknown[]; nextCursor: string };
    expect(empty).toMatchObject({ events: [], nextCursor: body.nextCursor });
  });

  it("a marketer and a manager cannot reach feed management (403, nothing changes) nor learn of the feed", async () => {
    await enableAgain();
    for (const role of ["marketer", "manager"] as const) {
      const user = await signIn(app, role);
      const before = await tableContents(app.db);
      const attempts: Array<Record<string, string | string[]>> = [{ intent: "rotate" }, { intent: "revoke" }, { intent: "enable", formats: ["csv"] }, { intent: "formats", formats: ["csv"] }];
      for (const fields of attempts) {
        // the token of a page this role may open
        const res = await user.submit(`/segments/${segmentId}/feed`, fields, `/segments/${segmentId}`);
        expect(res.status, `${role} ${fields.intent}`).toBe(403);
        expect(await res.text()).not.toMatch(/[A-Za-z0-9_-]{32}/);
      }
      expect(await tableContents(app.db)).toBe(before);
      const page = await (await user.get(`/segments/${segmentId}?_data=${encodeURIComponent("routes/segments.$id")}`)).json();
      expect(page.feed).toBeNull();
      const html = await (await user.get(`/segments/${segmentId}`)).text();
      expect(html).not.toContain('data-testid="feed-panel"');
      const list = await (await user.get(`/segments?_data=${encodeURIComponent("routes/segments._index")}`)).json();
      expect(list.showsFeeds).toBe(false);
      expect(list.segments.every((s: { feed: unknown }) => s.feed === null)).toBe(true);
    }
  });

  it("an admin's key with feeds:manage enables, rotates and revokes through the API; other keys are refused", async () => {
    const other = await addSegment(app.db, "By API", "by-api");
    await addMembers(app.db, other, customerIds.slice(0, 2), T0);
    const key = (await app.apiKey(["feeds:manage"])).secret;
    const reader = (await app.apiKey(["segments:read", "segments:write", "customers:read"])).secret;
    const api = (method: string, path: string, secret: string, body?: unknown) =>
      fetch(`${app.url}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${secret}`, ...(body ? { "Content-Type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });

    for (const [method, path] of [["GET", "/segments/by-api/feed"], ["POST", "/segments/by-api/feed"], ["POST", "/segments/by-api/feed/rotate"], ["DELETE", "/segments/by-api/feed"]]) {
      const res = await api(method, path, reader, method === "POST" && !path.endsWith("rotate") ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await app.db.models.SegmentFeed.count({ where: { segmentId: other } })).toBe(0);

    const bad = await api("POST", "/segments/by-api/feed", key, { formats: ["xml"] });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.fields[0].field).toMatch(/^formats/);

    expect((await api("POST", "/segments/by-api/feed", key, {})).status).toBe(422);
    const made = await api("POST", "/segments/by-api/feed", key, { formats: ["csv", "json"] });
    expect(made.status).toBe(201);
    expect(made.headers.get("cache-control")).toBe("no-store");
    const secret = (await made.json()) as { token: string; urls: Record<string, string>; feed: { isEnabled: boolean; formats: string[] } };
    expect(secret.feed).toMatchObject({ isEnabled: true, formats: ["csv", "json"] });
    expect(secret.urls.membersCsv).toBe(`${app.url}/feeds/${secret.token}/members.csv`);
    const csv = await fetch(secret.urls.membersCsv);
    expect(membersFromCsv(await csv.text()).map((r) => r.external_id).sort()).toEqual(["risky-0", "risky-1"]);
    expect((await api("POST", "/segments/by-api/feed", key, { formats: ["json"] })).status).toBe(409);

    const state = (await (await api("GET", "/segments/by-api/feed", key)).json()) as { isEnabled: boolean; reads: Array<{ rows: number }> };
    expect(state.isEnabled).toBe(true);
    expect(state.reads[0].rows).toBeLessThanOrEqual(2);
    expect(JSON.stringify(state)).not.toContain(secret.token);

    const rotated = await api("POST", "/segments/by-api/feed/rotate", key);
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { token: string; urls: Record<string, string> };
    expect((await fetch(secret.urls.membersJson)).status).toBe(404);
    expect((await fetch(next.urls.membersJson)).status).toBe(200);
    const revoked = await api("DELETE", "/segments/by-api/feed", key);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ isEnabled: false });
    expect((await fetch(next.urls.membersJson)).status).toBe(404);
    expect((await api("DELETE", "/segments/by-api/feed", key)).status).toBe(409);
    expect((await api("POST", "/segments/by-api/feed/rotate", key)).status).toBe(409);
    expect((await api("GET", "/segments/nope/feed", key)).status).toBe(404);
    const audit = (await app.db.models.AuditEntry.findAll({ where: { targetType: "segment", targetId: String(other) }, order: [["id", "ASC"]], raw: true })).filter((a) => a.action.startsWith("segment.feed."));
    expect(audit.map((a) => a.action)).toEqual(["segment.feed.enable", "segment.feed.rotate", "segment.feed.revoke"]);
    expect(audit.every((a) => a.apiKeyId !== null)).toBe(true);
  });
});
