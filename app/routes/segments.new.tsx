import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { definitionToDraft, newDraft } from "~/components/segments/catalogue";
import { freeCopyCode, getSegment } from "~/domain/segments.server";
import { readPrefilledCriteria } from "~/domain/customers.server";
import { SEGMENT_CRITERIA_PARAM } from "../../models/customers/list-segment";
import { SegmentEditor } from "~/components/segments/editor/SegmentEditor";
import { editorAction, loadEditor } from "./segments.ui/editor.server";
import { pageTitle, titled } from "~/title";
import { msg } from "../../models/messages";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("newSegment")) }];

/**
 * With ?from=<id>, the editor opens as a copy of that segment: its definition, under a code nobody
 * has. With ?criteria=… ("Save these filters as a segment" on the customer list), it opens with
 * those criteria.
 */
export async function loader(args: LoaderFunctionArgs) {
  const editor = await (await loadEditor(args)).json();
  const params = new URL(args.request.url).searchParams;
  const from = params.get("from");
  const source = from && /^\d{1,10}$/.test(from) ? await getSegment(args.context.services.db, Number(from)) : null;
  if (from && !source) throw new Response(msg("segments.noSegmentToCopy"), { status: 404, statusText: "Not Found" });
  const copyOf = source
    ? {
        id: source.id,
        name: source.name,
        code: await freeCopyCode(args.context.services.db, source.code),
        type: source.type,
        isActive: source.isActive,
        match: source.match,
        criteria: source.criteria,
        recomputeEveryMinutes: source.recomputeEveryMinutes,
      }
    : null;
  const criteria = readPrefilledCriteria(params.get(SEGMENT_CRITERIA_PARAM));
  return json({ ...editor, copyOf, criteria });
}
export const action = (args: ActionFunctionArgs) => editorAction(args);

// the live preview posts to its own route; the vocabulary does not change because of it
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) => (formAction === "/segments/preview" ? false : defaultShouldRevalidate);

export default function NewSegment() {
  const { vocabulary, store, copyOf, criteria } = useLoaderData<typeof loader>();
  const { t } = useTranslation("segments");
  const initial = copyOf
    ? { ...definitionToDraft({ ...copyOf, name: t("editor.copyName", { name: copyOf.name }) }, store.moneyDigits), codeFollowsName: false }
    : criteria
      ? { ...definitionToDraft({ ...newDraft(), recomputeEveryMinutes: 5, criteria }, store.moneyDigits), codeFollowsName: true }
      : newDraft();
  return (
    <div className="space-y-4">
      <div>
        <Link to="/segments" className="text-sm text-indigo-700 hover:underline">
          ← {t("editor.back")}
        </Link>
        <h1 className="page-title mt-2">{copyOf ? t("editor.copyTitle", { name: copyOf.name }) : t("editor.newTitle")}</h1>
      </div>
      <SegmentEditor key={copyOf?.id ?? "new"} initial={initial} vocabulary={vocabulary} store={store} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
