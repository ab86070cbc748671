// The segment endpoints of /api/v1, made per request around the process's segment engine (the
// API wrapper hands endpoints the database only).
import crypto from "node:crypto";
import type { ConsoleServices } from "../../../models/context";
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import { msg } from "../../../models/messages";
import type { MemberField, SegmentRecord } from "~/api/segments-contract.server";
import {
  checkDefinition,
  deleteSegment,
  getSegmentByCode,
  listSegmentMembers,
  listSegments,
  previewWithReasons,
  readTimestamp,
  ruleOf,
  saveThenCompute,
  segmentEventsSince,
  segmentScheduleHooks,
  announceIfLong,
} from "~/domain/segments.server";
import { eventsPrunedThrough } from "~/domain/feeds.server";

type SegmentView = NonNullable<Awaited<ReturnType<typeof getSegmentByCode>>>;

const iso = (v: unknown) => readTimestamp(v)?.toISOString() ?? null;

/** A segment as the API shows it (raw rows carry text timestamps on SQLite, Dates on MariaDB). */
export function segmentRecord(s: SegmentView): SegmentRecord {
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    type: s.type,
    isActive: s.isActive,
    match: s.match,
    criteria: s.criteria,
    recomputeEveryMinutes: s.recomputeEveryMinutes,
    memberCount: s.memberCount,
    lockedAt: iso(s.lockedAt),
    lastRecomputedAt: iso(s.lastRecomputedAt),
    createdAt: iso(s.createdAt)!,
    updatedAt: iso(s.updatedAt)!,
  };
}

const unknownSegment = (call: ApiCall) =>
  errorReply("not_found", msg("segments.noSegmentWithCode"), [{ field: "code", reason: msg("segments.notSegmentCode") }], call.requestId);

async function withSegment(call: ApiCall, code: string, then: (s: SegmentView) => Promise<ApiReply>): Promise<ApiReply> {
  const segment = await getSegmentByCode(call.db, code);
  return segment ? then(segment) : unknownSegment(call);
}

const actorOf = (call: ApiCall) => ({ apiKeyId: call.caller?.apiKeyId ?? null });

/** Every save and delete moves the segment's recompute job in its own transaction (jobs/segment-schedule.ts). */
const scheduleOf = (services: ConsoleServices, call: ApiCall) => segmentScheduleHooks(services.jobs, () => call.now);

/** The endpoints of /segments/{code}, for a code taken from the path (or fixed, for /segments/preview). */
export function segmentEndpoints(services: ConsoleServices, codeOf: (call: ApiCall) => string): Endpoint[] {
  const engine = services.segments;
  return [
    endpoint(contract.getSegment, (call) => withSegment(call, codeOf(call), async (s) => reply(200, segmentRecord(s)))),
    endpoint(contract.updateSegment, (call) =>
      withSegment(call, codeOf(call), async (s) => {
        const saved = await saveThenCompute(engine, call.body, actorOf(call), call.now, s.id, scheduleOf(services, call));
        if (!saved.ok) return errorReply("validation_failed", msg("segments.definitionErrors"), saved.errors, call.requestId);
        await announceIfLong(services.jobs, saved.segment.id, saved.recompute, { publicUrl: services.config.publicUrl, now: call.now });
        return reply(200, segmentRecord(saved.segment));
      }),
    ),
    endpoint(contract.deleteSegment, (call) =>
      withSegment(call, codeOf(call), async (s) => {
        const out = await deleteSegment(call.db, s.id, actorOf(call), call.now, scheduleOf(services, call));
        if (!out.ok) {
          return errorReply(
            "conflict",
            msg("segments.usedByOthers", { name: s.name }),
            out.usedBy.map((u) => ({ field: "code", reason: msg("segments.usedBySegment", { code: u.code, name: u.name }) })),
            call.requestId,
          );
        }
        return reply(200, { code: s.code, deleted: true });
      }),
    ),
  ];
}

export function collectionEndpoints(services: ConsoleServices): Endpoint[] {
  const engine = services.segments;
  return [
    endpoint(contract.listSegments, async ({ db }) => reply(200, { segments: (await listSegments(db)).map(segmentRecord) })),
    endpoint(contract.createSegment, async (call) => {
      const saved = await saveThenCompute(engine, call.body, actorOf(call), call.now, undefined, scheduleOf(services, call));
      if (!saved.ok) return errorReply("validation_failed", msg("segments.definitionErrors"), saved.errors, call.requestId);
      await announceIfLong(services.jobs, saved.segment.id, saved.recompute, { publicUrl: services.config.publicUrl, now: call.now });
      return reply(201, segmentRecord(saved.segment), { Location: `/api/v1/segments/${encodeURIComponent(saved.segment.code)}` });
    }),
  ];
}

export function previewEndpoint(services: ConsoleServices): Endpoint {
  const engine = services.segments;
  return endpoint(contract.previewSegment, async (call) => {
    const { type, match, criteria, limit } = call.body;
    // the definition check wants a name and a code; a code nobody has keeps it from clashing
    const checked = await checkDefinition(call.db, { name: "preview", code: `preview-${crypto.randomBytes(8).toString("hex")}`, type, match, criteria });
    if (!checked.ok) return errorReply("validation_failed", msg("segments.criteriaErrors"), checked.errors, call.requestId);
    try {
      const preview = await previewWithReasons(engine, ruleOf(checked.definition), call.now, { limit });
      return reply(200, { count: preview.count, perCriterion: preview.perCriterion, customers: preview.customers, evaluatedMs: preview.evaluatedMs });
    } catch (error) {
      // something named was created after this process built its fact index (by name: see segments.preview.ts)
      if (error instanceof Error && error.constructor.name.startsWith("EvaluationError")) {
        return errorReply("validation_failed", msg("segments.criteriaNotKnownYet"), [{ field: "criteria", reason: error.message }], call.requestId);
      }
      throw error;
    }
  });
}

export function membersEndpoint(): Endpoint {
  return endpoint(contract.listSegmentMembers, (call) =>
    withSegment(call, call.params.code ?? "", async (s) => {
      const page = await listSegmentMembers(call.db, s.id, { after: call.query.cursor ? Number(call.query.cursor) : undefined, limit: call.query.limit });
      const fields: readonly MemberField[] | undefined = call.query.fields;
      const members = page.rows.map(({ managerId: _managerId, ...m }) => {
        // the responsible manager is the console's visibility rule, not a field of the API's member
        const all: Record<MemberField, unknown> = { ...m, enteredAt: m.enteredAt.toISOString() };
        return fields ? Object.fromEntries(fields.map((f) => [f, all[f]])) : all;
      });
      return reply(200, { members, nextCursor: page.nextAfter === null ? null : String(page.nextAfter) });
    }),
  );
}

export function eventsEndpoint(): Endpoint {
  return endpoint(contract.listSegmentEvents, (call) =>
    withSegment(call, call.params.code ?? "", async (s) => {
      const rows = await segmentEventsSince(call.db, s.id, call.query.since, call.query.limit);
      // after the events: if they lack pruned ones, the mark read now says so (docs/decisions/0036)
      const historyPruned = call.query.since < (await eventsPrunedThrough(call.db, s.id));
      return reply(200, {
        events: rows.map((e) => ({ id: e.id, kind: e.kind, at: e.at.toISOString(), customerId: e.customerId, externalId: e.externalId })),
        lastId: rows.length ? rows[rows.length - 1].id : call.query.since,
        historyPruned,
      });
    }),
  );
}
