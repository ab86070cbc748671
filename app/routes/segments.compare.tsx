import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { DataTable } from "~/components/ui/DataTable";
import { Notice } from "~/components/segments/parts";
import { formatMoney, formatNumber, formatPlainDate } from "~/format";
import { compareSegments, defaultPeriod, getStoreSettings, listSegments, parseInput } from "~/domain/storefront.server";
import { MAX_COMPARED, SegmentComparisonQuery } from "../../models/segments/compare";
import { CompareChart, formatPercent, SEGMENT_COLOURS } from "./segments.ui/compare-chart";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("compare"), titled("segments")) }];

/** Revenue is the store's: admins and marketers see it, as on the dashboard (docs/decisions/0015). */
const COMPARE_ROLES = ["admin", "marketer"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, ...COMPARE_ROLES);
  const db = context.services.db;
  const now = new Date();
  const params = new URL(request.url).searchParams;
  const [all, store] = await Promise.all([listSegments(db), getStoreSettings(db)]);
  const period = defaultPeriod(now, store.timeZone);
  const chosen = params.getAll("code");
  const asked = chosen.length > 0 || params.has("from") || params.has("to");
  const form = { codes: chosen, from: params.get("from") || period.from, to: params.get("to") || period.to };
  const base = {
    store: { locale: store.locale, currency: store.currency, timeZone: store.timeZone },
    segments: all.map((s) => ({ code: s.code, name: s.name, isActive: s.isActive })),
    form,
  };
  if (!asked) return json({ ...base, comparison: null, errors: [] as Array<{ field: string; reason: string }> });
  // the API's own schema: the page and GET /api/v1/segments/compare refuse the same input with the same words
  const parsed = parseInput(SegmentComparisonQuery, { codes: chosen.join(","), from: form.from, to: form.to });
  if (!parsed.ok) return json({ ...base, comparison: null, errors: parsed.errors }, { status: 400 });
  const out = await compareSegments(db, parsed.value, now);
  if (!out.ok) return json({ ...base, comparison: null, errors: out.errors }, { status: 400 });
  return json({ ...base, comparison: out.comparison, errors: [] as Array<{ field: string; reason: string }> });
}

const FIELD_NAMES: Record<string, string> = { codes: "compare.choose", from: "compare.from", to: "compare.to" };

export default function CompareSegments() {
  const { store, segments, form, comparison, errors } = useLoaderData<typeof loader>();
  const { t } = useTranslation("storefront");
  const navigation = useNavigation();
  const chosen = new Set(form.codes);
  const fieldName = (field: string) => t(FIELD_NAMES[field.replace(/\[\d+\]$/, "")] ?? field);
  const range = comparison ? { from: formatPlainDate(comparison.from, store.locale), to: formatPlainDate(comparison.to, store.locale) } : null;
  const money = (v: number | null) => (v === null ? t("compare.none") : formatMoney(Math.round(v), store.currency, store.locale));
  const n = (v: number) => formatNumber(v, store.locale);
  return (
    <div className="space-y-4">
      <div>
        <Link to="/segments" className="text-sm text-indigo-700 hover:underline">
          ← {t("common:nav.segments")}
        </Link>
        <h1 className="page-title mt-1">{t("compare.title")}</h1>
        <p className="max-w-3xl text-sm text-slate-500">{t("compare.subtitle", { zone: store.timeZone })}</p>
      </div>

      {segments.length < 2 ? (
        <Notice tone="info">{t("compare.noSegments")}</Notice>
      ) : (
        <Form method="get" className="card space-y-4" data-testid="compare-form">
          <fieldset>
            <legend className="label">{t("compare.choose")}</legend>
            <div className="mt-2 grid max-h-64 gap-1 overflow-y-auto sm:grid-cols-2 lg:grid-cols-3">
              {segments.map((s) => (
                <label key={s.code} className="flex min-w-0 items-start gap-2 rounded px-1 py-1 text-sm hover:bg-slate-50">
                  <input type="checkbox" name="code" value={s.code} defaultChecked={chosen.has(s.code)} className="mt-0.5" />
                  <span className="min-w-0">
                    <span className="break-words font-medium text-slate-900">{s.name}</span>
                    {!s.isActive && <span className="ml-1 text-slate-500">({t("compare.inactive")})</span>}
                    <span className="block break-all font-mono text-xs text-slate-500">{s.code}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="flex flex-wrap items-end gap-3">
            <label className="block">
              <span className="label text-xs">{t("compare.from")}</span>
              <input type="date" name="from" defaultValue={form.from} className="input mt-1" required data-testid="compare-from" />
            </label>
            <label className="block">
              <span className="label text-xs">{t("compare.to")}</span>
              <input type="date" name="to" defaultValue={form.to} className="input mt-1" required data-testid="compare-to" />
            </label>
            <button type="submit" className="btn" disabled={navigation.state === "loading"} data-testid="compare-submit">
              {t("compare.submit")}
            </button>
          </div>
          <p className="text-xs text-slate-500">{t("compare.needTwo")}</p>
        </Form>
      )}

      {errors.length > 0 && (
        <Notice tone="error" testId="compare-errors">
          {t("compare.errors", { reasons: errors.map((e) => `${fieldName(e.field)}: ${e.reason}`).join("; ") })}
        </Notice>
      )}

      {comparison && range && (
        <>
          <CompareChart segments={comparison.segments} currency={comparison.currency} locale={store.locale} title={t("compare.chartTitle", range)} />
          <div className="card overflow-hidden p-0">
            <DataTable
              testId="compare-table"
              caption={t("compare.tableCaption", range)}
              rows={comparison.segments}
              rowKey={(s) => s.code}
              rowProps={(s) => ({ "data-testid": `compare-row-${s.code}` })}
              columns={[
                {
                  key: "segment",
                  header: t("compare.segment"),
                  primary: true,
                  className: "md:min-w-[12rem]",
                  cell: (s) => (
                    <span className="flex min-w-0 items-start gap-2">
                      <span aria-hidden="true" className={`mt-1.5 inline-block h-2.5 w-2.5 shrink-0 rounded-sm ${SEGMENT_COLOURS[comparison.segments.indexOf(s) % MAX_COMPARED].swatch}`} />
                      <span className="min-w-0">
                        <span className="break-words font-medium text-slate-900">{s.name}</span>
                        <span className="block break-all font-mono text-xs text-slate-500">{s.code}</span>
                      </span>
                    </span>
                  ),
                },
                { key: "members", header: t("compare.members"), align: "right", className: "tabular-nums", cell: (s) => n(s.members) },
                { key: "buyers", header: t("compare.buyers"), align: "right", className: "tabular-nums", cell: (s) => n(s.buyers) },
                { key: "orders", header: t("compare.orders"), align: "right", className: "tabular-nums", cell: (s) => n(s.orders) },
                { key: "revenue", header: t("compare.revenue"), align: "right", className: "whitespace-nowrap tabular-nums", cell: (s) => money(s.revenue) },
                { key: "aov", header: t("compare.aov"), align: "right", className: "whitespace-nowrap tabular-nums", cell: (s) => money(s.averageOrderValue) },
                {
                  key: "repeat",
                  header: t("compare.repeatRate"),
                  align: "right",
                  className: "tabular-nums",
                  cell: (s) => (
                    <span title={t("compare.repeatRateHelp", { repeat: n(s.repeatBuyers), members: n(s.members) })}>{formatPercent(s.repeatRate, store.locale)}</span>
                  ),
                },
              ]}
            />
          </div>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
