// The segment comparison as bars: one panel per figure, one bar per segment, each scaled to the
// largest in its panel. The SVG only draws (it stretches to the panel's width, so it fits a phone
// and a laptop alike); names and values are HTML beside it, and the same numbers are the page's
// table, which is what screen readers read.
import { useTranslation } from "react-i18next";
import type { SegmentFigures } from "../../../models/segments/compare";
import { formatMoney, formatNumber } from "~/format";

/** A colour per segment, in the order chosen: the swatch in the legend and every bar of that segment. */
export const SEGMENT_COLOURS = [
  { fill: "fill-indigo-500", swatch: "bg-indigo-500" },
  { fill: "fill-emerald-500", swatch: "bg-emerald-500" },
  { fill: "fill-amber-500", swatch: "bg-amber-500" },
  { fill: "fill-rose-500", swatch: "bg-rose-500" },
  { fill: "fill-sky-500", swatch: "bg-sky-500" },
] as const;

export function formatPercent(share: number | null, locale: string): string {
  return share === null ? "—" : new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(share);
}

type Metric = { key: "members" | "revenue" | "orders" | "averageOrderValue" | "repeatRate"; label: string; format: (v: number | null) => string };

export function CompareChart({ segments, currency, locale, title }: { segments: SegmentFigures[]; currency: string; locale: string; title: string }) {
  const { t } = useTranslation("storefront");
  const money = (v: number | null) => (v === null ? t("compare.none") : formatMoney(Math.round(v), currency, locale));
  const metrics: Metric[] = [
    { key: "revenue", label: t("compare.revenue"), format: money },
    { key: "orders", label: t("compare.orders"), format: (v) => (v === null ? t("compare.none") : formatNumber(v, locale)) },
    { key: "averageOrderValue", label: t("compare.aov"), format: money },
    { key: "repeatRate", label: t("compare.repeatRate"), format: (v) => formatPercent(v, locale) },
    { key: "members", label: t("compare.members"), format: (v) => (v === null ? t("compare.none") : formatNumber(v, locale)) },
  ];
  return (
    <section className="card space-y-4" data-testid="compare-chart" aria-hidden="true">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-2">
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
          {segments.map((s, i) => (
            <li key={s.code} className="flex min-w-0 items-center gap-1.5">
              <span className={`inline-block h-2.5 w-2.5 shrink-0 rounded-sm ${SEGMENT_COLOURS[i].swatch}`} />
              <span className="break-words">{s.name}</span>
            </li>
          ))}
        </ul>
      </div>
      <div className="grid gap-x-6 gap-y-5 sm:grid-cols-2 xl:grid-cols-3">
        {metrics.map((m) => {
          const values = segments.map((s) => s[m.key]);
          const top = Math.max(0, ...values.map((v) => v ?? 0));
          return (
            <div key={m.key} data-testid={`compare-metric-${m.key}`}>
              <h3 className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-500">{m.label}</h3>
              <div className="space-y-1.5">
                {segments.map((s, i) => {
                  const v = s[m.key];
                  const width = top > 0 && v !== null ? (v / top) * 100 : 0;
                  return (
                    <div key={s.code} className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-2">
                      <svg viewBox="0 0 100 12" preserveAspectRatio="none" width="100%" height={12} className="block rounded-sm bg-slate-100" data-testid="compare-bar">
                        <title>{`${s.name}: ${m.format(v)}`}</title>
                        {width > 0 && <rect x={0} y={0} width={Math.max(width, 0.8)} height={12} className={SEGMENT_COLOURS[i].fill} />}
                      </svg>
                      <span className="min-w-[4.5rem] text-right text-xs tabular-nums text-slate-700">{m.format(v)}</span>
                    </div>
                  );
                })}
              </div>
            </div>
          );
        })}
      </div>
    </section>
  );
}
