// Serving a segment's secret feed (docs/decisions/0036). The token in the address is the whole
// authority: no session, no form token. The checks run in one order for every request (rate limit
// by the token's hash, then the lookup by hash), so an unknown, a rotated and a revoked token take
// the same road to the same 404. Cache-Control, X-Robots-Tag and Referrer-Policy are set for every
// answer under /feeds/ by the web server (server/web.ts), 404s and 429s included.
import crypto from "node:crypto";
import { Readable } from "node:stream";
import { createReadableStreamFromReadable, type AppLoadContext } from "@remix-run/node";
import { stringify } from "csv-stringify";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { perConsole, type ConsoleServices } from "../../../models/context";
import type { FeedFormat, FeedResource } from "../../../models/feed-models";
import {
  escapeFormula,
  eventsPrunedThrough,
  getHistoryRetentionDays,
  historyKeptSince,
  latestSegmentEventId,
  listSegmentMembers,
  logFeedRead,
  openFeed,
  segmentEventsSince,
} from "~/domain/feeds.server";
import { settleApiLanguage } from "~/language.server";
import { msg } from "../../../models/messages";

export const FEED_READS_PER_MINUTE = 60;
const MEMBERS_PAGE_DEFAULT = 500;
const MEMBERS_PAGE_MAX = 1000;
const EVENTS_PAGE_DEFAULT = 1000;
const EVENTS_PAGE_MAX = 10_000;
/** Rows per query while a CSV of every member streams out. */
const CSV_BATCH = 1000;

export const MEMBER_CSV_HEADER = ["external_id", "first_name", "last_name", "email", "phone", "country", "city", "accepts_marketing", "entered_at"];
export const EVENT_CSV_HEADER = ["id", "kind", "at", "external_id"];

// one limiter per process and services (a test app may set its own limit)
const limiterOf = perConsole(
  (services) => new RateLimiterMemory({ keyPrefix: "feed", points: services.config.feedReadsPerMinute ?? FEED_READS_PER_MINUTE, duration: 60 }),
);

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });

/** The one answer for every token that opens nothing, and every path under /feeds/ that is not a feed. */
const notFound = () => text(404, `${msg("segments.feedNotFound")}\n`);

const FILES: Record<string, { resource: FeedResource; format: FeedFormat }> = {
  "members.csv": { resource: "members", format: "csv" },
  "members.json": { resource: "members", format: "json" },
  "events.csv": { resource: "events", format: "csv" },
  "events.json": { resource: "events", format: "json" },
};

/** Answers GET /feeds/<token>/<file>. `path` is what follows /feeds/. */
export async function serveFeed(request: Request, path: string, context: AppLoadContext): Promise<Response> {
  const { services } = context;
  // a reader's program asks in a language, as of the API: else English
  settleApiLanguage(request);
  try {
    const [token = "", file = "", ...rest] = path.split("/");
    // the limit is taken before anything is looked up, keyed by the token's hash: a guess costs the same as a hit
    const key = crypto.createHash("sha256").update(token.slice(0, 256)).digest("base64url");
    try {
      await limiterOf(services).consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return text(429, `${msg("segments.feedTooManyReads")}\n`, { "Retry-After": String(Math.max(1, Math.ceil(error.msBeforeNext / 1000))) });
    }
    const feed = await openFeed(services.db, token);
    const wanted = FILES[file];
    if (!feed || !wanted || rest.length > 0 || !feed.formats.includes(wanted.format)) return notFound();
    const url = new URL(request.url);
    const read = { segmentId: feed.segmentId, address: context.clientIp, resource: wanted.resource, format: wanted.format };
    return wanted.resource === "members" ? await serveMembers(services, url, read) : await serveEvents(services, url, read);
  } catch (error) {
    // logged without the address: it carries the token
    services.log.error({ err: error, requestId: context.requestId }, "feed read failed");
    return text(500, `${msg("segments.feedFailed")}\n`);
  }
}

interface Read {
  segmentId: number;
  address: string;
  resource: FeedResource;
  format: FeedFormat;
}

const badQuery = (field: string, reason: string) => text(400, `${msg("segments.feedBadQuery", { field, reason })}\n`);

/** A whole number from the query within [min, max], the default when absent, or null when bad. */
function whole(url: URL, name: string, fallback: number, min: number, max: number): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d{1,16}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
}

type MemberRow = Awaited<ReturnType<typeof listSegmentMembers>>["rows"][number];

const memberRecord = (m: MemberRow) => ({
  externalId: m.externalId,
  firstName: m.firstName,
  lastName: m.lastName,
  email: m.email,
  phone: m.phone,
  country: m.country,
  city: m.city,
  acceptsMarketing: m.acceptsMarketing,
  enteredAt: m.enteredAt.toISOString(),
});

