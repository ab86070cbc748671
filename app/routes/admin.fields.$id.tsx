import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { deleteCustomField, getCustomField, segmentsUsingField, updateCustomField } from "~/domain/definitions.server";
import { FIELD_TYPES } from "../../models/registration/definitions";
import { msg } from "../../models/messages";
import { errorsByField, fieldFromForm } from "./admin.ui/definition-forms";
import { ErrorSummary, FieldProblems } from "./admin.ui/definitions";
import { ConfirmForm, Notice } from "./admin.ui/parts";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("field")) }];

const notFound = () => new Response(msg("admin.noSuchField"), { status: 404, statusText: "Not Found" });

function idOf(params: { id?: string }): number {
  if (!/^[1-9]\d{0,9}$/.test(params.id ?? "")) throw notFound();
  return Number(params.id);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = await requireRole(request, context, "admin", "marketer");
  const db = context.services.db;
  const field = await getCustomField(db, { id: idOf(params) });
  if (!field) throw notFound();
  return json({ field, segments: await segmentsUsingField(db, field.key), canEdit: me.role === "admin", saved: new URL(request.url).searchParams.has("saved") });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const db = context.services.db;
  const id = idOf(params);
  const ctx = { actor: { userId: me.id, ip: context.clientIp }, source: "ui" as const };
  if (form.get("intent") === "delete") {
    const out = await deleteCustomField(db, { id }, ctx);
    if (out.ok) return redirect("/admin/fields");
    if (out.kind === "missing") throw notFound();
    return json({ intent: "delete" as const, errors: out.errors }, 409);
  }
  const out = await updateCustomField(db, { id }, fieldFromForm(form, false), ctx);
  if (!out.ok) {
    if (out.kind === "missing") throw notFound();
    return json({ intent: "save" as const, errors: out.errors }, 400);
  }
  return redirect(`/admin/fields/${id}?saved=1`);
}

export default function CustomFieldPage() {
  const { field, segments, canEdit, saved } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("definitions");
  const [type, setType] = useState<string>(field.type);
  const byField = errorsByField(answer?.intent === "save" ? answer.errors : []);
  return (
    <div className="space-y-6">
      <div>
        <Link to="/admin/fields" className="text-sm text-indigo-700 hover:underline">
          ← {t("fields.title")}
        </Link>
        <h1 className="page-title mt-1 break-words">{field.label}</h1>
        <p className="text-sm text-slate-500">
          <span className="font-mono">{field.key}</span> · {t(`types.${field.type}`)} · {t("fields.heldBy", { count: field.valueCount })}
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
      {answer && answer.errors.length > 0 && <ErrorSummary errors={answer.errors} />}
      <section className="card max-w-3xl">
        <Form method="post" className="grid gap-4 sm:grid-cols-2" data-testid="field-form">
          <AuthenticityTokenInput />
          <input type="hidden" name="intent" value="save" />
          <fieldset disabled={!canEdit} className="contents">
            <div className="sm:col-span-2">
              <label className="label" htmlFor="field-label">
                {t("fields.label")}
              </label>
              <input id="field-label" name="label" defaultValue={field.label} className="input mt-1" autoComplete="off" />
              <FieldProblems reasons={byField.label} />
            </div>
            <div>
              <label className="label" htmlFor="field-type">
                {t("fields.type")}
              </label>
              <select id="field-type" name="type" className="input mt-1 bg-white" value={type} onChange={(e) => setType(e.target.value)}>
                {FIELD_TYPES.map((ft) => (
                  <option key={ft} value={ft}>
                    {t(`types.${ft}`)}
                  </option>
                ))}
              </select>
              <p className="mt-1 text-xs text-slate-500">{t("fields.typeHelp")}</p>
              <FieldProblems reasons={byField.type} />
            </div>
            {type === "select" && (
              <div>
                <label className="label" htmlFor="field-options">
                  {t("fields.optionsLines")}
                </label>
                <textarea id="field-options" name="options" rows={6} defaultValue={field.options.join("\n")} className="input mt-1" />
                <p className="mt-1 text-xs text-slate-500">{t("fields.optionsEditHelp")}</p>
                <FieldProblems reasons={Object.entries(byField).filter(([k]) => k.startsWith("options")).flatMap(([, v]) => v)} />
              </div>
            )}
          </fieldset>
          {canEdit && (
            <div className="sm:col-span-2">
              <button type="submit" className="btn" disabled={navigation.state !== "idle"}>
                {t("fields.save")}
              </button>
            </div>
          )}
        </Form>
      </section>
      {canEdit && (
        <section className="card max-w-3xl border-red-200">
          <h2 className="text-base font-semibold text-slate-900">{t("fields.deleteTitle")}</h2>
          <p className="mb-3 text-sm text-slate-500">{t("fields.deleteHint", { count: field.valueCount })}</p>
          <ConfirmForm
            fields={{}}
            label={t("fields.delete")}
            question={t("fields.deleteQuestion", { label: field.label, count: field.valueCount })}
            confirmLabel={t("fields.deleteConfirm")}
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
