import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataTable } from "~/components/ui/DataTable";
import { requireRole } from "~/auth/session.server";
import { formatDateTime, formatNumber } from "~/format";
import { listImports } from "~/domain/imports.server";
import { StatusBadge, formatBytes } from "./imports.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("imports")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  const db = context.services.db;
  const [imports, store] = await Promise.all([listImports(db, { limit: 100 }), getStoreForReader(request, context)]);
  return json({ imports, store });
}

export default function ImportList() {
  const { imports, store } = useLoaderData<typeof loader>();
  const { t } = useTranslation("imports");
  const n = (value: number | null) => (value === null ? "—" : formatNumber(value, store.locale));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h1 className="page-title">{t("list.title")}</h1>
          <p className="text-sm text-slate-500">{t("list.subtitle")}</p>
        </div>
        <Link to="/imports/new" className="btn">
          {t("list.new")}
        </Link>
      </div>
      <div className="card overflow-hidden p-0">
        {imports.length === 0 ? (
          <p className="p-6 text-sm text-slate-600">{t("list.empty")}</p>
        ) : (
          <DataTable
            testId="import-table"
            rows={imports}
            rowKey={(i) => i.id}
            rowProps={() => ({ className: "hover:bg-slate-50" })}
            columns={[
              {
                key: "file",
                header: t("list.file"),
                primary: true,
                className: "md:max-w-xs",
                cell: (i) => (
                  <>
                    <Link to={`/imports/${i.id}`} className="[overflow-wrap:anywhere] font-medium text-indigo-700 hover:underline">
                      {i.fileName}
                    </Link>
                    <div className="text-xs text-slate-500">{formatBytes(i.fileSize, store.locale)}</div>
                  </>
                ),
              },
              { key: "by", header: t("list.by"), className: "whitespace-nowrap", cell: (i) => i.userName ?? "—" },
              { key: "when", header: t("list.when"), className: "whitespace-nowrap", cell: (i) => formatDateTime(i.createdAt, store.locale, store.timeZone) },
              { key: "status", header: t("list.status"), cell: (i) => <StatusBadge status={i.status} /> },
              { key: "rows", header: t("list.rows"), align: "right", className: "tabular-nums", cell: (i) => n(i.totalRows ?? (i.processedRows || null)) },
              { key: "created", header: t("list.created"), align: "right", className: "tabular-nums", cell: (i) => (hasRun(i) ? n(i.createdRows) : "—") },
              { key: "updated", header: t("list.updated"), align: "right", className: "tabular-nums", cell: (i) => (hasRun(i) ? n(i.updatedRows) : "—") },
              {
                key: "errors",
                header: t("list.errors"),
                align: "right",
                className: "tabular-nums",
                cell: (i) => <span className={i.errorRows > 0 ? "text-red-700" : ""}>{i.status === "uploaded" || i.status === "mapped" ? "—" : n(i.errorRows)}</span>,
              },
            ]}
          />
        )}
      </div>
    </div>
  );
}

/** Whether an import got as far as writing rows, so its created and updated counts mean something. */
function hasRun(i: { status: string; isChecked: boolean }): boolean {
  return i.status === "running" || i.status === "done" || ((i.status === "failed" || i.status === "stopping") && i.isChecked);
}
