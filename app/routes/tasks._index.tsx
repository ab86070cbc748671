import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams, useSubmit } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "../../models/zod";
import { requireUser } from "~/auth/session.server";
import { DataTable } from "~/components/ui/DataTable";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime } from "~/format";
import { assignableUsers, inboxPage, readInboxCursor, taskItem, taskViewerOf } from "~/domain/tasks.server";
import { seesDetailsOf } from "../../models/customers/viewer";
import { customerName } from "./customers.ui/display";
import { DueDate } from "./tasks.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("tasks")) }];

const PAGE = 50;

const InboxQuery = z.object({
  status: z.enum(["open", "done"]).catch("open"),
  assignee: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  // the task a notice names after completing or reassigning it
  completed: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  reassigned: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const db = context.services.db;
  const now = new Date();
  const params = new URL(request.url).searchParams;
  const query = InboxQuery.parse(Object.fromEntries(params));
  const viewer = taskViewerOf(user);
  const after = readInboxCursor(params.get("after"));
  const [page, store, people, noticeTask] = await Promise.all([
    inboxPage(db, viewer, { status: query.status, assigneeId: query.assignee }, { after, limit: PAGE }, now),
    getStoreForReader(request, context),
    viewer.canSeeAll ? assignableUsers(db) : Promise.resolve([]),
    // a completed task is still the viewer's to read; a reassigned one may not be, so its notice names nothing
    query.completed ? taskItem(db, viewer, query.completed, now) : Promise.resolve(null),
  ]);
  const notice = noticeTask ? { kind: "completed" as const, title: noticeTask.title } : query.reassigned ? { kind: "reassigned" as const, title: "" } : null;
  return json({
    role: user.role,
    seesAll: viewer.canSeeAll,
    filter: { status: query.status, assignee: query.assignee ?? null },
    people: people.map((p) => ({ id: p.id, name: p.name })),
    store: { locale: store.locale, timeZone: store.timeZone },
    isFirstPage: after === null,
    nextCursor: page.nextCursor,
    notice,
    tasks: page.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      isOverdue: t.isOverdue,
      dueAt: t.dueAt?.toISOString() ?? null,
      completedAt: t.completedAt?.toISOString() ?? null,
      // another manager's customer is named only (docs/decisions/0015)
      customer: t.customer
        ? seesDetailsOf(user, t.customer)
          ? { name: customerName(t.customer) ?? t.customer.externalId, id: t.customer.id }
          : { name: customerName(t.customer) ?? "—", id: null }
        : null,
      assignee: viewer.canSeeAll ? (t.assignee?.name ?? null) : null,
      automation: t.automation?.name ?? null,
    })),
  });
}

export default function TaskInbox() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("tasks");
  const [params] = useSearchParams();
  const link = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const key of ["after", "completed", "reassigned"]) next.delete(key);
    for (const [k, v] of Object.entries(changes)) (v === null ? next.delete(k) : next.set(k, v));
    const s = next.toString();
    return s ? `/tasks?${s}` : "/tasks";
  };
  const subtitle = data.role === "manager" ? t("list.subtitleManager") : data.role === "admin" ? t("list.subtitleAll") : t("list.subtitleReadOnly");
  const at = (v: string | null) => formatDateTime(v, data.store.locale, data.store.timeZone);
  return (
    <div className="space-y-4">
      <div>
        <h1 className="page-title">{t("list.title")}</h1>
        <p className="text-sm text-slate-500">{subtitle}</p>
      </div>
      {data.notice && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="task-notice">
          {data.notice.kind === "completed" ? t("list.completedNotice", { title: data.notice.title }) : t("list.reassignedNotice")}
        </p>
      )}
      <InboxFilter />
      <div className="card overflow-hidden p-0">
        <DataTable
          testId="task-table"
          rows={data.tasks}
          rowKey={(task) => task.id}
          rowProps={() => ({ "data-testid": "task-row" })}
          caption={t("list.title")}
          empty={
            <p className="px-6 py-12 text-center text-sm text-slate-600" data-testid="tasks-empty">
              {data.filter.status === "open" ? t("list.emptyOpen") : t("list.emptyDone")}
            </p>
          }
          columns={[
            {
              key: "task",
              header: t("list.task"),
              primary: true,
              className: "md:max-w-[22rem]",
              cell: (task) => (
                <Link to={`/tasks/${task.id}`} className="break-words font-medium text-indigo-700 hover:underline" data-testid="task-link">
                  {task.title}
                </Link>
              ),
            },
            {
              key: "customer",
              header: t("list.customer"),
              className: "[overflow-wrap:anywhere]",
              cell: (task) =>
                task.customer ? (
                  <span data-testid="task-customer">{task.customer.name}</span>
                ) : (
                  <span className="text-slate-400">{t("list.noCustomer")}</span>
                ),
            },
            data.filter.status === "open"
              ? { key: "due", header: t("list.due"), className: "whitespace-nowrap text-sm", cell: (task) => <DueDate dueAt={task.dueAt} isOverdue={task.isOverdue} store={data.store} /> }
              : { key: "completed", header: t("list.completed"), className: "whitespace-nowrap text-sm", cell: (task) => at(task.completedAt) },
            ...(data.seesAll ? [{ key: "assignee", header: t("list.assignee"), cell: (task: (typeof data.tasks)[number]) => task.assignee ?? "—" }] : []),
            { key: "automation", header: t("list.automation"), className: "text-sm text-slate-600", cell: (task) => task.automation ?? "—" },
          ]}
        />
        {(data.nextCursor !== null || !data.isFirstPage) && (
          <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-3" aria-label={t("list.paging")}>
            {!data.isFirstPage ? (
              <Link to={link({})} className="btn-secondary">
                ← {t("list.firstPage")}
              </Link>
            ) : (
              <span />
            )}
            {data.nextCursor !== null && (
              <Link to={`${link({})}${link({}).includes("?") ? "&" : "?"}after=${encodeURIComponent(data.nextCursor)}`} className="btn-secondary" rel="next">
                {t("list.more")} →
              </Link>
            )}
          </nav>
        )}
      </div>
    </div>
  );
}

/** Open or done, and for those who see every task, whose. */
function InboxFilter() {
  const { filter, people, seesAll } = useLoaderData<typeof loader>();
  const { t } = useTranslation("tasks");
  const submit = useSubmit();
  return (
    <Form method="get" role="search" aria-label={t("list.filter")} className="flex flex-wrap items-end gap-3" data-testid="task-filter" onChange={(e) => submit(e.currentTarget, { replace: true })}>
      <fieldset className="flex rounded-md border border-slate-300 bg-white p-0.5 text-sm">
        <legend className="sr-only">{t("list.status")}</legend>
        {(["open", "done"] as const).map((s) => (
          <label key={s} className={`cursor-pointer rounded px-3 py-1.5 ${filter.status === s ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100"}`}>
            <input type="radio" name="status" value={s} defaultChecked={filter.status === s} className="sr-only" data-testid={`task-status-${s}`} />
            {t(`list.${s}`)}
          </label>
        ))}
      </fieldset>
      {seesAll && (
        <label className="block">
          <span className="label text-xs">{t("list.assignee")}</span>
          <select name="assignee" defaultValue={filter.assignee ?? ""} className="input mt-1" data-testid="task-assignee-filter">
            <option value="">{t("list.anyAssignee")}</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <noscript>
        <button type="submit" className="btn-secondary">
          {t("list.show")}
        </button>
      </noscript>
    </Form>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
