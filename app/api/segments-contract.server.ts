// The segment endpoints of /api/v1: what they take and answer. contract.server.ts merges them
// into the API's contract, so the routes validate with these schemas and the OpenAPI document is
// generated from them.
import { z } from "zod/v4";
import { Criterion, MAX_CRITERIA, SegmentCode, SegmentDefinition, SEGMENT_TYPES } from "../../segments/definition";
import type { EndpointContract } from "./contract.server";
import { msg, zmsg } from "../../models/messages";

const Moment = z.iso.datetime().meta({ example: "2026-03-01T09:30:00.000Z" });

export const SegmentRecord = z
  .strictObject({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    type: z.enum(SEGMENT_TYPES),
    isActive: z.boolean(),
    match: z.enum(["all", "any"]),
    criteria: z.array(Criterion),
    recomputeEveryMinutes: z.number().int(),
    memberCount: z.number().int().meta({ description: "Members at the last recompute or change by hand." }),
    lockedAt: Moment.nullable().meta({ description: "When a snapshot was computed and locked; null for other types and a snapshot not computed yet." }),
    lastRecomputedAt: Moment.nullable(),
    createdAt: Moment,
    updatedAt: Moment,
  })
  .meta({ description: "A segment: its definition and its state." });
export type SegmentRecord = z.infer<typeof SegmentRecord>;

export const SegmentList = z.strictObject({ segments: z.array(SegmentRecord) }).meta({ description: "Every segment, by name." });

export const SegmentDeleted = z.strictObject({ code: z.string(), deleted: z.literal(true) }).meta({ description: "The segment is gone; its code is free again." });

export const SegmentPreviewInput = z
  .strictObject({
    type: z.enum(["dynamic", "accumulating", "snapshot"], zmsg("segments.previewType")).default("dynamic"),
    match: z.enum(["all", "any"], zmsg("segments.matchAllAny")).default("all"),
    criteria: z
      .array(Criterion, zmsg("segments.criteriaList"))
      .min(1, zmsg("segments.needsOneCriterion"))
      .max(MAX_CRITERIA, zmsg("segments.tooManyCriteria", { count: MAX_CRITERIA })),
    // bounds in zod's own words: "must be at least 0", "must be at most 100"
    limit: z.number(zmsg("generic.type.number")).int(zmsg("generic.type.int")).min(0).max(100).default(20).meta({
      description: "How many of the first customers to return (0–100, default 20).",
    }),
  })
  .meta({ description: "The criteria of a segment that is not saved: what it would select now. Errors name the criterion's index and field." });

const Reason = z.strictObject({
  index: z.number().int().meta({ description: "The criterion's position." }),
  field: z.string(),
  matched: z.boolean(),
  actual: z.unknown().meta({ description: "The customer's own value the criterion looked at: money in minor units, days as YYYY-MM-DD, lists of tags or category ids." }),
});

export const SegmentPreview = z
  .strictObject({
    count: z.number().int(),
    perCriterion: z.array(z.number().int()).meta({ description: "What each criterion matches on its own, in order." }),
    customers: z.array(
      z.strictObject({
        id: z.number().int(),
        externalId: z.string(),
        name: z.string(),
        email: z.string().nullable(),
        reasons: z.array(Reason).meta({ description: "Why: each criterion against this customer's values." }),
      }),
    ),
    evaluatedMs: z.number(),
  })
  .meta({ description: "Who the criteria select now, without saving anything." });

export const MEMBER_FIELDS = ["id", "externalId", "firstName", "lastName", "email", "phone", "country", "city", "acceptsMarketing", "enteredAt"] as const;
export type MemberField = (typeof MEMBER_FIELDS)[number];

export const SegmentMembersQuery = z.strictObject({
  limit: z.coerce.number(zmsg("generic.type.number")).int(zmsg("generic.type.int")).min(1).max(1000).default(100).meta({
    description: "Members per page, 1–1000 (default 100).",
  }),
  cursor: z.string().regex(/^[1-9]\d{0,9}$/, zmsg("segments.notApiCursor")).optional().meta({ description: "The nextCursor of the previous page." }),
  fields: z
    .string()
    .max(500)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const names = s.split(",").map((f) => f.trim()).filter(Boolean);
      const unknown = names.filter((f) => !(MEMBER_FIELDS as readonly string[]).includes(f));
      if (unknown.length) {
        ctx.addIssue({ code: "custom", message: msg("segments.unknownMemberFields", { count: unknown.length, fields: unknown.join(", "), allowed: MEMBER_FIELDS.join(", ") }) });
        return z.NEVER;
      }
      if (names.length === 0) {
        ctx.addIssue({ code: "custom", message: msg("segments.needsMemberField", { allowed: MEMBER_FIELDS.join(", ") }) });
        return z.NEVER;
      }
      return [...new Set(["externalId", ...names])] as MemberField[];
    })
    .meta({ description: `Comma-separated fields of each member (externalId always): ${MEMBER_FIELDS.join(", ")}. Default: all.` }),
});

export const SegmentMembersPage = z
  .strictObject({
    members: z.array(
      z
        .strictObject({
          id: z.number().int().optional(),
          externalId: z.string(),
          firstName: z.string().nullable().optional(),
          lastName: z.string().nullable().optional(),
          email: z.string().nullable().optional(),
          phone: z.string().nullable().optional(),
          country: z.string().nullable().optional(),
          city: z.string().nullable().optional(),
          acceptsMarketing: z.boolean().optional(),
          enteredAt: Moment.optional(),
        })
        .meta({ description: "A member with the fields asked for." }),
    ),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ description: "A page of a segment's members, newest customers first." });

