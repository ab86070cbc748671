// Starting an export, shared by the export dialog's action and POST /api/v1/exports: the store-level
// checks, the count, then the download written straight into the response or the job.
import { PassThrough } from "node:stream";
import type { Transaction } from "sequelize";
import { createReadableStreamFromReadable, type AppLoadContext } from "@remix-run/node";
import { attachment, checkExportRequest, CONTENT_TYPES, decideExport, startExport, streamExport, type ExportRequest, type ExportRequester } from "~/domain/exports.server";

export type StartOutcome =
  | { ok: false; problems: Array<{ field: string; reason: string }> }
  | { ok: true; kind: "download"; response: Response }
  | { ok: true; kind: "job"; exportId: number };

export async function startExportOf(
  context: AppLoadContext,
  request: ExportRequest,
  requester: ExportRequester,
  options: { fields: { segment: string; columns: string }; mayDownload: boolean; signal?: AbortSignal; transaction?: Transaction },
): Promise<StartOutcome> {
  const { db, jobs, config, log } = context.services;
  const problems = await checkExportRequest(db, request, options.fields);
  if (problems.length) return { ok: false, problems };
  const now = new Date();
  const decision = await decideExport(db, request, requester, now);
  if (decision.kind === "download" && options.mayDownload) {
    const body = new PassThrough();
    streamExport(db, request, requester, body, { rows: decision.rows, now, signal: options.signal }).catch((error: unknown) => {
      // the headers are gone: the download ends short, and the log says why
      log.error({ err: error, requestId: context.requestId }, "export download failed");
      body.destroy(error as Error);
    });
    return {
      ok: true,
      kind: "download",
      response: new Response(createReadableStreamFromReadable(body), {
        headers: { "Content-Type": CONTENT_TYPES[request.format], "Content-Disposition": attachment(decision.fileName), "Cache-Control": "no-store", "X-Export-Rows": String(decision.rows) },
      }),
    };
  }
  const exportId = await startExport(jobs, request, requester, { rows: decision.rows, dataDir: config.dataDir, now, transaction: options.transaction });
  return { ok: true, kind: "job", exportId };
}
