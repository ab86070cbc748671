import type { AppLoadContext } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { getExportSettings, roleMayExport } from "~/domain/exports.server";

/** The signed-in user when they may export (admins; marketers while the store allows it); otherwise a 403. */
export async function requireExporter(request: Request, context: AppLoadContext) {
  const user = await requireUser(request, context);
  const settings = await getExportSettings(context.services.db);
  if (!roleMayExport(user.role, settings)) {
    throw new Response("Forbidden: exports are for admins, and for marketers when the store's settings allow it.", { status: 403, statusText: "Forbidden" });
  }
  return { user, settings };
}
