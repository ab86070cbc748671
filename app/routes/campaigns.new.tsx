import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { CampaignForm } from "./campaigns.ui/CampaignForm";
import { TRY_OUT_ACTIONS } from "./campaigns.ui/try-out";
import { editorAction, loadEditor } from "./campaigns.ui/editor.server";
import { newCampaignValues } from "./campaigns.ui/form";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("newCampaign")) }];

export const loader = (args: LoaderFunctionArgs) => loadEditor(args);
// the form's preview and test send change nothing the page loaded
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction && TRY_OUT_ACTIONS.includes(formAction) ? false : defaultShouldRevalidate);

export const action = (args: ActionFunctionArgs) => editorAction(args);

export default function NewCampaign() {
  const { segments, store, storeQuietHours, variables, me } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("campaigns");
  return (
    <div className="space-y-4">
      <div>
        <Link to="/campaigns" className="text-sm text-indigo-700 hover:underline">
          ← {t("editor.back")}
        </Link>
        <h1 className="page-title mt-2">{t("editor.newTitle")}</h1>
        <p className="text-sm text-slate-500">{t("editor.newSubtitle")}</p>
      </div>
      <CampaignForm
        initial={newCampaignValues()}
        segments={segments}
        store={store}
        storeQuietHours={storeQuietHours}
        variables={variables}
        ownEmail={me.email}
        errors={answer?.errors}
        submitLabel={t("editor.saveDraft")}
        cancelTo="/campaigns"
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
