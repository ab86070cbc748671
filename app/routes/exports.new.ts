import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { readForm } from "~/auth/forms.server";
import type { ExportRequest } from "~/domain/exports.server";
import { readCustomerListQuery } from "../../models/customers/list-query";
import { csvOptionsOf, readExportForm } from "../../models/exports/form";
import { requireExporter } from "./exports.ui/access.server";
import { startExportOf } from "./exports.ui/start.server";

type Problem = { field: string; reason: string };

/** Back to the Exports page, which says what was wrong; nothing was started. */
const notStarted = (problems: Problem[]) => redirect(`/exports?${new URLSearchParams({ problems: JSON.stringify(problems) })}`, 303);

/**
 * Starts an export from the export dialog. The dialog posts a plain browser form here, so a small
 * export is this response, a download, while the page stays; a large one becomes a job and the
 * browser goes to the Exports page, which shows its progress.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireExporter(request, context);
  const form = await readForm(request, context);
  const parsed = readExportForm(form);
  if (!parsed.success) return notStarted(parsed.error.issues.map((i) => ({ field: i.path.map(String).join(".") || "form", reason: i.message })));
  const input = parsed.data;
  let target: ExportRequest["target"];
  if (input.source === "segment") target = { kind: "segment", segmentId: input.segmentId! };
  else {
    const { query, problems } = readCustomerListQuery(new URLSearchParams(input.filters ?? ""));
    if (problems.length) return notStarted(problems.map((p) => ({ field: `filters.${p.field}`, reason: p.reason })));
    target = { kind: "customers", query };
  }
  const outcome = await startExportOf(
    context,
    { target, format: input.format, columns: input.columns, csv: csvOptionsOf(input) },
    { userId: user.id, apiKeyId: null, role: user.role, ip: context.clientIp },
    { fields: { segment: input.source === "segment" ? "segmentId" : "filters.segment", columns: "columns" }, mayDownload: true, signal: request.signal },
  );
  if (!outcome.ok) return notStarted(outcome.problems);
  if (outcome.kind === "download") return outcome.response;
  return redirect(`/exports?id=${outcome.exportId}`);
}

export const loader = () => redirect("/exports");
