// The segment page's chart of its size over time: an inline SVG with a few gridlines, the first
// and last moments on the time axis, and each point's size and time on hover.
import type { SizeSample } from "./Sparkline";

export function SizeChart({
  samples,
  isActive,
  formatSize,
  formatAt,
  emptyText,
}: {
  samples: SizeSample[];
  isActive: boolean;
  formatSize: (n: number) => string;
  formatAt: (at: string) => string;
  emptyText: string;
}) {
  const width = 1000;
  const height = 220;
  const left = 64;
  const bottom = 24;
  const top = 8;
  const right = 8;
  if (samples.length === 0) {
    return (
      <div className="flex h-44 items-center justify-center rounded-md border border-dashed border-slate-200 text-sm text-slate-500" data-testid="size-chart-empty">
        {emptyText}
      </div>
    );
  }
  const times = samples.map((s) => new Date(s.at).getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const maxSize = Math.max(1, ...samples.map((s) => s.size));
  // a round top for the axis: 1, 2 or 5 times a power of ten
  const step = 10 ** Math.floor(Math.log10(maxSize));
  const top10 = [1, 2, 5, 10].map((m) => m * step).find((v) => v >= maxSize) ?? maxSize;
  const x = (t: number) => (t1 === t0 ? width - right : left + ((width - left - right) * (t - t0)) / (t1 - t0));
  const y = (n: number) => top + (height - top - bottom) * (1 - n / top10);
  const points = samples.map((s, i) => ({ x: x(times[i]), y: y(s.size), s }));
  // a step line: a size holds until the next sample
  const path = points.map((p, i) => (i === 0 ? `M${p.x.toFixed(1)},${p.y.toFixed(1)}` : `H${p.x.toFixed(1)}V${p.y.toFixed(1)}`)).join("");
  const stroke = isActive ? "#4f46e5" : "#94a3b8";
  const grid = [0, 0.5, 1].map((f) => Math.round(top10 * f));
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className="h-auto w-full" role="img" aria-label={`${formatSize(samples[samples.length - 1].size)}`} data-testid="size-chart">
      {grid.map((g) => (
        <g key={g}>
          <line x1={left} x2={width - right} y1={y(g)} y2={y(g)} stroke="#e2e8f0" strokeDasharray={g === 0 ? undefined : "3 3"} />
          <text x={left - 6} y={y(g) + 4} textAnchor="end" className="fill-slate-500 text-[13px]">
            {formatSize(g)}
          </text>
        </g>
      ))}
      <text x={left} y={height - 6} className="fill-slate-500 text-[13px]">
        {formatAt(samples[0].at)}
      </text>
      {t1 !== t0 && (
        <text x={width - right} y={height - 6} textAnchor="end" className="fill-slate-500 text-[13px]">
          {formatAt(samples[samples.length - 1].at)}
        </text>
      )}
      <path d={`${path}V${y(0)}H${points[0].x.toFixed(1)}Z`} fill={isActive ? "#eef2ff" : "#f1f5f9"} />
      <path d={path} fill="none" stroke={stroke} strokeWidth="2" />
      {/* a dot where the size changed (and at the ends), with the moment and size on hover */}
      {points.map((p, i) =>
        i === 0 || i === points.length - 1 || p.s.size !== points[i - 1].s.size ? (
          <circle key={i} cx={p.x} cy={p.y} r={3.5} fill={stroke}>
            <title>{`${formatAt(p.s.at)}: ${formatSize(p.s.size)}`}</title>
          </circle>
        ) : null,
      )}
    </svg>
  );
}
