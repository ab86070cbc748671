import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { newDraft } from "~/components/segments/catalogue";
import { SegmentEditor } from "~/components/segments/editor/SegmentEditor";
import { editorAction, loadEditor } from "./segments.ui/editor.server";

export const meta: MetaFunction = () => [{ title: "New segment · Segment console" }];

export const loader = (args: LoaderFunctionArgs) => loadEditor(args);
export const action = (args: ActionFunctionArgs) => editorAction(args);

// the live preview posts to its own route; the vocabulary does not change because of it
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction === "/segments/preview" ? false : defaultShouldRevalidate);

export default function NewSegment() {
  const { vocabulary, store } = useLoaderData<typeof loader>();
  const { t } = useTranslation("segments");
  return (
    <div className="space-y-4">
      <div>
        <Link to="/segments" className="text-sm text-indigo-700 hover:underline">
          ← {t("editor.back")}
        </Link>
        <h1 className="page-title mt-2">{t("editor.newTitle")}</h1>
      </div>
      <SegmentEditor initial={newDraft()} vocabulary={vocabulary} store={store} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
