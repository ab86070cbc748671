import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { TRY_OUT_ACTIONS } from "./campaigns.ui/try-out";
import { AutomationForm } from "./automations.ui/AutomationForm";
import { automationIdParam, editorAction, loadEditor } from "./automations.ui/editor.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.automation?.name ?? titled("automation"), titled("edit")) }];

export const loader = (args: LoaderFunctionArgs) => loadEditor(args, automationIdParam(args.params.id));
// the message's preview and test send change nothing the page loaded
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction && TRY_OUT_ACTIONS.includes(formAction) ? false : defaultShouldRevalidate);

export const action = (args: ActionFunctionArgs) => editorAction(args, automationIdParam(args.params.id));

export default function EditAutomation() {
  const { segments, users, store, variables, automation, me } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("automations");
  const a = automation!;
  return (
    <div className="space-y-4">
      <div>
        <Link to={`/automations/${a.id}`} className="block max-w-xl truncate text-sm text-indigo-700 hover:underline">
          ← {a.name}
        </Link>
        <h1 className="page-title mt-2 break-words">{t("form.editTitle", { name: a.name })}</h1>
      </div>
      <AutomationForm
        key={a.id}
        initial={answer?.values ?? a.values}
        segments={segments}
        users={users}
        store={store}
        variables={variables}
        ownEmail={me.email}
        errors={answer?.errors}
        submitLabel={t("form.saveChanges")}
        cancelTo={`/automations/${a.id}`}
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
