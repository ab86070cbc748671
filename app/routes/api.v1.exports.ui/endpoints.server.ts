// The export endpoints of /api/v1: an export always runs as a job here (an integration polls its
// state and downloads the file), with the same checks, count and audit as the console's dialog.
import type { AppLoadContext } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import type { ExportRecord } from "~/api/exports-contract.server";
import { attachment, CONTENT_TYPES, exportFile, getExport, type ExportRequest, type ExportView } from "~/domain/exports.server";
import { writeOnce } from "~/domain/api.server";
import { exportTargetOf, type FieldProblem } from "../../../models/exports/api-target.server";
import { startExportOf } from "../exports.ui/start.server";
import { msg } from "../../../models/messages";

function exportRecord(e: ExportView): ExportRecord {
  return {
    id: e.id,
    status: e.status,
    source: e.source,
    segment: e.segment && { code: e.segment.code, name: e.segment.name },
    filters: e.filters,
    format: e.format,
    columns: e.columns,
    totalRows: e.totalRows,
    writtenRows: e.writtenRows,
    percent: e.percent,
    fileName: e.fileName,
    fileSize: e.fileSize,
    fileUrl: e.status === "done" ? `/api/v1/exports/${e.id}/file` : null,
    error: e.error,
    createdAt: e.createdAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
    expiresAt: e.expiresAt,
  };
}

const viewerOf = (call: ApiCall) => ({ kind: "apiKey" as const, apiKeyId: call.caller!.apiKeyId });
const unknownExport = (call: ApiCall) => errorReply("not_found", msg("admin.noExport"), [{ field: "id", reason: msg("admin.notExportOfKey") }], call.requestId);
const notStarted = (call: ApiCall, problems: FieldProblem[]) => errorReply("validation_failed", msg("admin.exportErrors"), problems, call.requestId);

export function exportEndpoints(context: AppLoadContext): Endpoint[] {
  return [
    endpoint(contract.createExport, async (call) => {
      const { body, db } = call;
      const found = await exportTargetOf(db, body);
      if (!found.ok) return notStarted(call, found.problems);
      const request: ExportRequest = { target: found.target, format: body.format, columns: body.columns, csv: { delimiter: body.delimiter, bom: body.bom } };
      const outcome = await writeOnce(
        db,
        call.idempotency,
        async (transaction): Promise<{ commit: boolean } & ApiReply> => {
          const started = await startExportOf(context, request, { userId: null, apiKeyId: call.caller!.apiKeyId, role: "admin" }, { fields: { segment: "segment", columns: "columns" }, mayDownload: false, transaction });
          if (!started.ok) return { commit: false, ...notStarted(call, started.problems) };
          if (started.kind !== "job") throw new Error("an API export always runs as a job");
          const view = (await getExport(db, started.exportId, viewerOf(call), transaction))!;
          return { commit: true, ...reply(202, exportRecord(view)) };
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

export function exportEndpoint(): Endpoint[] {
  return [
    endpoint(contract.getExport, async (call) => {
      const view = await getExport(call.db, Number(call.params.id), viewerOf(call));
      return view ? reply(200, exportRecord(view)) : unknownExport(call);
    }),
  ];
}

export function exportFileEndpoint(): Endpoint[] {
  return [
    endpoint(contract.downloadExport, async (call) => {
      const file = await exportFile(call.db, Number(call.params.id), viewerOf(call), call.now);
      if (file.ok) return { status: 200, body: "", file: { path: file.path, contentType: CONTENT_TYPES[file.format], disposition: attachment(file.fileName), size: file.size } };
      if (file.reason === "not_ready") return errorReply("conflict", msg("admin.exportNotDone"), [{ field: "id", reason: msg("admin.exportBeingWritten") }], call.requestId, { "Retry-After": "5" });
      if (file.reason === "expired") return errorReply("gone", msg("admin.exportExpired"), [{ field: "id", reason: msg("admin.exportFileDeleted") }], call.requestId);
      return unknownExport(call);
    }),
  ];
}
