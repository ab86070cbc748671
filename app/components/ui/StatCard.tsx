/**
 * One figure of a page's summary row. Figures wrap rather than being cut: a money amount or a date
 * must stay whole at any width ("€." is not a figure).
 */
export function StatCard({ label, value, detail, testId }: { label: string; value: React.ReactNode; detail?: React.ReactNode; testId?: string }) {
  return (
    <div className="card min-w-0 py-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 break-words text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
      {detail && <dd className="mt-0.5 break-words text-xs text-slate-500">{detail}</dd>}
    </div>
  );
}

/** The summary row the figures sit in: two across on a phone, four on a laptop. */
export function StatGrid({ children, className = "" }: { children: React.ReactNode; className?: string }) {
  return <dl className={`grid grid-cols-2 gap-3 lg:grid-cols-4 ${className}`}>{children}</dl>;
}
