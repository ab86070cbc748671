import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { deleteQuestion, getQuestion, segmentsUsingQuestion, updateQuestion } from "~/domain/definitions.server";
import { questionFromForm } from "./admin.ui/definition-forms";
import { ErrorSummary, QuestionEditor } from "./admin.ui/definitions";
import { ConfirmForm, Notice } from "./admin.ui/parts";
import { msg } from "../../models/messages";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("question")) }];

function idOf(params: { id?: string }): number {
  const id = Number(params.id);
  if (!/^[1-9]\d{0,9}$/.test(params.id ?? "") || !Number.isSafeInteger(id)) throw new Response(msg("admin.noSuchQuestion"), { status: 404, statusText: "Not Found" });
  return id;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = await requireRole(request, context, "admin", "marketer");
  const db = context.services.db;
  const question = await getQuestion(db, { id: idOf(params) });
  if (!question) throw new Response(msg("admin.noSuchQuestion"), { status: 404, statusText: "Not Found" });
  const segments = await segmentsUsingQuestion(db, question.key);
  return json({ question, segments, canEdit: me.role === "admin", saved: new URL(request.url).searchParams.has("saved") });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const db = context.services.db;
  const id = idOf(params);
  const ctx = { actor: { userId: me.id, ip: context.clientIp }, source: "ui" as const };
  const intent = form.get("intent");
  if (intent === "delete") {
    const out = await deleteQuestion(db, { id }, ctx);
    if (out.ok) return redirect(`/admin/questions?deleted=${encodeURIComponent(out.value.key)}`);
    if (out.kind === "missing") throw new Response(msg("admin.noSuchQuestion"), { status: 404, statusText: "Not Found" });
    return json({ intent: "delete" as const, errors: out.errors, offerDeactivation: out.kind === "in_use" }, 409);
  }
  if (intent === "deactivate") {
    const out = await updateQuestion(db, { id }, { isActive: false }, ctx);
    if (!out.ok) return json({ intent: "deactivate" as const, errors: out.kind === "missing" ? [] : out.errors, offerDeactivation: false }, 400);
    return redirect(`/admin/questions/${id}?saved=1`);
  }
  const out = await updateQuestion(db, { id }, questionFromForm(form, false), ctx);
  if (!out.ok) {
    if (out.kind === "missing") throw new Response(msg("admin.noSuchQuestion"), { status: 404, statusText: "Not Found" });
    return json({ intent: "save" as const, errors: out.errors, offerDeactivation: false }, 400);
  }
  return redirect(`/admin/questions/${id}?saved=1`);
}

export default function QuestionPage() {
  const { question, segments, canEdit, saved } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("definitions");
  const edited = { ...question, options: question.options.map((o) => ({ ...o, isSaved: true })) };
  return (
    <div className="space-y-6">
      <div>
        <Link to="/admin/questions" className="text-sm text-indigo-700 hover:underline">
          ← {t("questions.title")}
        </Link>
        <h1 className="page-title mt-1 break-words">{question.texts.en}</h1>
        <p className="text-sm text-slate-500">
          {t("questions.answeredBy", { count: question.answeredBy })} · {t(question.isActive ? "questions.isActive" : "questions.isInactive")}
        </p>
      </div>
      {!canEdit && <Notice tone="warning">{t("readOnly")}</Notice>}
      {saved && !answer && <Notice tone="success">{t("saved")}</Notice>}
      {segments.length > 0 && (
        <p className="text-sm text-slate-600" data-testid="used-by">
          {t("usedBy")}{" "}
          {segments.map((s, i) => (
            <span key={s.id}>
              {i > 0 && ", "}
              <Link to={`/segments/${s.id}`} className="text-indigo-700 hover:underline">
                {s.name}
              </Link>
            </span>
          ))}
        </p>
      )}
      {answer?.intent === "delete" && (
        <div className="space-y-2">
          <ErrorSummary errors={answer.errors} />
          {answer.offerDeactivation && question.isActive && (
            <Form method="post">
              <AuthenticityTokenInput />
              <button type="submit" name="intent" value="deactivate" className="btn-secondary" data-testid="deactivate-instead">
                {t("questions.deactivateInstead")}
              </button>
            </Form>
          )}
        </div>
      )}
      <QuestionEditor key={JSON.stringify(edited)} question={edited} isNew={false} canEdit={canEdit} errors={answer?.intent === "save" ? answer.errors : []} />
      {canEdit && (
        <section className="card border-red-200">
          <h2 className="text-base font-semibold text-slate-900">{t("questions.deleteTitle")}</h2>
          <p className="mb-3 text-sm text-slate-500">{t("questions.deleteHint", { count: question.answeredBy })}</p>
          <ConfirmForm
            fields={{}}
            label={t("questions.delete")}
            question={t("questions.deleteQuestion", { text: question.texts.en, count: question.answeredBy })}
            confirmLabel={t("questions.deleteConfirm")}
            danger
            name="intent"
            value="delete"
          />
        </section>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
