// The task endpoints of /api/v1. An API key works as an admin would: it sees every task; the
// comments it writes have no author.
import { msg } from "../../../models/messages";
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import type { TaskRecord } from "~/api/tasks-contract.server";
import { writeOnce } from "~/domain/campaigns.server";
import { commentOnTask, completeTask, getTask, reassignTask, taskItem, taskPageById, userNames, type TaskListItem } from "~/domain/tasks.server";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The API sees every task; it is no user (its changes are audited by key, its comments have no author). */
const API_VIEWER = { userId: 0, canSeeAll: true };

export function taskRecord(t: TaskListItem): TaskRecord {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    status: t.status,
    dueAt: iso(t.dueAt),
    isOverdue: t.isOverdue,
    createdAt: t.createdAt.toISOString(),
    completedAt: iso(t.completedAt),
    completedById: t.completedById,
    assignee: t.assignee,
    customer: t.customer ? { id: t.customer.id, externalId: t.customer.externalId, firstName: t.customer.firstName, lastName: t.customer.lastName } : null,
    automation: t.automation,
  };
}

const idOf = (call: ApiCall) => Number(call.params.id);

const actorOf = (call: ApiCall) => ({ apiKeyId: call.caller?.apiKeyId ?? null });

const unknownTask = (call: ApiCall) => errorReply("not_found", msg("campaigns.api.noTask"), [{ field: "id", reason: msg("campaigns.api.noTaskReason") }], call.requestId);

async function withTask(call: ApiCall, then: (t: TaskListItem) => Promise<ApiReply>): Promise<ApiReply> {
  const task = await taskItem(call.db, API_VIEWER, idOf(call), call.now);
  return task ? then(task) : unknownTask(call);
}

export function collectionEndpoints(): Endpoint[] {
  return [
    endpoint(contract.listTasks, async (call) => {
      const { status, assigneeId, customerExternalId, limit, cursor } = call.query;
      let customerId: number | undefined;
      if (customerExternalId !== undefined) {
        const customer = await call.db.models.Customer.findOne({ attributes: ["id"], where: { externalId: customerExternalId }, raw: true });
        // an unknown customer has no tasks
        if (!customer) return reply(200, { tasks: [], nextCursor: null });
        customerId = Number(customer.id);
      }
      const page = await taskPageById(call.db, API_VIEWER, { status, assigneeId, customerId }, { afterId: cursor ? Number(cursor) : undefined, limit }, call.now);
      return reply(200, { tasks: page.tasks.map(taskRecord), nextCursor: page.nextAfterId === null ? null : String(page.nextAfterId) });
    }),
  ];
}

export function taskEndpoints(): Endpoint[] {
  return [endpoint(contract.getTask, (call) => withTask(call, async (t) => reply(200, taskRecord(t))))];
}

export function completeEndpoint(): Endpoint {
  return endpoint(contract.completeTask, async (call) => {
    const out = await completeTask(call.db, API_VIEWER, idOf(call), call.now, actorOf(call));
    if (!out.ok) return unknownTask(call);
    return withTask(call, async (t) => reply(200, taskRecord(t)));
  });
}

export function reassignEndpoint(): Endpoint {
  return endpoint(contract.reassignTask, async (call) => {
    const out = await reassignTask(call.db, API_VIEWER, idOf(call), call.body.assigneeId, call.now, actorOf(call));
    if (!out.ok && out.kind === "missing") return unknownTask(call);
    if (!out.ok) return errorReply("validation_failed", msg("campaigns.api.notReassigned"), [{ field: out.field, reason: out.reason }], call.requestId);
    return withTask(call, async (t) => reply(200, taskRecord(t)));
  });
}

export function commentEndpoints(): Endpoint[] {
  return [
    endpoint(contract.listTaskComments, async (call) => {
      const found = await getTask(call.db, API_VIEWER, idOf(call), call.now);
      if (!found) return unknownTask(call);
      const names = await userNames(call.db, found.comments.map((c) => c.authorId));
      return reply(200, {
        comments: found.comments.map((c) => ({ id: c.id, body: c.body, createdAt: c.createdAt.toISOString(), author: c.authorId !== null && names.has(c.authorId) ? { id: c.authorId, name: names.get(c.authorId)! } : null })),
      });
    }),
    endpoint(contract.commentOnTask, async (call) => {
      const outcome = await writeOnce(
        call.db,
        call.idempotency,
        async (transaction) => {
          const out = await commentOnTask(call.db, API_VIEWER, idOf(call), call.body.body, call.now, transaction, null);
          if (!out.ok) return { commit: false, ...unknownTask(call) };
          return { commit: true, ...reply(201, { id: out.commentId, body: call.body.body, createdAt: call.now.toISOString(), author: null }) };
        },
        call.now,
      );
      if (outcome.kind === "key_reused") {
        return errorReply("idempotency_key_reused", msg("api.idempotencyKeyReused"), [{ field: "Idempotency-Key", reason: msg("api.idempotencyKeyReusedReason") }], call.requestId);
      }
      return { status: outcome.response.status, body: outcome.response.body, headers: outcome.replayed ? { "Idempotent-Replayed": "true" } : undefined };
    }),
  ];
}
