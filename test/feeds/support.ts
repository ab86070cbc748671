// What the feed tests share: turning a segment's feed on through the segment page's form, and
// reading a feed URL as a third-party app would (no cookie, no key).
import { expect } from "vitest";
import { parse } from "csv-parse/sync";
import type { TestApp } from "../support/app";
import { signIn } from "../imports/http";
import { unescapeFormula } from "../../models/imports/error-report.server";

export type Admin = Awaited<ReturnType<typeof signIn>>;

/** Posts the feed panel's form as this user; the action's JSON answer. */
export async function postFeed(user: Admin, segmentId: number, fields: Record<string, string | string[]>) {
  const res = await user.submit(`/segments/${segmentId}/feed`, fields, `/segments/${segmentId}`);
  return { status: res.status, body: res.headers.get("content-type")?.includes("json") ? ((await res.json()) as Record<string, unknown>) : await res.text() };
}

/** Enables the segment's feed through the page and returns its token. */
export async function enableThroughPage(admin: Admin, segmentId: number, formats: string[] = ["csv", "json"]): Promise<string> {
  const out = await postFeed(admin, segmentId, { intent: "enable", formats });
  expect(out.status, JSON.stringify(out.body)).toBe(200);
  const token = (out.body as { token: string }).token;
  expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  return token;
}

/** GET of a feed address, as an app reads it. */
export const readFeed = (app: TestApp, path: string) => fetch(`${app.url}/feeds/${path}`, { redirect: "manual" });

/** The three headers every answer under /feeds/ carries. */
export function expectFeedHeaders(res: Response, what: string) {
  expect(res.headers.get("cache-control"), what).toBe("no-store");
  expect(res.headers.get("x-robots-tag"), what).toBe("noindex");
  expect(res.headers.get("referrer-policy"), what).toBe("no-referrer");
}

/** A members CSV read back with csv-parse, formula escapes undone. */
export function membersFromCsv(text: string): Array<Record<string, string>> {
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, unescapeFormula(v)])));
}

/** Every event of a feed after `since`, a page of `limit` at a time, following nextCursor. */
export async function followEvents(app: TestApp, token: string, since: string, limit: number): Promise<{ events: Array<{ id: string; kind: string; externalId: string | null }>; cursor: string }> {
  const events: Array<{ id: string; kind: string; externalId: string | null }> = [];
  let cursor = since;
  for (;;) {
    const res = await readFeed(app, `${token}/events.json?since=${cursor}&limit=${limit}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: typeof events; nextCursor: string };
    events.push(...body.events);
    cursor = body.nextCursor;
    if (body.events.length < limit) return { events, cursor };
  }
}
