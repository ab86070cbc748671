import { useState } from "react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { Dialog } from "~/components/ui/Dialog";
import { formatNumber } from "~/format";
import { CONSENT_COLUMNS, DEFAULT_COLUMNS, ORDER_COLUMNS, PROFILE_COLUMNS, SEGMENT_COLUMNS, type ExportColumn } from "../../../models/exports/columns";

export type ExportDialogSource = { kind: "segment"; segmentId: number; name: string } | { kind: "customers"; filters: string };

/**
 * The Export button and its dialog: format, columns in groups, CSV delimiter and byte order mark.
 * The form is posted as a plain browser form to /exports, so a small export downloads while the
 * page stays, and a large one opens the Exports page with its progress.
 */
export function ExportDialog({
  source,
  rows,
  jobFromRows,
  customFields,
  locale,
}: {
  source: ExportDialogSource;
  /** The rows the export will have, when the page knows; capped counts say "more than". */
  rows?: { count: number; isCapped: boolean };
  jobFromRows: number;
  customFields: Array<{ key: string; label: string }>;
  locale: string;
}) {
  const { t } = useTranslation("exports");
  const [isOpen, setOpen] = useState(false);
  const [format, setFormat] = useState<"csv" | "xlsx">("csv");
  const [delimiter, setDelimiter] = useState("comma");
  const [chosen, setChosen] = useState<Set<string>>(() => new Set([...DEFAULT_COLUMNS, ...(source.kind === "segment" ? SEGMENT_COLUMNS : [])]));
  // "channel:email" is "channel_email" in the catalogue: i18next reads a colon as a namespace
  const label = (column: string) => t(`dialog.labels.${column.replace(":", "_")}`);
  const groups: Array<{ key: string; columns: Array<{ value: ExportColumn; label: string }> }> = [
    { key: "profile", columns: PROFILE_COLUMNS.map((c) => ({ value: c, label: label(c) })) },
    { key: "consent", columns: CONSENT_COLUMNS.map((c) => ({ value: c, label: label(c) })) },
    { key: "orders", columns: ORDER_COLUMNS.map((c) => ({ value: c, label: label(c) })) },
    ...(source.kind === "segment" ? [{ key: "segment", columns: SEGMENT_COLUMNS.map((c) => ({ value: c as ExportColumn, label: label(c) })) }] : []),
    ...(customFields.length ? [{ key: "fields", columns: customFields.map((f) => ({ value: `field:${f.key}` as ExportColumn, label: f.label })) }] : []),
  ];
  const toggle = (value: string, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(value);
      else next.delete(value);
      return next;
    });
  const setGroup = (columns: Array<{ value: string }>, on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      for (const c of columns) if (on) next.add(c.value);
      else next.delete(c.value);
      return next;
    });
  const title = source.kind === "segment" ? t("dialog.titleSegment", { name: source.name }) : t("dialog.titleCustomers");
  const count = rows && (rows.isCapped ? t("dialog.rowsCapped", { formatted: formatNumber(rows.count, locale), count: rows.count }) : t("dialog.rows", { count: rows.count, formatted: formatNumber(rows.count, locale) }));

  return (
    <>
      <button type="button" className="btn-secondary" onClick={() => setOpen(true)} data-testid="export-open">
        {t("dialog.open")}
      </button>
      <Dialog open={isOpen} onClose={() => setOpen(false)} title={title} testId="export-dialog" wide>
        <Form method="post" action="/exports/new" reloadDocument className="space-y-4" onSubmit={() => setOpen(false)}>
          <AuthenticityTokenInput />
          <input type="hidden" name="source" value={source.kind} />
          {source.kind === "segment" ? <input type="hidden" name="segmentId" value={source.segmentId} /> : <input type="hidden" name="filters" value={source.filters} />}
          <p className="text-sm text-slate-600">
            {count && <span className="font-medium text-slate-900">{count}. </span>}
            {t("dialog.directNote", { limit: formatNumber(jobFromRows, locale), count: jobFromRows })}
          </p>
          <fieldset>
            <legend className="label">{t("dialog.format")}</legend>
            <div className="mt-1 flex flex-wrap gap-4">
              {(["csv", "xlsx"] as const).map((f) => (
                <label key={f} className="inline-flex items-center gap-2 text-sm">
                  <input type="radio" name="format" value={f} checked={format === f} onChange={() => setFormat(f)} />
                  {t(`dialog.${f}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend className="label">{t("dialog.columns")}</legend>
            {/* three columns on a laptop: the profile, then consent with order totals, then the segment and custom fields */}
            <div className="mt-1 grid max-h-[55vh] items-start gap-3 overflow-y-auto pr-1 sm:grid-cols-2 md:grid-cols-3">
              {[groups.filter((g) => g.key === "profile"), groups.filter((g) => g.key === "consent" || g.key === "orders"), groups.filter((g) => g.key === "segment" || g.key === "fields")]
                .filter((column) => column.length > 0)
                .map((column) => (
                  <div key={column[0].key} className="min-w-0 space-y-3">
                    {column.map((group) => (
                      <div key={group.key} className="rounded-md border border-slate-200 p-2" data-testid={`export-group-${group.key}`}>
                        <div className="flex items-center justify-between gap-2">
                          <span className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t(`dialog.groups.${group.key}`)}</span>
                          <span className="flex shrink-0 gap-2 text-xs">
                            <button type="button" className="text-indigo-700 hover:underline" onClick={() => setGroup(group.columns, true)}>
                              {t("dialog.all")}
                            </button>
                            <button type="button" className="text-indigo-700 hover:underline" onClick={() => setGroup(group.columns, false)}>
                              {t("dialog.none")}
                            </button>
                          </span>
                        </div>
                        <ul className="mt-1 space-y-0.5">
                          {group.columns.map((c) => (
                            <li key={c.value}>
                              <label className="flex items-start gap-2 text-sm">
                                <input type="checkbox" name="columns" value={c.value} checked={chosen.has(c.value)} onChange={(e) => toggle(c.value, e.currentTarget.checked)} className="mt-1" />
                                <span className="min-w-0 [overflow-wrap:anywhere]">{c.label}</span>
                              </label>
                            </li>
                          ))}
                        </ul>
                      </div>
                    ))}
                  </div>
                ))}
            </div>
          </fieldset>
          {format === "csv" && (
            <fieldset className="space-y-2">
              <legend className="label">{t("dialog.delimiter")}</legend>
              <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
                {(["comma", "semicolon", "tab", "other"] as const).map((d) => (
                  <label key={d} className="inline-flex items-center gap-2 text-sm">
                    <input type="radio" name="delimiter" value={d} checked={delimiter === d} onChange={() => setDelimiter(d)} />
                    {t(`dialog.${d}`)}
                  </label>
                ))}
                {delimiter === "other" && (
                  <input type="text" name="otherDelimiter" maxLength={1} required aria-label={t("dialog.otherDelimiter")} className="input w-14 text-center font-mono" data-testid="export-other-delimiter" />
                )}
              </div>
              <label className="flex items-start gap-2 text-sm">
                <input type="checkbox" name="bom" defaultChecked className="mt-1" />
                <span>{t("dialog.bom")}</span>
              </label>
            </fieldset>
          )}
          <p className="text-xs text-slate-500">{t("dialog.safety")}</p>
          {chosen.size === 0 && (
            <p className="text-sm text-red-700" role="alert">
              {t("dialog.chooseColumn")}
            </p>
          )}
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => setOpen(false)}>
              {t("dialog.cancel")}
            </button>
            <button type="submit" className="btn" disabled={chosen.size === 0} data-testid="export-submit">
              {t("dialog.submit")}
            </button>
          </div>
        </Form>
      </Dialog>
    </>
  );
}
