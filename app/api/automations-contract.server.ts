// The automation endpoints of /api/v1: what they take and answer. contract.server.ts merges them
// into the API's contract, so the routes validate with these schemas and the OpenAPI document is
// generated from them. The automation itself is automations/definition.ts's, as the page form takes it.
import { z } from "zod/v4";
import { zmsg } from "../../models/messages";
import { AutomationAction, AutomationCap, AutomationDelay, AutomationInput, AutomationPatch, AutomationTrigger, FiringHours } from "../../automations/definition";
import { FIRING_SKIP_REASONS, FIRING_STATUSES } from "../../models/automation-models";
import type { EndpointContract } from "./contract.server";

const Moment = z.iso.datetime().meta({ example: "2026-03-01T09:30:00.000Z" });
const FiringStatusName = z.enum(FIRING_STATUSES).meta({ description: "pending → (claimed) → done or skipped; held while the automation is paused; cancelled when it is deleted or its trigger changes." });
const SkipReasonName = z.enum(FIRING_SKIP_REASONS);

export const AutomationRecord = z
  .strictObject({
    id: z.number().int(),
    name: z.string(),
    trigger: AutomationTrigger,
    delay: AutomationDelay,
    action: AutomationAction,
    cap: AutomationCap,
    firingHours: FiringHours.nullable(),
    isActive: z.boolean(),
    pausedAt: Moment.nullable(),
    createdAt: Moment,
    updatedAt: Moment,
    firings: z
      .strictObject({
        byStatus: z.strictObject(Object.fromEntries(FIRING_STATUSES.map((s) => [s, z.number().int()])) as Record<(typeof FIRING_STATUSES)[number], z.ZodNumber>),
        skipped: z.strictObject(Object.fromEntries(FIRING_SKIP_REASONS.map((r) => [r, z.number().int()])) as Record<(typeof FIRING_SKIP_REASONS)[number], z.ZodNumber>),
      })
      .meta({ description: "The automation's firings by status, and the skipped ones by reason." }),
  })
  .meta({ description: "An automation with its firing counts; its other fields are those AutomationInput takes, so a GET can be edited and sent back." });
export type AutomationRecord = z.infer<typeof AutomationRecord>;

export const AutomationListQuery = z.strictObject({
  segmentId: z.coerce
    .number(zmsg("campaigns.ids.segment"))
    .int(zmsg("campaigns.ids.segment"))
    .positive(zmsg("campaigns.ids.segment"))
    .max(2_147_483_647, zmsg("campaigns.ids.segment"))
    .optional()
    .meta({ description: "Only automations triggered by this segment." }),
  isActive: z.enum(["true", "false"], zmsg("generic.type.boolean")).optional().meta({ description: "Only active (true) or paused (false) automations." }),
});

export const AutomationList = z.strictObject({ automations: z.array(AutomationRecord) }).meta({ description: "Every automation, newest first (a store has few)." });

export const AutomationDeleted = z
  .strictObject({ id: z.number().int(), deleted: z.literal(true), cancelled: z.number().int().meta({ description: "Waiting firings cancelled with it." }) })
  .meta({ description: "The automation is gone; what it did stays in the history." });

export const FiringListQuery = z.strictObject({
  status: FiringStatusName.optional().meta({ description: "Only firings in this state." }),
  limit: z.coerce
    .number(zmsg("generic.type.number"))
    .int()
    .min(1)
    .max(200)
    .default(50)
    .meta({ description: "Firings per page, 1–200 (default 50)." }),
  cursor: z.string().regex(/^[1-9]\d{0,17}$/, zmsg("campaigns.api.cursor")).optional().meta({ description: "The nextCursor of the previous page." }),
});

export const FiringPage = z
  .strictObject({
    firings: z.array(
      z.strictObject({
        id: z.number().int(),
        customerId: z.number().int(),
        externalId: z.string().nullable().meta({ description: "The customer's id in the shop; null if the customer has been deleted since." }),
        eventKind: z.enum(["entered", "left"]),
        eventAt: Moment,
        status: FiringStatusName,
        skipReason: SkipReasonName.nullable(),
        dueAt: Moment.meta({ description: "When it acts (or acted): the event plus the delay, moved into the firing hours." }),
        actedAt: Moment.nullable(),
        deliveryId: z.number().int().nullable().meta({ description: "The message's delivery, for a message automation." }),
        taskId: z.number().int().nullable().meta({ description: "The task made, for a task automation." }),
        error: z.string().nullable(),
      }),
    ),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ description: "A page of an automation's firings (one per customer event), newest first." });