export const SegmentEventsQuery = z.strictObject({
  since: z.coerce
    .number(zmsg("segments.eventId"))
    .int(zmsg("segments.eventId"))
    .min(0, zmsg("segments.eventId"))
    .max(Number.MAX_SAFE_INTEGER, zmsg("segments.eventId"))
    .default(0)
    .meta({ description: "Events after this event id (0 or absent: from the first)." }),
  limit: z.coerce.number(zmsg("generic.type.number")).int(zmsg("generic.type.int")).min(1).max(1000).default(100).meta({
    description: "Events per call, 1–1000 (default 100).",
  }),
});

export const SegmentEventsPage = z
  .strictObject({
    events: z.array(
      z.strictObject({
        id: z.number().int(),
        kind: z.enum(["entered", "left"]),
        at: Moment,
        customerId: z.number().int(),
        externalId: z.string().nullable().meta({ description: "Null if the customer has been deleted since." }),
      }),
    ),
    lastId: z.number().int().meta({ description: "Pass as `since` next time: the id of the last event here, or `since` itself when there were none." }),
    historyPruned: z.boolean().meta({
      description: "True when events after `since` were deleted by the store's history retention: the answer starts at the oldest event kept. Read at least as often as the retention (days) to miss nothing.",
    }),
  })
  .meta({ description: "A segment's enter and leave events after an id, oldest first." });

const codeParam = { code: { description: "The segment's code.", schema: SegmentCode } };

export const segmentContract = {
  listSegments: {
    operationId: "listSegments",
    method: "GET",
    path: "/segments",
    summary: "List segments",
    tag: "Segments",
    scope: "segments:read",
    responses: { 200: { description: "Every segment.", schema: SegmentList } },
  },
  createSegment: {
    operationId: "createSegment",
    method: "POST",
    path: "/segments",
    summary: "Create a segment",
    description:
      "A dynamic, accumulating or snapshot segment is computed right away. A definition that breaks a rule is refused with 422 naming the criterion's index and field, and nothing is saved. Safe to retry: the code is unique, so a retry of a create that went through is refused with 422 on code.",
    tag: "Segments",
    scope: "segments:write",
    body: { schema: SegmentDefinition, limitBytes: 1024 * 1024, indexedBy: "criteria" },
    idempotencyKey: false,
    responses: { 201: { description: "Created.", schema: SegmentRecord } },
  },
  getSegment: {
    operationId: "getSegment",
    method: "GET",
    path: "/segments/{code}",
    summary: "Get a segment by code",
    tag: "Segments",
    scope: "segments:read",
    pathParams: codeParam,
    responses: { 200: { description: "The segment.", schema: SegmentRecord } },
  },
  updateSegment: {
    operationId: "updateSegment",
    method: "PUT",
    path: "/segments/{code}",
    summary: "Replace a segment's definition",
    description: "The whole definition, as for create (the code may change). A changed definition is recomputed right away; a snapshot is computed once more and locked again.",
    tag: "Segments",
    scope: "segments:write",
    pathParams: codeParam,
    body: { schema: SegmentDefinition, limitBytes: 1024 * 1024, indexedBy: "criteria" },
    responses: { 200: { description: "Updated.", schema: SegmentRecord } },
  },
  deleteSegment: {
    operationId: "deleteSegment",
    method: "DELETE",
    path: "/segments/{code}",
    summary: "Delete a segment",
    description: "Refused with 409 (code conflict) while other segments use it; the error lists them.",
    tag: "Segments",
    scope: "segments:write",
    pathParams: codeParam,
    responses: { 200: { description: "Deleted.", schema: SegmentDeleted } },
  },
  previewSegment: {
    operationId: "previewSegment",
    method: "POST",
    path: "/segments/preview",
    summary: "Preview criteria without saving",
    description: "The count, what each criterion matches alone, and the first customers with why. Nothing is written.",
    tag: "Segments",
    scope: "segments:read",
    body: { schema: SegmentPreviewInput, limitBytes: 1024 * 1024, indexedBy: "criteria" },
    idempotencyKey: false,
    responses: { 200: { description: "The preview.", schema: SegmentPreview } },
  },
  listSegmentMembers: {
    operationId: "listSegmentMembers",
    method: "GET",
    path: "/segments/{code}/members",
    summary: "List a segment's members, a page at a time",
    tag: "Segments",
    scope: "segments:read",
    pathParams: codeParam,
    query: SegmentMembersQuery,
    responses: { 200: { description: "A page of members.", schema: SegmentMembersPage } },
  },
  listSegmentEvents: {
    operationId: "listSegmentEvents",
    method: "GET",
    path: "/segments/{code}/events",
    summary: "Follow a segment: enter and leave events after an id",
    description:
      "Call with the lastId of the previous answer as since, to see who entered and left without reading the segment whole. A segment's events become visible in id order, so following lastId never skips one that commits later nor gives one twice.",
    tag: "Segments",
    scope: "segments:read",
    pathParams: codeParam,
    query: SegmentEventsQuery,
    responses: { 200: { description: "The events after since.", schema: SegmentEventsPage } },
  },
} satisfies Record<string, EndpointContract>;

/** Component names of the segment schemas in the OpenAPI document. */
export const SEGMENT_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["SegmentDefinition", SegmentDefinition],
  ["SegmentCriterion", Criterion],
  ["SegmentCode", SegmentCode],
  ["SegmentRecord", SegmentRecord],
  ["SegmentList", SegmentList],
  ["SegmentDeleted", SegmentDeleted],
  ["SegmentPreviewInput", SegmentPreviewInput],
  ["SegmentPreview", SegmentPreview],
  ["SegmentMembersPage", SegmentMembersPage],
  ["SegmentEventsPage", SegmentEventsPage],
];
