import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { definitionToDraft } from "~/components/segments/catalogue";
import { SegmentEditor } from "~/components/segments/editor/SegmentEditor";
import { ManualMembers } from "~/components/segments/editor/ManualMembers";
import { Notice } from "~/components/segments/parts";
import { editorAction, loadEditor, segmentIdParam } from "./segments.ui/editor.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.segment?.name ?? titled("segment"), titled("edit")) }];

export const loader = (args: LoaderFunctionArgs) => loadEditor(args, segmentIdParam(args.params.id));
export const action = (args: ActionFunctionArgs) => editorAction(args, segmentIdParam(args.params.id));

export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction === "/segments/preview" ? false : defaultShouldRevalidate);

export default function EditSegment() {
  const { vocabulary, store, segment, members } = useLoaderData<typeof loader>();
  const { t } = useTranslation("segments");
  const [params] = useSearchParams();
  const s = segment!;
  return (
    <div className="space-y-4">
      <div>
        <Link to={`/segments/${s.id}`} className="block max-w-xl truncate text-sm text-indigo-700 hover:underline">
          ← {s.name}
        </Link>
        <h1 className="page-title mt-2 break-words">{t("editor.editTitle", { name: s.name })}</h1>
      </div>
      {params.get("created") && <Notice tone="success">{t("editor.createdManual", { name: s.name })}</Notice>}
      <SegmentEditor key={s.id} initial={definitionToDraft(s, store.moneyDigits)} vocabulary={vocabulary} store={store} segment={{ id: s.id, code: s.code, type: s.type, isLocked: s.isLocked, memberCount: s.memberCount }}>
        {s.type === "manual" && members && <ManualMembers segmentId={s.id} memberCount={s.memberCount} members={members} store={store} />}
      </SegmentEditor>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
