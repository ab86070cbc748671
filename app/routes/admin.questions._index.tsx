import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { DataTable } from "~/components/ui/DataTable";
import { listQuestions, updateQuestion } from "~/domain/definitions.server";
import { ErrorSummary, MoveButtons, languagesOf } from "./admin.ui/definitions";
import { Notice } from "./admin.ui/parts";
import { msg } from "../../models/messages";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("questions")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, context, "admin", "marketer");
  const url = new URL(request.url);
  return json({ questions: await listQuestions(context.services.db), canEdit: me.role === "admin", deleted: url.searchParams.get("deleted") });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const ctx = { actor: { userId: me.id, ip: context.clientIp }, source: "ui" as const };
  const id = Number(form.get("id"));
  const intent = form.get("intent");
  const patch = intent === "move" ? { position: Number(form.get("position")) } : intent === "activate" ? { isActive: form.get("isActive") === "true" } : null;
  if (!patch || !Number.isInteger(id)) return json({ errors: [{ field: "intent", reason: msg("admin.questionIntent") }] }, 400);
  const out = await updateQuestion(context.services.db, { id }, patch, ctx);
  if (!out.ok) return json({ errors: out.kind === "missing" ? [{ field: "id", reason: msg("admin.notQuestion") }] : out.errors }, 400);
  return json({ errors: [] });
}

export default function Questions() {
  const { questions, canEdit, deleted } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("definitions");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="page-title">{t("questions.title")}</h1>
          <p className="text-sm text-slate-500">{t("questions.subtitle")}</p>
        </div>
        {canEdit && (
          <Link to="/admin/questions/new" className="btn" data-testid="new-question">
            {t("questions.new")}
          </Link>
        )}
      </div>
      {!canEdit && <Notice tone="warning">{t("readOnly")}</Notice>}
      {deleted && <Notice tone="success">{t("questions.deleted", { key: deleted })}</Notice>}
      {answer && answer.errors.length > 0 && <ErrorSummary errors={answer.errors} />}
      <div className="card overflow-hidden p-0">
        <DataTable
          testId="questions-table"
          rows={questions}
          rowKey={(q) => q.id}
          rowProps={(q) => ({ "data-testid": `question-${q.key}`, className: q.isActive ? "" : "bg-slate-50 text-slate-500" })}
          empty={<p className="p-6 text-sm text-slate-600">{t("questions.empty")}</p>}
          columns={[
            {
              key: "text",
              header: t("questions.question"),
              primary: true,
              cell: (q) => (
                <>
                  <Link to={`/admin/questions/${q.id}`} className="font-medium text-indigo-700 hover:underline">
                    {q.texts.en}
                  </Link>
                  <div className="font-mono text-xs text-slate-500">{q.key}</div>
                </>
              ),
            },
            {
              key: "options",
              header: t("questions.options"),
              cell: (q) => (
                <div className="flex max-w-xs flex-wrap justify-end gap-1 md:justify-start">
                  {q.options.map((o) => (
                    <span key={o.key} className="badge">
                      {o.labels.en}
                    </span>
                  ))}
                </div>
              ),
            },
            {
              key: "languages",
              header: t("questions.languages"),
              cell: (q) => (
                <div className="flex justify-end gap-1 md:justify-start">
                  <span className="badge uppercase">en</span>
                  {languagesOf(q.texts).map((l) => (
                    <span key={l} className="badge uppercase">
                      {l}
                    </span>
                  ))}
                </div>
              ),
            },
            { key: "answered", header: t("questions.answered"), align: "right", className: "tabular-nums", cell: (q) => q.answeredBy },
            {
              key: "state",
              header: t("questions.state"),
              cell: (q) => (
                <div className="flex items-center justify-end gap-2 whitespace-nowrap md:justify-start">
                  <span className={`badge ${q.isActive ? "bg-emerald-50 text-emerald-700" : ""}`}>{t(q.isActive ? "questions.isActive" : "questions.isInactive")}</span>
                  {canEdit && (
                    <Form method="post" className="inline">
                      <AuthenticityTokenInput />
                      <input type="hidden" name="intent" value="activate" />
                      <input type="hidden" name="id" value={q.id} />
                      <input type="hidden" name="isActive" value={q.isActive ? "false" : "true"} />
                      <button type="submit" className="btn-secondary px-2 py-1 text-xs" disabled={navigation.state !== "idle"} aria-label={`${t(q.isActive ? "questions.deactivate" : "questions.activate")}: ${q.texts.en}`}>
                        {t(q.isActive ? "questions.deactivate" : "questions.activate")}
                      </button>
                    </Form>
                  )}
                </div>
              ),
            },
            ...(canEdit
              ? [
                  {
                    key: "order",
                    header: t("order"),
                    srOnlyHeader: true,
                    align: "right" as const,
                    cell: (q: (typeof questions)[number]) => <MoveButtons id={q.id} index={questions.indexOf(q)} count={questions.length} name={q.texts.en} />,
                  },
                ]
              : []),
          ]}
        />
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
