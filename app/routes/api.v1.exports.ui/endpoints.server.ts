// The export endpoints of /api/v1: an export always runs as a job here (an integration polls its
// state and downloads the file), with the same checks, count and audit as the console's dialog.
import type { AppLoadContext } from "@remix-run/node";
import { Op } from "sequelize";
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import type { ExportRecord } from "~/api/exports-contract.server";
import { attachment, CONTENT_TYPES, exportFile, getExport, type ExportRequest, type ExportView } from "~/domain/exports.server";
import { writeOnce } from "~/domain/api.server";
import { CustomerListQuery } from "../../../models/customers/list-query";
import type { Database } from "../../../models/db";
import type { z } from "zod/v4";
import type { ExportCustomerFilters } from "~/api/exports-contract.server";
import { startExportOf } from "../exports.ui/start.server";

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
const unknownExport = (call: ApiCall) => errorReply("not_found", "There is no export with this id made with this API key.", [{ field: "id", reason: "is not the id of an export of this key" }], call.requestId);

type Problem = { field: string; reason: string };

/** The API's filters (names, emails and codes) as the customer list's query (ids), or the fields that name nothing. */
async function listQueryOf(db: Database, filters: z.output<typeof ExportCustomerFilters>): Promise<{ ok: true; query: CustomerListQuery } | { ok: false; problems: Problem[] }> {
  const problems: Problem[] = [];
  const raw: Record<string, string> = {};
  if (filters.q) raw.q = filters.q;
  if (filters.country) raw.country = filters.country;
  if (filters.marketing) raw.marketing = filters.marketing;
  if (filters.channel) raw.channel = filters.channel;
  if (filters.sort) raw.sort = filters.sort;
  if (filters.group !== undefined) {
    const group = await db.models.CustomerGroup.findOne({ attributes: ["id"], where: { name: filters.group }, raw: true });
    if (group) raw.group = String(group.id);
    else problems.push({ field: "customers.group", reason: "names no customer group" });
  }
  if (filters.tag !== undefined) {
    const tag = await db.models.Tag.findOne({ attributes: ["id"], where: { name: filters.tag }, raw: true });
    if (tag) raw.tag = String(tag.id);
    else problems.push({ field: "customers.tag", reason: "names no tag" });
  }
  if (filters.manager !== undefined) {
    if (filters.manager === "none") raw.manager = "none";
    else {
      const manager = await db.models.User.findOne({ attributes: ["id"], where: { email: filters.manager, role: "manager" }, raw: true });
      if (manager) raw.manager = String(manager.id);
      else problems.push({ field: "customers.manager", reason: "is not the email of a manager (or none)" });
    }
  }
  for (const field of ["segment", "notSegment"] as const) {
    const codes = filters[field];
    if (!codes) continue;
    const found = await db.models.Segment.findAll({ attributes: ["id", "code"], where: { code: { [Op.in]: codes }, deletedAt: { [Op.is]: null } }, raw: true });
    const unknown = codes.filter((c) => !found.some((s) => s.code === c));
    if (unknown.length) problems.push({ field: `customers.${field}`, reason: `names no segment: ${unknown.join(", ")}` });
    else raw[field] = codes.map((c) => found.find((s) => s.code === c)!.id).join(",");
  }
  if (problems.length) return { ok: false, problems };
  const parsed = CustomerListQuery.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ field: `customers.${i.path.join(".")}`, reason: i.message })) };
  return { ok: true, query: parsed.data };
}

export function exportEndpoints(context: AppLoadContext): Endpoint[] {
  return [
    endpoint(contract.createExport, async (call) => {
      const { body, db } = call;
      let target: ExportRequest["target"];
      if (body.segment !== undefined) {
        const segment = await db.models.Segment.findOne({ attributes: ["id"], where: { code: body.segment, deletedAt: { [Op.is]: null } }, raw: true });
        if (!segment) return errorReply("validation_failed", "The export has errors; nothing was started.", [{ field: "segment", reason: "names no segment" }], call.requestId);
        target = { kind: "segment", segmentId: segment.id };
      } else {
        const query = await listQueryOf(db, body.customers!);
        if (!query.ok) return errorReply("validation_failed", "The export has errors; nothing was started.", query.problems, call.requestId);
        target = { kind: "customers", query: query.query };
      }
      const request: ExportRequest = { target, format: body.format, columns: body.columns, csv: { delimiter: body.delimiter, bom: body.bom } };
      const outcome = await writeOnce(
        db,
        call.idempotency,
        async (transaction): Promise<{ commit: boolean } & ApiReply> => {
          const started = await startExportOf(context, request, { userId: null, apiKeyId: call.caller!.apiKeyId, role: "admin" }, { fields: { segment: "segment", columns: "columns" }, mayDownload: false, transaction });
          if (!started.ok) return { commit: false, ...errorReply("validation_failed", "The export has errors; nothing was started.", started.problems, call.requestId) };
          if (started.kind !== "job") throw new Error("an API export always runs as a job");
          const view = (await getExport(db, started.exportId, viewerOf(call), transaction))!;
          return { commit: true, ...reply(202, exportRecord(view)) };
        },
        call.now,
      );
      if (outcome.kind === "key_reused") {
        return errorReply("idempotency_key_reused", "This Idempotency-Key was used for a different request.", [{ field: "Idempotency-Key", reason: "was already used with another body or endpoint; use a new key for a new request" }], call.requestId);
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
      if (file.reason === "not_ready") return errorReply("conflict", "The export is not done yet; poll GET /exports/{id}.", [{ field: "id", reason: "is an export still being written" }], call.requestId, { "Retry-After": "5" });
      if (file.reason === "expired") return errorReply("gone", "The export's file has expired and was deleted; export again.", [{ field: "id", reason: "is an export whose file was deleted" }], call.requestId);
      return unknownExport(call);
    }),
  ];
}
