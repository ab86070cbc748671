import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { definitionToDraft, newDraft } from "~/components/segments/catalogue";
import { readPrefilledCriteria } from "~/domain/customers.server";
import { SEGMENT_CRITERIA_PARAM } from "../../models/customers/list-segment";
import { SegmentEditor } from "~/components/segments/editor/SegmentEditor";
import { editorAction, loadEditor } from "./segments.ui/editor.server";

export const meta: MetaFunction = () => [{ title: "New segment · Segment console" }];

export async function loader(args: LoaderFunctionArgs) {
  const editor = await (await loadEditor(args)).json();
  // "Save these filters as a segment" on the customer list opens the editor with their criteria
  const criteria = readPrefilledCriteria(new URL(args.request.url).searchParams.get(SEGMENT_CRITERIA_PARAM));
  return json({ ...editor, criteria });
}
export const action = (args: ActionFunctionArgs) => editorAction(args);

// the live preview posts to its own route; the vocabulary does not change because of it
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction === "/segments/preview" ? false : defaultShouldRevalidate);

export default function NewSegment() {
  const { vocabulary, store, criteria } = useLoaderData<typeof loader>();
  const initial = criteria
    ? { ...definitionToDraft({ ...newDraft(), recomputeEveryMinutes: 5, criteria }, store.moneyDigits), codeFollowsName: true }
    : newDraft();
  const { t } = useTranslation("segments");
  return (
    <div className="space-y-4">
      <div>
        <Link to="/segments" className="text-sm text-indigo-700 hover:underline">
          ← {t("editor.back")}
        </Link>
        <h1 className="page-title mt-2">{t("editor.newTitle")}</h1>
      </div>
      <SegmentEditor initial={initial} vocabulary={vocabulary} store={store} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
