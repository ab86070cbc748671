// Erasure of a customer from the customer page (an erasure request): an admin, the form token, and
// the customer's external id typed again as the confirmation. Back on the page, the tombstone.
import { json, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { msg } from "../../models/messages";
import { eraseCustomer, erasureFileDeps, erasureSubject } from "~/domain/privacy.server";

export type EraseActionData = { ok: false; field: "confirmation"; reason: "mismatch" };

export async function loader() {
  throw new Response(msg("ingest.notFound"), { status: 404, statusText: "Not Found" });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  if (!/^\d{1,10}$/.test(params.id ?? "")) throw new Response(msg("ingest.customers.notFound"), { status: 404, statusText: "Not Found" });
  const customerId = Number(params.id);
  const db = context.services.db;
  const customer = await erasureSubject(db, customerId);
  if (!customer) throw new Response(msg("ingest.customers.notFound"), { status: 404, statusText: "Not Found" });
  // an erased customer's page asks nothing: erasing again changes nothing
  if (!customer.erasedAt) {
    const typed = String(form.get("confirmation") ?? "").trim();
    if (typed !== customer.externalId) return json<EraseActionData>({ ok: false, field: "confirmation", reason: "mismatch" }, { status: 400 });
  }
  await eraseCustomer(db, customerId, { userId: user.id, ip: context.clientIp }, new Date(), erasureFileDeps(context.services));
  return redirect(`/customers/${customerId}`);
}
