// An export asked for through the API names its segment by code and the customer list's filters by
// names, emails and codes; the export and the list work with ids. Resolved here, with the fields
// that name nothing.
import { Op } from "sequelize";
import type { Database } from "../db";
import { CustomerListQuery } from "../customers/list-query";
import { msg } from "../messages";
import type { ExportRequest } from "./exports.server";

export type FieldProblem = { field: string; reason: string };

/** The customer list's filters as the API takes them. */
export interface ApiCustomerFilters {
  q?: string;
  country?: string;
  group?: string;
  tag?: string;
  manager?: string;
  marketing?: string;
  channel?: string;
  segment?: string[];
  notSegment?: string[];
  sort?: string;
}

/** What to export: a segment by code, else the customers the filters show. */
export async function exportTargetOf(
  db: Database,
  body: { segment?: string; customers?: ApiCustomerFilters },
): Promise<{ ok: true; target: ExportRequest["target"] } | { ok: false; problems: FieldProblem[] }> {
  if (body.segment !== undefined) {
    const segment = await db.models.Segment.findOne({ attributes: ["id"], where: { code: body.segment, deletedAt: { [Op.is]: null } }, raw: true });
    if (!segment) return { ok: false, problems: [{ field: "segment", reason: msg("admin.namesNoSegment") }] };
    return { ok: true, target: { kind: "segment", segmentId: segment.id } };
  }
  const query = await listQueryOf(db, body.customers ?? {});
  return query.ok ? { ok: true, target: { kind: "customers", query: query.query } } : query;
}

/** The API's filters (names, emails and codes) as the customer list's query (ids), or the fields that name nothing. */
async function listQueryOf(db: Database, filters: ApiCustomerFilters): Promise<{ ok: true; query: CustomerListQuery } | { ok: false; problems: FieldProblem[] }> {
  const problems: FieldProblem[] = [];
  const raw: Record<string, string> = {};
  if (filters.q) raw.q = filters.q;
  if (filters.country) raw.country = filters.country;
  if (filters.marketing) raw.marketing = filters.marketing;
  if (filters.channel) raw.channel = filters.channel;
  if (filters.sort) raw.sort = filters.sort;
  if (filters.group !== undefined) {
    const group = await db.models.CustomerGroup.findOne({ attributes: ["id"], where: { name: filters.group }, raw: true });
    if (group) raw.group = String(group.id);
    else problems.push({ field: "customers.group", reason: msg("admin.namesNoGroup") });
  }
  if (filters.tag !== undefined) {
    const tag = await db.models.Tag.findOne({ attributes: ["id"], where: { name: filters.tag }, raw: true });
    if (tag) raw.tag = String(tag.id);
    else problems.push({ field: "customers.tag", reason: msg("admin.namesNoTag") });
  }
  if (filters.manager !== undefined) {
    if (filters.manager === "none") raw.manager = "none";
    else {
      const manager = await db.models.User.findOne({ attributes: ["id"], where: { email: filters.manager, role: "manager" }, raw: true });
      if (manager) raw.manager = String(manager.id);
      else problems.push({ field: "customers.manager", reason: msg("admin.notManager") });
    }
  }
  for (const field of ["segment", "notSegment"] as const) {
    const codes = filters[field];
    if (!codes) continue;
    const found = await db.models.Segment.findAll({ attributes: ["id", "code"], where: { code: { [Op.in]: codes }, deletedAt: { [Op.is]: null } }, raw: true });
    const unknown = codes.filter((c) => !found.some((s) => s.code === c));
    if (unknown.length) problems.push({ field: `customers.${field}`, reason: msg("admin.namesNoSegments", { codes: unknown.join(", ") }) });
    else raw[field] = codes.map((c) => found.find((s) => s.code === c)!.id).join(",");
  }
  if (problems.length) return { ok: false, problems };
  const parsed = CustomerListQuery.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ field: `customers.${i.path.join(".")}`, reason: i.message })) };
  return { ok: true, query: parsed.data };
}

