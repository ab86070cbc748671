import fs from "node:fs";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { importErrorReport } from "~/domain/imports.server";
import { msg } from "../../models/messages";

/** The error report of an import as a CSV download, streamed from disk. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  const id = Number(params.id);
  const report = Number.isSafeInteger(id) && id > 0 ? await importErrorReport(context.services.db, id) : null;
  if (!report || !fs.existsSync(report.filePath)) throw new Response(msg("ingest.import.noReport"), { status: 404 });
  const asciiName = report.fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return new Response(createReadableStreamFromReadable(fs.createReadStream(report.filePath)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
      "Cache-Control": "no-store",
    },
  });
}
