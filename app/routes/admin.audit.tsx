import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataTable } from "~/components/ui/DataTable";
import { z } from "../../models/zod";
import { msg } from "../../models/messages";
import { requireRole } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime } from "~/format";
import { listAuditActions, listAuditEntries, listUserNames } from "~/domain/admin.server";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("audit")) }];

const PAGE_SIZE = 50;
const cursor = z.coerce.number().int().positive().optional();

/** The page's query string: filters and one keyset cursor. Empty values mean "no filter". */
const AuditQuerySchema = z.object({
  action: z
    .string()
    .max(64)
    .regex(/^[a-z0-9_.]*$/)
    .optional()
    .transform((v) => v || undefined),
  user: z.preprocess((v) => (v === "" ? undefined : v), cursor),
  before: cursor,
  after: cursor,
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin");
  const db = context.services.db;
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = AuditQuerySchema.safeParse(params);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "query";
    throw new Response(msg("admin.auditParameter", { field }), { status: 400, statusText: "Bad Request" });
  }
  const { action, user, before, after } = parsed.data;
  const [page, actions, users, store] = await Promise.all([
    listAuditEntries(db, { action, userId: user, before, after, limit: PAGE_SIZE }),
    listAuditActions(db),
    listUserNames(db),
    getStoreForReader(request, context),
  ]);
  return json({ page, actions, users, store, filter: { action: action ?? "", user: user ? String(user) : "" } });
}

/** A detail object as one readable line: `email: a@b.c, manager → marketer`. */
function describeDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  if (typeof detail !== "object") return String(detail);
  if (Array.isArray(detail)) return detail.map(describeDetail).join(", ");
  const record = detail as Record<string, unknown>;
  const parts = Object.entries(record)
    .filter(([key]) => key !== "from" && key !== "to")
    .map(([key, value]) => `${key}: ${describeDetail(value)}`);
  if ("from" in record && "to" in record) parts.push(`${describeDetail(record.from) || "—"} → ${describeDetail(record.to)}`);
  return parts.join(", ");
}

export default function AuditLog() {
  const { page, actions, users, store, filter } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const { t } = useTranslation("admin");
  const filtered = Boolean(filter.action || filter.user);
  const pageLink = (key: "before" | "after", value: number) => {
    const next = new URLSearchParams(searchParams);
    next.delete("before");
    next.delete("after");
    next.set(key, String(value));
    return `?${next.toString()}`;
  };
  const actionLabel = (action: string) => t(`audit.actions.${action.replace(/\./g, "_")}`, { defaultValue: action });
  return (
    <div className="space-y-4">
      <div>
        <h1 className="page-title">{t("audit.title")}</h1>
        <p className="text-sm text-slate-500">{t("audit.subtitle")}</p>
      </div>
      <Form method="get" className="card flex flex-wrap items-end gap-3" role="search">
        <div>
          <label className="label" htmlFor="audit-action">
            {t("audit.action")}
          </label>
          <select id="audit-action" name="action" defaultValue={filter.action} className="input mt-1 w-56 bg-white">
            <option value="">{t("audit.allActions")}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="audit-user">
            {t("audit.user")}
          </label>
          <select id="audit-user" name="user" defaultValue={filter.user} className="input mt-1 w-56 bg-white">
            <option value="">{t("audit.allUsers")}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.email})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn">
          {t("audit.filter")}
        </button>
        {filtered && (
          <Link to="?" className="btn-secondary">
            {t("audit.clear")}
          </Link>
        )}
      </Form>
      <div className="card overflow-hidden p-0">
        {page.entries.length === 0 ? (
          <p className="p-6 text-sm text-slate-600">{filtered ? t("audit.emptyFiltered") : t("audit.empty")}</p>
        ) : (
          <DataTable
            testId="audit-table"
            rows={page.entries}
            rowKey={(e) => e.id}
            columns={[
              { key: "when", header: t("audit.when"), className: "whitespace-nowrap tabular-nums", cell: (e) => formatDateTime(e.createdAt, store.locale, store.timeZone) },
              { key: "who", header: t("audit.who"), cell: (e) => e.userName ?? (e.apiKeyId ? t("audit.byApiKey", { name: e.apiKeyName ?? `#${e.apiKeyId}` }) : t("audit.system")) },
              { key: "action", header: t("audit.action"), cell: (e) => <span className="badge" title={e.action}>{actionLabel(e.action)}</span> },
              {
                key: "target",
                header: t("audit.target"),
                className: "whitespace-nowrap text-slate-600",
                cell: (e) => (e.targetType ? `${t(`audit.targets.${e.targetType}`, { defaultValue: e.targetType })} #${e.targetId ?? ""}` : "—"),
              },
              { key: "detail", header: t("audit.detail"), className: "md:min-w-[16rem] break-words text-slate-600", cell: (e) => describeDetail(e.detail) || "—" },
              { key: "ip", header: t("audit.ip"), className: "whitespace-nowrap font-mono text-xs text-slate-500", cell: (e) => e.ip ?? "—" },
            ]}
          />
        )}
      </div>
      <nav className="flex items-center justify-between" aria-label={t("audit.pages")}>
        {page.newerCursor ? (
          <Link to={pageLink("after", page.newerCursor)} className="btn-secondary" rel="prev">
            ← {t("audit.newer")}
          </Link>
        ) : (
          <span />
        )}
        {page.olderCursor ? (
          <Link to={pageLink("before", page.olderCursor)} className="btn-secondary" rel="next">
            {t("audit.older")} →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