const idParam = { id: { description: "The automation's id.", schema: z.string().max(10, zmsg("campaigns.ids.automation")).regex(/^[1-9]\d{0,9}$/, zmsg("campaigns.ids.automation")) } };

export const automationContract = {
  listAutomations: {
    operationId: "listAutomations",
    method: "GET",
    path: "/automations",
    summary: "List automations with their firing counts",
    tag: "Automations",
    scope: "automations:read",
    query: AutomationListQuery,
    responses: { 200: { description: "The automations.", schema: AutomationList } },
  },
  createAutomation: {
    operationId: "createAutomation",
    method: "POST",
    path: "/automations",
    summary: "Create an automation",
    description: "It fires for segment events from now on. The segments and users it names must exist; templates must be valid Liquid. Bad input is refused with 422 naming the field, and nothing is saved.",
    tag: "Automations",
    scope: "automations:write",
    body: { schema: AutomationInput, limitBytes: 1024 * 1024 },
    responses: { 201: { description: "Created.", schema: AutomationRecord } },
  },
  getAutomation: {
    operationId: "getAutomation",
    method: "GET",
    path: "/automations/{id}",
    summary: "Get an automation with its firing counts",
    tag: "Automations",
    scope: "automations:read",
    pathParams: idParam,
    responses: { 200: { description: "The automation.", schema: AutomationRecord } },
  },
  updateAutomation: {
    operationId: "updateAutomation",
    method: "PATCH",
    path: "/automations/{id}",
    summary: "Change an automation",
    description: "Only the fields sent change, each replaced whole. A new trigger cancels the firings the old one left waiting; isActive false pauses, true resumes.",
    tag: "Automations",
    scope: "automations:write",
    pathParams: idParam,
    body: { schema: AutomationPatch, limitBytes: 1024 * 1024 },
    responses: { 200: { description: "Changed.", schema: AutomationRecord } },
  },
  deleteAutomation: {
    operationId: "deleteAutomation",
    method: "DELETE",
    path: "/automations/{id}",
    summary: "Delete an automation",
    description: "Its waiting firings and their queued messages are cancelled; its history stays.",
    tag: "Automations",
    scope: "automations:write",
    pathParams: idParam,
    responses: { 200: { description: "Deleted.", schema: AutomationDeleted } },
  },
  pauseAutomation: {
    operationId: "pauseAutomation",
    method: "POST",
    path: "/automations/{id}/pause",
    summary: "Pause an automation",
    description: "Its waiting firings are held (and its queued messages wait) until it is resumed. Pausing twice is a no-op.",
    tag: "Automations",
    scope: "automations:write",
    pathParams: idParam,
    idempotencyKey: false,
    responses: { 200: { description: "Paused.", schema: AutomationRecord } },
  },
  resumeAutomation: {
    operationId: "resumeAutomation",
    method: "POST",
    path: "/automations/{id}/resume",
    summary: "Resume a paused automation",
    description: "Held firings become due again (at once when their time has passed). Resuming twice is a no-op.",
    tag: "Automations",
    scope: "automations:write",
    pathParams: idParam,
    idempotencyKey: false,
    responses: { 200: { description: "Active again.", schema: AutomationRecord } },
  },
  listAutomationFirings: {
    operationId: "listAutomationFirings",
    method: "GET",
    path: "/automations/{id}/firings",
    summary: "List an automation's firings, newest first, a page at a time",
    tag: "Automations",
    scope: "automations:read",
    pathParams: idParam,
    query: FiringListQuery,
    responses: { 200: { description: "A page of firings.", schema: FiringPage } },
  },
} satisfies Record<string, EndpointContract>;

/** Component names of the automation schemas in the OpenAPI document. */
export const AUTOMATION_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["AutomationInput", AutomationInput],
  ["AutomationPatch", AutomationPatch],
  ["AutomationRecord", AutomationRecord],
  ["AutomationList", AutomationList],
  ["AutomationDeleted", AutomationDeleted],
  ["AutomationFiringPage", FiringPage],
];
