// The task endpoints of /api/v1: what they take and answer (merged into the API's contract by
// contract.server.ts, which validates with these schemas and makes the OpenAPI document of them).
// An API key sees every task, as an admin does: a shop's back office lists a manager's tasks.
import { z } from "zod/v4";
import { zmsg } from "../../models/messages";
import { TaskComment } from "../../automations/definition";
import { ExternalId } from "../../models/ingest/schemas";
import type { EndpointContract } from "./contract.server";

const Moment = z.iso.datetime().meta({ example: "2026-03-01T09:30:00.000Z" });
const TaskStatusName = z.enum(["open", "done"], zmsg("campaigns.task.status"));

export const TaskRecord = z
  .strictObject({
    id: z.number().int(),
    title: z.string(),
    description: z.string().nullable(),
    status: TaskStatusName,
    dueAt: Moment.nullable(),
    isOverdue: z.boolean().meta({ description: "Open and past its due time." }),
    createdAt: Moment,
    completedAt: Moment.nullable(),
    completedById: z.number().int().nullable().meta({ description: "The user who completed it." }),
    assignee: z.strictObject({ id: z.number().int(), name: z.string(), email: z.string() }).nullable().meta({ description: "The manager (or admin) whose inbox holds it." }),
    customer: z
      .strictObject({ id: z.number().int(), externalId: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() })
      .nullable()
      .meta({ description: "The customer the task is about; null if none, or deleted since." }),
    automation: z.strictObject({ id: z.number().int(), name: z.string() }).nullable().meta({ description: "The automation that made it." }),
  })
  .meta({ description: "A task in a user's inbox." });
export type TaskRecord = z.infer<typeof TaskRecord>;

const notUserId = zmsg("campaigns.ids.user");

export const TaskListQuery = z.strictObject({
  status: TaskStatusName.optional().meta({ description: "Only open, or only done, tasks." }),
  assigneeId: z.coerce.number(notUserId).int(notUserId).positive(notUserId).max(2_147_483_647, notUserId).optional().meta({ description: "Only this user's tasks." }),
  customerExternalId: ExternalId.optional().meta({ description: "Only tasks about this customer (their id in the shop)." }),
  limit: z.coerce
    .number(zmsg("generic.type.number"))
    .int()
    .min(1)
    .max(500)
    .default(100)
    .meta({ description: "Tasks per page, 1–500 (default 100)." }),
  cursor: z.string().regex(/^[1-9]\d{0,17}$/, zmsg("campaigns.api.cursor")).optional().meta({ description: "The nextCursor of the previous page." }),
});

export const TaskList = z
  .strictObject({
    tasks: z.array(TaskRecord),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
  })
  .meta({ description: "A page of tasks, by id (the oldest first)." });

export const TaskReassignInput = z
  .strictObject({ assigneeId: z.number(notUserId).int(notUserId).positive(notUserId).max(2_147_483_647, notUserId) })
  .meta({ description: "The active manager or admin who gets the task; they are told by the bell." });

export const TaskCommentInput = TaskComment.meta({ description: "A comment on a task, at most 5000 characters." });

export const TaskCommentRecord = z
  .strictObject({
    id: z.number().int(),
    body: z.string(),
    createdAt: Moment,
    author: z.strictObject({ id: z.number().int(), name: z.string() }).nullable().meta({ description: "The user who wrote it; null when written through the API or by a user deleted since." }),
  })
  .meta({ description: "A comment on a task." });

export const TaskCommentList = z.strictObject({ comments: z.array(TaskCommentRecord) }).meta({ description: "A task's comments, the oldest first." });

const idParam = { id: { description: "The task's id.", schema: z.string().max(16, zmsg("campaigns.ids.task")).regex(/^[1-9]\d{0,15}$/, zmsg("campaigns.ids.task")) } };

export const taskContract = {
  listTasks: {
    operationId: "listTasks",
    method: "GET",
    path: "/tasks",
    summary: "List tasks, by id, a page at a time",
    description: "Filter by status, assignee and customer: `?assigneeId=7&status=open` is one manager's inbox.",
    tag: "Tasks",
    scope: "tasks:read",
    query: TaskListQuery,
    responses: { 200: { description: "A page of tasks.", schema: TaskList } },
  },
  getTask: {
    operationId: "getTask",
    method: "GET",
    path: "/tasks/{id}",
    summary: "Get a task",
    tag: "Tasks",
    scope: "tasks:read",
    pathParams: idParam,
    responses: { 200: { description: "The task.", schema: TaskRecord } },
  },
  completeTask: {
    operationId: "completeTask",
    method: "POST",
    path: "/tasks/{id}/complete",
    summary: "Mark a task done",
    description: "Completing a done task changes nothing and answers the same.",
    tag: "Tasks",
    scope: "tasks:write",
    pathParams: idParam,
    idempotencyKey: false,
    responses: { 200: { description: "The task, done.", schema: TaskRecord } },
  },
  reassignTask: {
    operationId: "reassignTask",
    method: "POST",
    path: "/tasks/{id}/reassign",
    summary: "Give a task to another manager or admin",
    description: "The new assignee gets a bell notification. Giving a task to whoever has it changes nothing. An assigneeId that is not an active manager or admin is refused with 422 naming the field.",
    tag: "Tasks",
    scope: "tasks:write",
    pathParams: idParam,
    body: { schema: TaskReassignInput, limitBytes: 16 * 1024 },
    idempotencyKey: false,
    responses: { 200: { description: "The task with its new assignee.", schema: TaskRecord } },
  },
  listTaskComments: {
    operationId: "listTaskComments",
    method: "GET",
    path: "/tasks/{id}/comments",
    summary: "List a task's comments",
    tag: "Tasks",
    scope: "tasks:read",
    pathParams: idParam,
    responses: { 200: { description: "The comments.", schema: TaskCommentList } },
  },
  commentOnTask: {
    operationId: "commentOnTask",
    method: "POST",
    path: "/tasks/{id}/comments",
    summary: "Add a comment to a task",
    description: "With an Idempotency-Key a retry adds no second comment.",
    tag: "Tasks",
    scope: "tasks:write",
    pathParams: idParam,
    body: { schema: TaskCommentInput, limitBytes: 64 * 1024 },
    responses: { 201: { description: "Added.", schema: TaskCommentRecord } },
  },
} satisfies Record<string, EndpointContract>;

/** Component names of the task schemas in the OpenAPI document. */
export const TASK_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["TaskRecord", TaskRecord],
  ["TaskList", TaskList],
  ["TaskReassignInput", TaskReassignInput],
  ["TaskCommentInput", TaskCommentInput],
  ["TaskCommentRecord", TaskCommentRecord],
  ["TaskCommentList", TaskCommentList],
];
