import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { Notice } from "~/components/segments/parts";
import { CampaignForm } from "./campaigns.ui/CampaignForm";
import { TRY_OUT_ACTIONS } from "./campaigns.ui/try-out";
import { campaignIdParam, editorAction, loadEditor } from "./campaigns.ui/editor.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.campaign?.name ?? titled("campaign"), titled("edit")) }];

export const loader = (args: LoaderFunctionArgs) => loadEditor(args, campaignIdParam(args.params.id));
// the form's preview and test send change nothing the page loaded
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction && TRY_OUT_ACTIONS.includes(formAction) ? false : defaultShouldRevalidate);

export const action = (args: ActionFunctionArgs) => editorAction(args, campaignIdParam(args.params.id));

export default function EditCampaign() {
  const { segments, store, storeQuietHours, variables, campaign, me } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("campaigns");
  const c = campaign!;
  return (
    <div className="space-y-4">
      <div>
        <Link to={`/campaigns/${c.id}`} className="block max-w-xl truncate text-sm text-indigo-700 hover:underline">
          ← {c.name}
        </Link>
        <h1 className="page-title mt-2 break-words">{t("editor.editTitle", { name: c.name })}</h1>
      </div>
      {(answer?.refused ?? c.refusal) ? (
        <Notice tone="warning" testId="edit-refused">
          {answer?.refused ?? c.refusal}{" "}
          <Link to={`/campaigns/${c.id}`} className="font-medium underline">
            {t("editor.backToCampaign")}
          </Link>
        </Notice>
      ) : (
        <CampaignForm
          key={c.id}
          initial={c.values}
          segments={segments}
          store={store}
          storeQuietHours={storeQuietHours}
          variables={variables}
          ownEmail={me.email}
          campaignId={c.id}
          errors={answer?.errors}
          submitLabel={t("editor.saveChanges")}
          cancelTo={`/campaigns/${c.id}`}
        />
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
