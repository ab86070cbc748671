import fs from "node:fs";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { attachment, CONTENT_TYPES, exportFile, getExportSettings, roleMayExport } from "~/domain/exports.server";
import { msg } from "../../models/messages";

/** A finished export's file, for an admin or the marketer who asked for it (while marketers may export). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const db = context.services.db;
  if (!roleMayExport(user.role, await getExportSettings(db))) throw new Response(msg("admin.mayNotDownload"), { status: 403, statusText: "Forbidden" });
  const id = Number(params.id);
  const file = Number.isSafeInteger(id) && id > 0 ? await exportFile(db, id, { kind: "user", userId: user.id, role: user.role }, new Date()) : ({ ok: false, reason: "not_found" } as const);
  if (!file.ok) {
    if (file.reason === "expired") throw new Response(msg("admin.exportFileExpired"), { status: 410, statusText: "Gone" });
    if (file.reason === "not_ready") throw new Response(msg("admin.exportNotFinished"), { status: 409, statusText: "Conflict" });
    throw new Response(msg("admin.noSuchExport"), { status: 404, statusText: "Not Found" });
  }
  return new Response(createReadableStreamFromReadable(fs.createReadStream(file.path)), {
    headers: { "Content-Type": CONTENT_TYPES[file.format], "Content-Disposition": attachment(file.fileName), "Content-Length": String(file.size), "Cache-Control": "no-store" },
  });
}
