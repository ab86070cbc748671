// A segment's size over time as a small inline SVG line; grey for an inactive segment.
export interface SizeSample {
  at: string;
  size: number;
}

const scale = (samples: SizeSample[], width: number, height: number, pad: number) => {
  const times = samples.map((s) => new Date(s.at).getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const max = Math.max(...samples.map((s) => s.size));
  const min = Math.min(...samples.map((s) => s.size));
  return samples.map((s, i) => ({
    x: t1 === t0 ? width - pad : pad + ((width - 2 * pad) * (times[i] - t0)) / (t1 - t0),
    // a flat series sits in the middle rather than on the floor
    y: max === min ? height / 2 : height - pad - ((height - 2 * pad) * (s.size - min)) / (max - min),
  }));
};

export function Sparkline({ samples, isActive, label, width = 96, height = 24 }: { samples: SizeSample[]; isActive: boolean; label: string; width?: number; height?: number }) {
  if (samples.length === 0) return <span className="inline-block text-xs text-slate-300" style={{ width }} aria-hidden="true" />;
  const points = scale(samples, width, height, 2);
  const line = points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
  const last = points[points.length - 1];
  const stroke = isActive ? "#4f46e5" : "#cbd5e1";
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} className="inline-block align-middle" data-testid="sparkline">
      <title>{label}</title>
      {points.length > 1 && <polyline points={`${points[0].x},${height} ${line} ${last.x},${height}`} fill={isActive ? "#eef2ff" : "#f1f5f9"} stroke="none" />}
      <polyline points={line} fill="none" stroke={stroke} strokeWidth="1.5" strokeLinejoin="round" strokeLinecap="round" />
      <circle cx={last.x} cy={last.y} r="2" fill={stroke} />
    </svg>
  );
}
