import type { AppLoadContext } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { getExportSettings, roleMayExport } from "~/domain/exports.server";
import { msg } from "../../../models/messages";

/** The signed-in user when they may export (admins; marketers while the store allows it); otherwise a 403. */
export async function requireExporter(request: Request, context: AppLoadContext) {
  const user = await requireUser(request, context);
  const settings = await getExportSettings(context.services.db);
  if (!roleMayExport(user.role, settings)) {
    throw new Response(msg("admin.mayNotExport"), { status: 403, statusText: "Forbidden" });
  }
  return { user, settings };
}
