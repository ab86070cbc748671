import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/auth/session.server";
import { formatDateTime, formatNumber } from "~/format";
import { getStoreSettings, listImports } from "~/domain/imports.server";
import { StatusBadge, formatBytes } from "./imports.ui/parts";

export const meta: MetaFunction = () => [{ title: "Imports · Segment console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  const db = context.services.db;
  const [imports, store] = await Promise.all([listImports(db, { limit: 100 }), getStoreSettings(db)]);
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
          <div className="overflow-x-auto">
            <table className="table" data-testid="import-table">
              <thead>
                <tr>
                  <th scope="col">{t("list.file")}</th>
                  <th scope="col">{t("list.by")}</th>
                  <th scope="col">{t("list.when")}</th>
                  <th scope="col">{t("list.status")}</th>
                  <th scope="col" className="text-right">
                    {t("list.rows")}
                  </th>
                  <th scope="col" className="text-right">
                    {t("list.created")}
                  </th>
                  <th scope="col" className="text-right">
                    {t("list.updated")}
                  </th>
                  <th scope="col" className="text-right">
                    {t("list.errors")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {imports.map((i) => {
                  const ran = i.status === "running" || i.status === "done" || ((i.status === "failed" || i.status === "stopping") && i.isChecked);
                  return (
                    <tr key={i.id} className="hover:bg-slate-50">
                      <td className="max-w-xs">
                        <Link to={`/imports/${i.id}`} className="block truncate font-medium text-indigo-700 hover:underline">
                          {i.fileName}
                        </Link>
                        <span className="text-xs text-slate-500">{formatBytes(i.fileSize, store.locale)}</span>
                      </td>
                      <td className="whitespace-nowrap">{i.userName ?? "—"}</td>
                      <td className="whitespace-nowrap">{formatDateTime(i.createdAt, store.locale, store.timeZone)}</td>
                      <td>
                        <StatusBadge status={i.status} />
                      </td>
                      <td className="text-right tabular-nums">{n(i.totalRows ?? (i.processedRows || null))}</td>
                      <td className="text-right tabular-nums">{ran ? n(i.createdRows) : "—"}</td>
                      <td className="text-right tabular-nums">{ran ? n(i.updatedRows) : "—"}</td>
                      <td className={`text-right tabular-nums ${i.errorRows > 0 ? "text-red-700" : ""}`}>{i.status === "uploaded" || i.status === "mapped" ? "—" : n(i.errorRows)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
