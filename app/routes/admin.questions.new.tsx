import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { createQuestion } from "~/domain/definitions.server";
import { questionFromForm } from "./admin.ui/definition-forms";
import { QuestionEditor } from "./admin.ui/definitions";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("newQuestion")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin");
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const out = await createQuestion(context.services.db, questionFromForm(form, true), { actor: { userId: me.id, ip: context.clientIp }, source: "ui" });
  if (!out.ok) return json({ errors: out.kind === "missing" ? [] : out.errors }, 400);
  return redirect(`/admin/questions/${out.value.id}?saved=1`);
}

const BLANK = {
  key: "",
  texts: { en: "" },
  isActive: true,
  options: [
    { key: "", labels: { en: "" }, chosenBy: 0, isSaved: false },
    { key: "", labels: { en: "" }, chosenBy: 0, isSaved: false },
  ],
};

export default function NewQuestion() {
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("definitions");
  return (
    <div className="space-y-6">
      <div>
        <Link to="/admin/questions" className="text-sm text-indigo-700 hover:underline">
          ← {t("questions.title")}
        </Link>
        <h1 className="page-title mt-1">{t("questions.newTitle")}</h1>
        <p className="text-sm text-slate-500">{t("questions.newSubtitle")}</p>
      </div>
      <QuestionEditor question={BLANK} isNew canEdit errors={answer?.errors ?? []} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
