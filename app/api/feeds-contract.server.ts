// The secret-feed endpoints of /api/v1 (docs/decisions/0036): an admin's key with feeds:manage turns a
// segment's feed on, replaces its URL, turns it off and reads its state and last reads. The token
// is in the answer to enable and rotate alone; those POSTs take no Idempotency-Key, since a stored
// answer for a replay would keep the token in the database.
import { z } from "zod/v4";
import { SegmentCode } from "../../segments/definition";
import { FEED_FORMATS } from "../../models/feed-models";
import type { EndpointContract } from "./contract.server";
import { zmsg } from "../../models/messages";

const Moment = z.iso.datetime().meta({ example: "2026-03-01T09:30:00.000Z" });
const codeParam = { code: { description: "The segment's code.", schema: SegmentCode } };

export const SegmentFeedInput = z
  .strictObject({
    formats: z
      .array(z.enum(FEED_FORMATS, zmsg("segments.feedFormat")), zmsg("segments.feedFormatList"))
      .min(1, zmsg("segments.needsFormat"))
      .meta({ description: "What the feed serves: csv, json or both. A format left out answers 404." }),
  })
  .meta({ description: "How to turn a segment's feed on." });

export const SegmentFeedRecord = z
  .strictObject({
    code: z.string(),
    isEnabled: z.boolean(),
    formats: z.array(z.enum(FEED_FORMATS)),
    enabledAt: Moment.nullable(),
    rotatedAt: Moment.nullable().meta({ description: "When the URL was last replaced; null if never since it was enabled." }),
    revokedAt: Moment.nullable(),
    reads: z
      .array(
        z.strictObject({
          at: Moment,
          address: z.string(),
          resource: z.enum(["members", "events"]),
          format: z.enum(FEED_FORMATS),
          rows: z.number().int(),
        }),
      )
      .meta({ description: "The latest reads of the feed, newest first (at most 20)." }),
  })
  .meta({ description: "A segment's secret feed: whether it is on, and who read it. Never the token." });

export const SegmentFeedSecret = z
  .strictObject({
    token: z.string().meta({ description: "192 random bits, base64url. Shown only in this answer: the console keeps its SHA-256 alone." }),
    urls: z.strictObject({
      membersCsv: z.string(),
      membersJson: z.string(),
      eventsJson: z.string(),
      eventsCsv: z.string(),
    }),
    feed: SegmentFeedRecord,
  })
  .meta({ description: "The feed's new URL, shown once. Anyone with it reads the segment's members' personal data." });

export const feedContract = {
  getSegmentFeed: {
    operationId: "getSegmentFeed",
    method: "GET",
    path: "/segments/{code}/feed",
    summary: "A segment's secret feed: on or off, and its last reads",
    tag: "Segments",
    scope: "feeds:manage",
    pathParams: codeParam,
    responses: { 200: { description: "The feed's state.", schema: SegmentFeedRecord } },
  },
  enableSegmentFeed: {
    operationId: "enableSegmentFeed",
    method: "POST",
    path: "/segments/{code}/feed",
    summary: "Turn a segment's secret feed on",
    description:
      "Answers the feed's URLs once. /feeds/<token>/members.csv streams every member; members.json pages them (?cursor=, ?limit=) and its first page gives eventsCursor; events.json and events.csv answer enter/leave events after ?since=<cursor> in order with nextCursor, and historyPruned when events after the cursor were deleted by the store's retention. Refused with 409 (code conflict) when the feed is on already: rotate it instead.",
    tag: "Segments",
    scope: "feeds:manage",
    pathParams: codeParam,
    body: { schema: SegmentFeedInput, limitBytes: 16 * 1024 },
    idempotencyKey: false,
    responses: { 201: { description: "On; the URLs are in this answer only.", schema: SegmentFeedSecret } },
  },
  rotateSegmentFeed: {
    operationId: "rotateSegmentFeed",
    method: "POST",
    path: "/segments/{code}/feed/rotate",
    summary: "Replace a segment's feed URL",
    description: "The old URL answers 404 from now on. Refused with 409 (code conflict) when the feed is off.",
    tag: "Segments",
    scope: "feeds:manage",
    pathParams: codeParam,
    idempotencyKey: false,
    responses: { 200: { description: "The new URLs, in this answer only.", schema: SegmentFeedSecret } },
  },
  revokeSegmentFeed: {
    operationId: "revokeSegmentFeed",
    method: "DELETE",
    path: "/segments/{code}/feed",
    summary: "Turn a segment's secret feed off",
    description: "Its URL answers 404 from now on. Refused with 409 (code conflict) when the feed is off.",
    tag: "Segments",
    scope: "feeds:manage",
    pathParams: codeParam,
    responses: { 200: { description: "Off.", schema: SegmentFeedRecord } },
  },
} satisfies Record<string, EndpointContract>;

export const FEED_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["SegmentFeedInput", SegmentFeedInput],
  ["SegmentFeedRecord", SegmentFeedRecord],
  ["SegmentFeedSecret", SegmentFeedSecret],
];
