// A customer's data export, downloaded from the customer page by an admin (an access request):
// ?format=json for one JSON document, ?format=csv for a .zip of one CSV per section. Audited.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { msg } from "../../models/messages";
import { answerAccessRequest, exportFileName } from "~/domain/privacy.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, "admin");
  if (!/^\d{1,10}$/.test(params.id ?? "")) throw new Response(msg("ingest.customers.notFound"), { status: 404, statusText: "Not Found" });
  const format = new URL(request.url).searchParams.get("format") ?? "json";
  if (format !== "json" && format !== "csv") throw new Response(msg("ingest.customers.exportFormat"), { status: 400, statusText: "Bad Request" });
  const now = new Date();
  const customerId = Number(params.id);
  const answer = await answerAccessRequest(context.services.db, customerId, format, { userId: user.id, ip: context.clientIp }, now);
  if (!answer.ok) throw new Response(msg("ingest.customers.notFound"), { status: 404, statusText: "Not Found" });
  const headers = {
    "Content-Disposition": `attachment; filename="${exportFileName(customerId, format, now)}"`,
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
  };
  if (answer.format === "json") return new Response(JSON.stringify(answer.document, null, 2), { headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } });
  return new Response(new Uint8Array(answer.bundle), { headers: { ...headers, "Content-Type": "application/zip" } });
}
