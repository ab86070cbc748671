// The campaign report over time: sends, deliveries and failures per bucket as bars in an inline SVG.
// The SVG only draws (it stretches to the card's width, so it fits a phone and a laptop alike);
// its words (axis, legend) are HTML beside it, which keeps them readable at any width, and the
// same numbers are a table for screen readers.
import { useTranslation } from "react-i18next";
import { formatNumber } from "~/format";

export interface ChartBucket {
  start: string;
  sent: number;
  delivered: number;
  failed: number;
}

export interface ChartTimeline {
  timeZone: string;
  bucket: {
    unit: "minute" | "hour" | "day" | "week";
    count: number;
    seconds: number;
  } | null;
  buckets: ChartBucket[];
}

const SERIES = [
  { key: "sent", fill: "fill-indigo-400", swatch: "bg-indigo-400" },
  { key: "delivered", fill: "fill-emerald-500", swatch: "bg-emerald-500" },
  { key: "failed", fill: "fill-rose-500", swatch: "bg-rose-500" },
] as const;

const HEIGHT = 160;

/** A round top for the value axis: 1, 2 or 5 times a power of ten, at least the largest value. */
function axisTop(max: number): number {
  if (max <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= max)!;
}

function bucketLabeller(timeline: ChartTimeline, locale: string) {
  const { bucket, buckets, timeZone } = timeline;
  const spansDays =
    buckets.length > 1 &&
    new Date(buckets[buckets.length - 1].start).getTime() -
      new Date(buckets[0].start).getTime() >=
      86_400_000;
  const options: Intl.DateTimeFormatOptions =
    bucket?.unit === "day" || bucket?.unit === "week"
      ? { dateStyle: "medium" }
      : spansDays
      ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
      : { timeStyle: "short" };
  const format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
  return (start: string) => format.format(new Date(start));
}

export function ReportChart({
  timeline,
  locale,
}: {
  timeline: ChartTimeline;
  locale: string;
}) {
  const { t } = useTranslation("campaigns");
  const { bucket, buckets } = timeline;
  if (!bucket || buckets.length === 0) return null;
  const n = (v: number) => formatNumber(v, locale);
  const label = bucketLabeller(timeline, locale);
  const per = t(`report.per.${bucket.unit}`, { count: bucket.count });
  const top = axisTop(
    Math.max(1, ...buckets.map((b) => Math.max(b.sent, b.delivered, b.failed)))
  );
  const totals = { sent: 0, delivered: 0, failed: 0 };
  for (const b of buckets) for (const s of SERIES) totals[s.key] += b[s.key];
  // each bucket is a slot of 12 units: three bars of 3 with a unit between, and space around
  const slot = 12;
  const width = buckets.length * slot;
  const ticks =
    buckets.length === 1
      ? [0]
      : buckets.length === 2
      ? [0, 1]
      : [0, Math.floor((buckets.length - 1) / 2), buckets.length - 1];
  return (
    <section className="card space-y-3" data-testid="report-chart">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1">
        <h2
          className="text-sm font-semibold text-slate-900"
          id="report-chart-title"
        >
          {t("report.title")}
        </h2>
        <span className="text-xs text-slate-500" data-testid="report-bucket">
          {t("report.bucketIn", { per, zone: timeline.timeZone })}
        </span>
      </div>
      <ul
        className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600"
        aria-hidden="true"
      >
        {SERIES.map((s) => (
          <li key={s.key} className="flex items-center gap-1.5">
            <span
              className={`inline-block h-2.5 w-2.5 rounded-sm ${s.swatch}`}
            />
            {t(`report.${s.key}`)}{" "}
            <span className="font-medium tabular-nums text-slate-900">
              {n(totals[s.key])}
            </span>
          </li>
        ))}
      </ul>
      <div
        className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-2"
        aria-hidden="true"
      >
        <div
          className="flex flex-col justify-between text-right text-[11px] tabular-nums leading-none text-slate-500"
          style={{ height: HEIGHT }}
        >
          <span>{n(top)}</span>
          <span>{n(top / 2)}</span>
          <span>0</span>
        </div>
        <svg
          viewBox={`0 0 ${width} ${HEIGHT}`}
          preserveAspectRatio="none"
          width="100%"
          height={HEIGHT}
          className="block overflow-visible"
          data-testid="report-svg"
        >
          {[0, 0.5, 1].map((f) => (
            <line
              key={f}
              x1={0}
              x2={width}
              y1={HEIGHT * f}
              y2={HEIGHT * f}
              className="stroke-slate-200"
              strokeWidth={1}
              vectorEffect="non-scaling-stroke"
            />
          ))}
          {buckets.map((b, i) => (
            <g key={b.start} data-bucket={b.start}>
              <title>{`${label(b.start)}: ${t("report.sent")} ${n(b.sent)}, ${t(
                "report.delivered"
              )} ${n(b.delivered)}, ${t("report.failed")} ${n(
                b.failed
              )}`}</title>
              <rect
                x={i * slot}
                y={0}
                width={slot}
                height={HEIGHT}
                className="fill-transparent hover:fill-slate-100"
              />
              {SERIES.map((s, j) => {
                const h = (b[s.key] / top) * HEIGHT;
                return h > 0 ? (
                  <rect
                    key={s.key}
                    x={i * slot + 1.5 + j * 3}
                    y={HEIGHT - h}
                    width={3}
                    height={h}
                    className={s.fill}
                  />
                ) : null;
              })}
            </g>
          ))}
        </svg>
        <span />
        <div className="relative mt-1 h-4 text-[11px] text-slate-500">
          {ticks.map((i, k) => (
            <span
              key={i}
              className="absolute top-0 whitespace-nowrap"
              style={
                k === 0
                  ? { left: 0 }
                  : k === ticks.length - 1
                  ? { right: 0 }
                  : {
                      left: `${((i + 0.5) / buckets.length) * 100}%`,
                      transform: "translateX(-50%)",
                    }
              }
            >
              {label(buckets[i].start)}
            </span>
          ))}
        </div>
      </div>
      {/* in a box of its own: a table grows to its content whatever width it is given */}
      <div className="sr-only">
        <table data-testid="report-table">
          <caption>
            {t("report.caption", { per, zone: timeline.timeZone })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("report.from")}</th>
              {SERIES.map((s) => (
                <th key={s.key} scope="col">
                  {t(`report.${s.key}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <th scope="row">{label(b.start)}</th>
                {SERIES.map((s) => (
                  <td key={s.key}>{n(b[s.key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
