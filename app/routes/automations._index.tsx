import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams, useSubmit } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { Notice } from "~/components/segments/parts";
import { formatNumber } from "~/format";
import { firingCounts, listAutomations, listSegments } from "~/domain/automations.server";
import { AUTOMATION_EDITORS, AUTOMATION_READERS } from "./automations.ui/editor.server";
import { ACTION_KINDS } from "./automations.ui/form";
import { ActionText, ActiveBadge, TriggerText } from "./automations.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("automations")) }];

/** The list's filter in the query string: ?q=welcome&state=paused&action=task; anything unknown is ignored. */
const ListQuery = z.object({
  q: z.string().max(200).catch(""),
  state: z.enum(["active", "paused"]).optional().catch(undefined),
  action: z.enum(ACTION_KINDS).optional().catch(undefined),
});

// names are compared with case folded in JavaScript: SQLite folds only ASCII, and names are often Cyrillic
const fold = (text: string) => text.normalize("NFC").toLocaleLowerCase().replaceAll("ς", "σ");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ...AUTOMATION_READERS);
  const db = context.services.db;
  const params = new URL(request.url).searchParams;
  const filter = ListQuery.parse({ q: params.get("q") ?? "", state: params.get("state") ?? undefined, action: params.get("action") ?? undefined });
  const [all, segments, store] = await Promise.all([listAutomations(db), listSegments(db), getStoreForReader(request, context)]);
  const needle = fold(filter.q.trim());
  const shown = all.filter(
    (a) => (!needle || fold(a.name).includes(needle)) && (!filter.state || (filter.state === "active") === a.isActive) && (!filter.action || a.action.kind === filter.action),
  );
  const counts = await firingCounts(db, shown.map((a) => a.id));
  const segmentName = new Map(segments.map((s) => [s.id, s.name]));
  return json({
    canEdit: (AUTOMATION_EDITORS as readonly string[]).includes(user.role),
    store: { locale: store.locale },
    filter: { q: filter.q, state: filter.state ?? "", action: filter.action ?? "" },
    total: all.length,
    automations: shown.map((a) => ({
      id: a.id,
      name: a.name,
      trigger: { kind: a.trigger.kind, segmentId: a.trigger.segmentId, segment: segmentName.get(a.trigger.segmentId) ?? null },
      action: { kind: a.action.kind, channels: a.action.kind === "message" ? a.action.channels : [], segment: "segmentId" in a.action ? (segmentName.get(a.action.segmentId) ?? null) : null },
      isActive: a.isActive,
      counts: counts.get(a.id) ?? { done: 0, skipped: 0, waiting: 0 },
    })),
  });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["automations"][number];

export default function AutomationList() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("automations");
  const [params] = useSearchParams();
  const filtered = Boolean(data.filter.q || data.filter.state || data.filter.action);
  const deletedName = params.get("deleted");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="page-title">{t("list.title")}</h1>
          <p className="text-sm text-slate-500">{t("list.subtitle")}</p>
        </div>
        {data.canEdit && (
          <Link to="/automations/new" className="btn" data-testid="new-automation">
            + {t("list.new")}
          </Link>
        )}
      </div>

      {deletedName && <Notice tone="success">{t("list.deleted", { name: deletedName })}</Notice>}
      {!data.canEdit && <Notice tone="info">{t("list.readOnly")}</Notice>}

      <FilterBar filter={data.filter} />

      <div className="card overflow-hidden p-0">
        <DataTable
          testId="automations-table"
          rows={data.automations}
          rowKey={(a) => a.id}
          rowProps={(a) => ({ "data-testid": `automation-row-${a.id}` })}
          empty={
            <div className="px-6 py-12 text-center" data-testid="automations-empty">
              <p className="text-sm text-slate-600">{filtered ? t("list.noMatch") : t("list.empty")}</p>
              {filtered ? (
                <Link to="/automations" className="btn-secondary mt-3">
                  {t("list.clearFilter")}
                </Link>
              ) : (
                data.canEdit && (
                  <Link to="/automations/new" className="btn mt-3">
                    + {t("list.new")}
                  </Link>
                )
              )}
            </div>
          }
          columns={columns(t, data.store.locale, data.canEdit)}
        />
      </div>
    </div>
  );
}

function columns(t: TFunction<"automations">, locale: string, canEdit: boolean): Array<Column<Row>> {
  const n = (v: number) => formatNumber(v, locale);
  const list: Array<Column<Row>> = [
    {
      key: "name",
      header: t("list.name"),
      primary: true,
      className: "md:min-w-[12rem]",
      cell: (a) => (
        <Link to={`/automations/${a.id}`} className="break-words font-medium text-indigo-700 hover:underline">
          {a.name}
        </Link>
      ),
    },
    { key: "trigger", header: t("list.trigger"), className: "text-sm md:max-w-[16rem]", cell: (a) => <TriggerText trigger={a.trigger} /> },
    { key: "action", header: t("list.action"), className: "text-sm", cell: (a) => <ActionText action={a.action} /> },
    { key: "state", header: t("list.state"), cell: (a) => <ActiveBadge isActive={a.isActive} /> },
    { key: "fired", header: t("list.fired"), align: "right", className: "whitespace-nowrap tabular-nums", cell: (a) => <span data-testid="fired">{n(a.counts.done)}</span> },
    { key: "skipped", header: t("list.skipped"), align: "right", className: "whitespace-nowrap tabular-nums", cell: (a) => <span data-testid="skipped">{n(a.counts.skipped)}</span> },
  ];
  if (canEdit)
    list.push({
      key: "actions",
      header: t("list.actions"),
      srOnlyHeader: true,
      align: "right",
      className: "whitespace-nowrap",
      cell: (a) => (
        <Link to={`/automations/${a.id}/edit`} className="btn-secondary" aria-label={t("list.editNamed", { name: a.name })}>
          {t("list.edit")}
        </Link>
      ),
    });
  return list;
}

function FilterBar({ filter }: { filter: { q: string; state: string; action: string } }) {
  const { t } = useTranslation("automations");
  const submit = useSubmit();
  const [text, setText] = useState(filter.q);
  return (
    <Form
      method="get"
      role="search"
      className="flex flex-wrap items-end gap-3"
      data-testid="automations-filter"
      onChange={(e) => {
        if ((e.target as HTMLElement).tagName === "SELECT") submit(e.currentTarget, { replace: true });
      }}
    >
      <label className="block min-w-[12rem] flex-1">
        <span className="label text-xs">{t("list.search")}</span>
        <input type="search" name="q" value={text} onChange={(e) => setText(e.currentTarget.value)} placeholder={t("list.searchPlaceholder")} className="input mt-1 w-full" />
      </label>
      <label className="block">
        <span className="label text-xs">{t("list.state")}</span>
        <select name="state" defaultValue={filter.state} className="input mt-1">
          <option value="">{t("list.anyState")}</option>
          <option value="active">{t("states.active")}</option>
          <option value="paused">{t("states.paused")}</option>
        </select>
      </label>
      <label className="block">
        <span className="label text-xs">{t("list.action")}</span>
        <select name="action" defaultValue={filter.action} className="input mt-1">
          <option value="">{t("list.anyAction")}</option>
          {ACTION_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`actionKinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn-secondary">
        {t("list.filter")}
      </button>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
