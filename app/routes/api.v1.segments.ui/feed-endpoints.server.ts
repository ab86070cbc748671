// The secret-feed endpoints of /api/v1 (docs/decisions/0036).
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import { msg } from "../../../models/messages";
import type { FeedState } from "../../../models/feeds/feeds.server";
import { enableFeed, getFeedState, latestFeedReads, revokeFeed, rotateFeed } from "~/domain/feeds.server";
import { getSegmentByCode } from "~/domain/segments.server";
import { feedUrl } from "../feeds.ui/urls";

const READS_SHOWN = 20;

type SegmentView = NonNullable<Awaited<ReturnType<typeof getSegmentByCode>>>;

async function withSegment(call: ApiCall, then: (s: SegmentView) => Promise<ApiReply>): Promise<ApiReply> {
  const segment = await getSegmentByCode(call.db, call.params.code ?? "");
  if (!segment) return errorReply("not_found", msg("segments.noSegmentWithCode"), [{ field: "code", reason: msg("segments.notSegmentCode") }], call.requestId);
  return then(segment);
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

async function record(call: ApiCall, s: SegmentView, state?: FeedState) {
  const [feed, reads] = await Promise.all([state ?? getFeedState(call.db, s.id), latestFeedReads(call.db, s.id, READS_SHOWN)]);
  return {
    code: s.code,
    isEnabled: feed.isEnabled,
    formats: feed.formats,
    enabledAt: iso(feed.enabledAt),
    rotatedAt: iso(feed.rotatedAt),
    revokedAt: iso(feed.revokedAt),
    reads: reads.map((r) => ({ at: r.at.toISOString(), address: r.address, resource: r.resource, format: r.format, rows: r.rows })),
  };
}

const secret = async (call: ApiCall, s: SegmentView, token: string, state: FeedState) => {
  const origin = new URL(call.request.url).origin;
  return {
    token,
    urls: {
      membersCsv: feedUrl(origin, token, "members.csv"),
      membersJson: feedUrl(origin, token, "members.json"),
      eventsJson: feedUrl(origin, token, "events.json"),
      eventsCsv: feedUrl(origin, token, "events.csv"),
    },
    feed: await record(call, s, state),
  };
};

const conflict = (call: ApiCall, reason: "already_enabled" | "not_enabled" | "missing") =>
  reason === "missing"
    ? errorReply("not_found", msg("segments.noSegmentWithCode"), [{ field: "code", reason: msg("segments.notSegmentCode") }], call.requestId)
    : errorReply(
        "conflict",
        reason === "already_enabled" ? msg("segments.feedOnAlready") : msg("segments.feedOff"),
        [{ field: "code", reason: reason === "already_enabled" ? msg("segments.feedIsOn") : msg("segments.feedIsOff") }],
        call.requestId,
      );

const actorOf = (call: ApiCall) => ({ apiKeyId: call.caller?.apiKeyId ?? null });

/** GET, POST and DELETE /segments/{code}/feed. */
export function feedEndpoints(): Endpoint[] {
  return [
    endpoint(contract.getSegmentFeed, (call) => withSegment(call, async (s) => reply(200, await record(call, s)))),
    endpoint(contract.enableSegmentFeed, (call) =>
      withSegment(call, async (s) => {
        const out = await enableFeed(call.db, s.id, call.body.formats, actorOf(call), call.now);
        if (!out.ok) return conflict(call, out.reason);
        return reply(201, await secret(call, s, out.token, out.state), { "Cache-Control": "no-store" });
      }),
    ),
    endpoint(contract.revokeSegmentFeed, (call) =>
      withSegment(call, async (s) => {
        const out = await revokeFeed(call.db, s.id, actorOf(call), call.now);
        if (!out.ok) return conflict(call, out.reason);
        return reply(200, await record(call, s, out.state));
      }),
    ),
  ];
}

/** POST /segments/{code}/feed/rotate. */
export function rotateFeedEndpoint(): Endpoint {
  return endpoint(contract.rotateSegmentFeed, (call) =>
    withSegment(call, async (s) => {
      const out = await rotateFeed(call.db, s.id, actorOf(call), call.now);
      if (!out.ok) return conflict(call, out.reason);
      return reply(200, await secret(call, s, out.token, out.state), { "Cache-Control": "no-store" });
    }),
  );
}
