// The automation endpoints of /api/v1, made per request around the process's services (resuming
// schedules held messages on the job queue).
import type { ConsoleServices } from "../../../models/context";
import { msg } from "../../../models/messages";
import type { AutomationView } from "../../../automations/automations.server";
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import type { AutomationRecord } from "~/api/automations-contract.server";
import { writeOnce } from "~/domain/campaigns.server";
import { automationReport, createAutomation, deleteAutomation, firingCustomers, getAutomation, listAutomations, listFirings, pauseAutomation, resumeAutomation, updateAutomation } from "~/domain/automations.server";
import type { Database } from "../../../models/db";
import type { Transaction } from "sequelize";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An automation as the API shows it: the fields AutomationInput takes, its state and its firing counts. */
export async function automationRecord(db: Database, a: AutomationView, transaction?: Transaction): Promise<AutomationRecord> {
  const report = await automationReport(db, a.id, transaction);
  return {
    id: a.id,
    name: a.name,
    trigger: a.trigger,
    delay: a.delay,
    action: a.action,
    cap: a.cap,
    firingHours: a.firingHours,
    isActive: a.isActive,
    pausedAt: iso(a.pausedAt),
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    firings: { byStatus: report.byStatus, skipped: report.skipped },
  };
}

const actorOf = (call: ApiCall) => ({ apiKeyId: call.caller?.apiKeyId ?? null });

const idOf = (call: ApiCall) => Number(call.params.id);

const unknownAutomation = (call: ApiCall) => errorReply("not_found", msg("campaigns.api.noAutomation"), [{ field: "id", reason: msg("campaigns.api.noAutomationReason") }], call.requestId);

const invalid = (call: ApiCall, errors: Array<{ field: string; reason: string }>) => errorReply("validation_failed", msg("campaigns.api.automationErrors"), errors, call.requestId);

const keyReused = (call: ApiCall) =>
  errorReply("idempotency_key_reused", msg("api.idempotencyKeyReused"), [{ field: "Idempotency-Key", reason: msg("api.idempotencyKeyReusedReason") }], call.requestId);

export function collectionEndpoints(services: ConsoleServices): Endpoint[] {
  return [
    endpoint(contract.listAutomations, async (call) => {
      const { segmentId, isActive } = call.query;
      const all = await listAutomations(call.db, { segmentId });
      const shown = isActive === undefined ? all : all.filter((a) => a.isActive === (isActive === "true"));
      return reply(200, { automations: await Promise.all(shown.map((a) => automationRecord(call.db, a))) });
    }),
    endpoint(contract.createAutomation, async (call) => {
      // the automation and the key's answer are written in one transaction: a retry cannot make a second
      const outcome = await writeOnce(
        call.db,
        call.idempotency,
        async (transaction) => {
          const saved = await createAutomation(call.db, call.body, actorOf(call), call.now, { queue: services.jobs, transaction });
          if (!saved.ok) return { commit: false, ...(saved.kind === "invalid" ? invalid(call, saved.errors) : unknownAutomation(call)) };
          return { commit: true, ...reply(201, await automationRecord(call.db, saved.automation, transaction), { Location: `/api/v1/automations/${saved.automation.id}` }) };
        },
        call.now,
      );
      if (outcome.kind === "key_reused") return keyReused(call);
      const { status, body } = outcome.response;
      const headers: Record<string, string> = outcome.replayed ? { "Idempotent-Replayed": "true" } : {};
      if (status === 201) headers.Location = `/api/v1/automations/${(JSON.parse(body) as { id: number }).id}`;
      return { status, body, headers };
    }),
  ];
}

export function automationEndpoints(services: ConsoleServices): Endpoint[] {
  return [
    endpoint(contract.getAutomation, async (call) => {
      const a = await getAutomation(call.db, idOf(call));
      return a ? reply(200, await automationRecord(call.db, a)) : unknownAutomation(call);
    }),
    endpoint(contract.updateAutomation, async (call) => {
      const saved = await updateAutomation(call.db, idOf(call), call.body, actorOf(call), call.now, { patch: true, queue: services.jobs });
      if (saved.ok) return reply(200, await automationRecord(call.db, saved.automation));
      if (saved.kind === "missing") return unknownAutomation(call);
      return invalid(call, saved.errors);
    }),
    endpoint(contract.deleteAutomation, async (call) => {
      const out = await deleteAutomation(call.db, idOf(call), actorOf(call), call.now);
      return out.ok ? reply(200, { id: idOf(call), deleted: true, cancelled: out.cancelled }) : unknownAutomation(call);
    }),
  ];
}

/** POST /automations/{id}/pause or /resume: twice is the same as once. */
export function controlEndpoint(services: ConsoleServices, action: "pause" | "resume"): Endpoint {
  return endpoint(action === "pause" ? contract.pauseAutomation : contract.resumeAutomation, async (call) => {
    const out = action === "pause" ? await pauseAutomation(call.db, idOf(call), actorOf(call), call.now) : await resumeAutomation(call.db, services.jobs, idOf(call), actorOf(call), call.now);
    return out.ok ? reply(200, await automationRecord(call.db, out.automation)) : unknownAutomation(call);
  });
}

export function firingsEndpoint(): Endpoint {
  return endpoint(contract.listAutomationFirings, async (call) => {
    const a = await getAutomation(call.db, idOf(call));
    if (!a) return unknownAutomation(call);
    const { status, limit, cursor } = call.query;
    const rows = await listFirings(call.db, a.id, { status, limit: limit + 1, before: cursor ? Number(cursor) : undefined });
    const page = rows.slice(0, limit);
    const customers = await firingCustomers(call.db, page.map((f) => f.customerId));
    return reply(200, {
      firings: page.map((f) => ({
        id: f.id,
        customerId: f.customerId,
        externalId: customers.get(f.customerId)?.externalId ?? null,
        eventKind: f.eventKind,
        eventAt: f.eventAt.toISOString(),
        status: f.status,
        skipReason: f.skipReason,
        dueAt: f.dueAt.toISOString(),
        actedAt: iso(f.actedAt),
        deliveryId: f.deliveryId,
        taskId: f.taskId,
        error: f.error,
      })),
      nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    });
  });
}
