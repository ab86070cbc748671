import { useEffect } from "react";
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { requireExporter } from "./exports.ui/access.server";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime, formatNumber } from "~/format";
import { getStoreSettings } from "~/domain/store.server";
import { listExports } from "~/domain/exports.server";
import { formatBytes } from "./imports.ui/parts";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("exports")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, settings } = await requireExporter(request, context);
  const db = context.services.db;
  const [exports, store] = await Promise.all([listExports(db, { kind: "user", userId: user.id, role: user.role }), getStoreSettings(db)]);
  return json({ exports, store, keepHours: settings.keepHours, isAdmin: user.role === "admin" }, { headers: { "Cache-Control": "no-store" } });
}

type Problem = { field: string; reason: string };

/** The problems of an export that did not start, as /exports/new sends them back in the address. */
function problemsOf(params: URLSearchParams): Problem[] {
  try {
    const value = JSON.parse(params.get("problems") ?? "[]") as unknown;
    return Array.isArray(value) ? value.filter((p): p is Problem => typeof p?.field === "string" && typeof p?.reason === "string").slice(0, 20) : [];
  } catch {
    return [];
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = LoaderData["exports"][number];

const STATUS_COLOURS: Record<Row["status"], string> = {
  queued: "bg-indigo-50 text-indigo-700",
  running: "bg-indigo-50 text-indigo-700",
  done: "bg-emerald-50 text-emerald-700",
  failed: "bg-red-50 text-red-700",
  expired: "bg-slate-100 text-slate-600",
};

export default function ExportsPage() {
  const { exports, store, keepHours } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("exports");
  const revalidator = useRevalidator();
  const isBusy = exports.some((e) => e.status === "queued" || e.status === "running");
  // while an export runs, the page follows its progress once a second
  useEffect(() => {
    if (!isBusy) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [isBusy, revalidator]);
  const started = Number(params.get("id"));
  const problems = problemsOf(params);

  return (
    <div className="space-y-4">
      <div>
        <h1 className="page-title">{t("title")}</h1>
        <p className="text-sm text-slate-500">{t("subtitle", { count: keepHours })}</p>
      </div>
      {problems.length > 0 && (
        <div className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800" role="alert" data-testid="export-problems">
          <p className="font-medium">{t("notStarted")}</p>
          <ul className="mt-1 list-disc pl-5">
            {problems.map((p) => (
              <li key={`${p.field}:${p.reason}`}>
                <span className="font-mono">{p.field}</span>: {p.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {started > 0 && exports.some((e) => e.id === started && (e.status === "queued" || e.status === "running")) && (
        <p className="rounded-lg border border-indigo-200 bg-indigo-50 p-4 text-sm text-indigo-900" role="status">
          {t("startedNote")}
        </p>
      )}
      <div className="card overflow-hidden p-0">
        <DataTable
          testId="export-table"
          rows={exports}
          rowKey={(e) => e.id}
          rowProps={(e) => ({ "data-testid": `export-${e.id}`, className: e.id === started ? "bg-indigo-50/40" : undefined })}
          empty={<p className="p-6 text-sm text-slate-600">{t("empty")}</p>}
          columns={exportColumns(t, store)}
        />
      </div>
    </div>
  );
}

function exportColumns(t: TFunction<"exports">, store: LoaderData["store"]): Array<Column<Row>> {
  const n = (value: number) => formatNumber(value, store.locale);
  return [
    {
      key: "what",
      header: t("columns.what"),
      primary: true,
      className: "md:min-w-[14rem]",
      cell: (e) => (
        <>
          <div className="font-medium text-slate-900">
            {e.segment ? (
              <Link to={`/segments/${e.segment.id}`} className="text-indigo-700 hover:underline">
                {e.segment.name}
              </Link>
            ) : e.source === "segment" ? (
              t("deletedSegment")
            ) : (
              t("customers")
            )}
          </div>
          <div className="[overflow-wrap:anywhere] font-mono text-xs text-slate-500">{e.fileName}</div>
          <div className="text-xs text-slate-500">{t("columnsCount", { count: e.columns.length })}</div>
        </>
      ),
    },
    {
      key: "progress",
      header: t("columns.progress"),
      className: "md:w-64",
      cell: (e) => (
        <div className="space-y-1" data-testid="export-progress" data-status={e.status}>
          <div className="flex flex-wrap items-center gap-2">
            <span className={`badge ${STATUS_COLOURS[e.status]}`}>{t(`status.${e.status}`)}</span>
            <span className="text-xs tabular-nums text-slate-500">{t("rows", { written: n(e.writtenRows), total: n(e.totalRows), count: e.totalRows })}</span>
          </div>
          {(e.status === "queued" || e.status === "running") && (
            <div className="h-2 w-full overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label={t("progressLabel", { name: e.fileName })} aria-valuemin={0} aria-valuemax={100} aria-valuenow={e.percent}>
              <div className="h-full rounded-full bg-indigo-600 transition-[width] duration-500" style={{ width: `${e.percent}%` }} />
            </div>
          )}
          {e.status === "failed" && e.error && <p className="[overflow-wrap:anywhere] text-xs text-red-700">{e.error}</p>}
        </div>
      ),
    },
    { key: "by", header: t("columns.by"), cell: (e) => e.requestedBy ?? "—" },
    { key: "created", header: t("columns.created"), className: "whitespace-nowrap", cell: (e) => formatDateTime(e.createdAt, store.locale, store.timeZone) },
    {
      key: "file",
      header: t("columns.file"),
      cell: (e) =>
        e.status === "done" ? (
          <div>
            <a href={`/exports/${e.id}/download`} className="btn-secondary whitespace-nowrap" data-testid="export-download" download>
              {t("download", { format: e.format.toUpperCase() })}
            </a>
            <div className="mt-1 text-xs text-slate-500">
              {e.fileSize !== null && `${formatBytes(e.fileSize, store.locale)} · `}
              {t("expires", { at: formatDateTime(e.expiresAt, store.locale, store.timeZone) })}
            </div>
          </div>
        ) : e.status === "expired" ? (
          <span className="text-xs text-slate-500">{t("expired")}</span>
        ) : (
          <span className="text-slate-400">—</span>
        ),
    },
  ];
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
