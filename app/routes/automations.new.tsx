import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { TRY_OUT_ACTIONS } from "./campaigns.ui/try-out";
import { AutomationForm } from "./automations.ui/AutomationForm";
import { editorAction, loadEditor } from "./automations.ui/editor.server";
import { newAutomationValues } from "./automations.ui/form";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("newAutomation")) }];

export const loader = (args: LoaderFunctionArgs) => loadEditor(args);
// the message's preview and test send change nothing the page loaded
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction && TRY_OUT_ACTIONS.includes(formAction) ? false : defaultShouldRevalidate);

export const action = (args: ActionFunctionArgs) => editorAction(args);

export default function NewAutomation() {
  const { segments, users, store, variables, me } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("automations");
  return (
    <div className="space-y-4">
      <div>
        <Link to="/automations" className="text-sm text-indigo-700 hover:underline">
          ← {t("form.back")}
        </Link>
        <h1 className="page-title mt-2">{t("form.newTitle")}</h1>
        <p className="text-sm text-slate-500">{t("form.newSubtitle")}</p>
      </div>
      <AutomationForm
        initial={answer?.values ?? newAutomationValues()}
        segments={segments}
        users={users}
        store={store}
        variables={variables}
        ownEmail={me.email}
        errors={answer?.errors}
        submitLabel={t("form.create")}
        cancelTo="/automations"
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
