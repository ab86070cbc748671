import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { getImportSummary } from "~/domain/imports.server";
import { msg } from "../../models/messages";

/** The counts and state of one import, polled by its progress bar. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  const id = Number(params.id);
  const summary = Number.isSafeInteger(id) && id > 0 ? await getImportSummary(context.services.db, id) : null;
  if (!summary) throw json({ error: msg("ingest.import.notFound") }, { status: 404 });
  return json(summary, { headers: { "Cache-Control": "no-store" } });
}
