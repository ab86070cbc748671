// Answering a customer's access request: the export, audited with who asked, about whom and in
// which format (never with the exported data).
import type { Database } from "../db";
import { recordAudit, type AuditActor } from "../audit.server";
import { exportCustomer, type CustomerExport } from "./export.server";
import { exportBundle } from "./bundle.server";

export type ExportFormat = "json" | "csv";

export type ExportAnswer = { ok: true; format: "json"; document: CustomerExport } | { ok: true; format: "csv"; bundle: Buffer; document: CustomerExport } | { ok: false; reason: "not_found" };

/** The customer's export in the format asked for, with its audit entry. */
export async function answerAccessRequest(db: Database, customerId: number, format: ExportFormat, actor: AuditActor, now: Date): Promise<ExportAnswer> {
  const document = await exportCustomer(db, customerId, now);
  if (!document) return { ok: false, reason: "not_found" };
  await recordAudit(db, actor, "customer.export", { type: "customer", id: customerId, detail: { format } }, undefined, now);
  if (format === "json") return { ok: true, format, document };
  return { ok: true, format, bundle: await exportBundle(document), document };
}

/** The file name of an export download: the internal id only, so the name carries no personal data. */
export function exportFileName(customerId: number, format: ExportFormat, now: Date): string {
  return `customer-${customerId}-${now.toISOString().slice(0, 10)}.${format === "json" ? "json" : "zip"}`;
}