async function serveMembers(services: ConsoleServices, url: URL, read: Read): Promise<Response> {
  const db = services.db;
  if (read.format === "json") {
    const limit = whole(url, "limit", MEMBERS_PAGE_DEFAULT, 1, MEMBERS_PAGE_MAX);
    if (limit === null) return badQuery("limit", msg("segments.feedLimit", { max: MEMBERS_PAGE_MAX }));
    const cursorText = url.searchParams.get("cursor");
    if (cursorText !== null && !/^[1-9]\d{0,15}$/.test(cursorText)) return badQuery("cursor", msg("segments.feedCursor"));
    // the first page also says where the events begin that change what it lists (read before the members)
    const eventsCursor = cursorText === null ? await latestSegmentEventId(db, read.segmentId) : undefined;
    const page = await listSegmentMembers(db, read.segmentId, { after: cursorText === null ? undefined : Number(cursorText), limit });
    await logFeedRead(db, { ...read, at: new Date(), rows: page.rows.length });
    const body = {
      members: page.rows.map(memberRecord),
      nextCursor: page.nextAfter === null ? null : String(page.nextAfter),
      ...(eventsCursor === undefined ? {} : { eventsCursor: String(eventsCursor) }),
    };
    return json(body);
  }
  // CSV: every member, a page of rows per query, streamed with back-pressure (constant memory)
  const eventsCursor = await latestSegmentEventId(db, read.segmentId);
  let rows = 0;
  async function* records() {
    let after: number | undefined;
    for (;;) {
      const page = await listSegmentMembers(db, read.segmentId, { after, limit: CSV_BATCH });
      for (const m of page.rows) {
        rows++;
        yield [m.externalId, m.firstName ?? "", m.lastName ?? "", m.email ?? "", m.phone ?? "", m.country ?? "", m.city ?? "", m.acceptsMarketing ? "true" : "false", m.enteredAt.toISOString()].map(escapeFormula);
      }
      if (page.nextAfter === null) return;
      after = page.nextAfter;
    }
  }
  const csv = Readable.from(records()).pipe(stringify({ header: true, columns: MEMBER_CSV_HEADER }));
  let logged = false;
  const log = () => {
    if (logged) return;
    logged = true;
    logFeedRead(db, { ...read, at: new Date(), rows }).catch((error: unknown) => services.log.error({ err: error }, "feed read not logged"));
  };
  csv.once("end", log);
  csv.once("close", log);
  return new Response(createReadableStreamFromReadable(csv), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="members.csv"', "X-Events-Cursor": String(eventsCursor) },
  });
}

async function serveEvents(services: ConsoleServices, url: URL, read: Read): Promise<Response> {
  const db = services.db;
  const sinceText = url.searchParams.get("since");
  if (sinceText !== null && sinceText !== "" && !/^\d{1,16}$/.test(sinceText)) return badQuery("since", msg("segments.feedCursor"));
  const since = sinceText ? Number(sinceText) : 0;
  const limit = whole(url, "limit", EVENTS_PAGE_DEFAULT, 1, EVENTS_PAGE_MAX);
  if (limit === null) return badQuery("limit", msg("segments.feedLimit", { max: EVENTS_PAGE_MAX }));
  const now = new Date();
  const events = await segmentEventsSince(db, read.segmentId, since, limit);
  // after the events: if they lack pruned ones, the mark read now says so (0036)
  const isPruned = since < (await eventsPrunedThrough(db, read.segmentId));
  const keptSince = historyKeptSince(now, await getHistoryRetentionDays(db));
  const nextCursor = String(events.length ? events[events.length - 1].id : since);
  await logFeedRead(db, { ...read, at: now, rows: events.length });
  const headers = { "X-Next-Cursor": nextCursor, "X-History-Pruned": String(isPruned), "X-History-Kept-Since": keptSince.toISOString() };
  if (read.format === "json") {
    return json(
      {
        events: events.map((e) => ({ id: String(e.id), kind: e.kind, at: e.at.toISOString(), externalId: e.externalId })),
        nextCursor,
        historyPruned: isPruned,
        historyKeptSince: keptSince.toISOString(),
      },
      headers,
    );
  }
  const csv = await new Promise<string>((resolve, reject) =>
    stringify(
      events.map((e) => [String(e.id), e.kind, e.at.toISOString(), e.externalId ?? ""].map(escapeFormula)),
      { header: true, columns: EVENT_CSV_HEADER },
      (error, out) => (error ? reject(error) : resolve(out)),
    ),
  );
  return new Response(csv, { headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="events.csv"', ...headers } });
}

const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json; charset=utf-8", ...headers } });
