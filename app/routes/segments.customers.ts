// Customers to add to a manual segment: the customer list's own search (name, email, phone,
// external id), a few at a time, each marked when already a member.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { listCustomers, membersAmong, storeCountry } from "~/domain/segments.server";
import { CustomerListQuery } from "../../models/customers/list-query";
import { getStoreForReader } from "~/i18n.server";

export const SEARCH_LIMIT = 8;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer");
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  const segmentId = /^\d{1,10}$/.test(url.searchParams.get("segment") ?? "") ? Number(url.searchParams.get("segment")) : null;
  if (!q) return json({ q, customers: [] });
  const db = context.services.db;
  const store = await getStoreForReader(request, context);
  const page = await listCustomers(db, { viewer: { id: user.id, role: user.role }, query: CustomerListQuery.parse({ q }), storeCountry: storeCountry(store), pageSize: SEARCH_LIMIT });
  const members = segmentId ? await membersAmong(db, segmentId, page.rows.map((r) => r.id)) : new Set<number>();
  return json(
    {
      q,
      customers: page.rows.map((r) => ({
        id: r.id,
        externalId: r.externalId,
        name: [r.firstName, r.lastName].filter(Boolean).join(" "),
        email: r.email,
        city: r.city,
        isMember: members.has(r.id),
      })),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
