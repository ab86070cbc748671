import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { DataTable } from "~/components/ui/DataTable";
import { createCustomField, listCustomFields, updateCustomField } from "~/domain/definitions.server";
import { FIELD_TYPES } from "../../models/registration/definitions";
import { msg } from "../../models/messages";
import { errorsByField, fieldFromForm } from "./admin.ui/definition-forms";
import { ErrorSummary, FieldProblems, MoveButtons } from "./admin.ui/definitions";
import { Notice } from "./admin.ui/parts";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("fields")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, context, "admin", "marketer");
  const created = new URL(request.url).searchParams.get("created");
  return json({ fields: await listCustomFields(context.services.db), canEdit: me.role === "admin", created });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const db = context.services.db;
  const ctx = { actor: { userId: me.id, ip: context.clientIp }, source: "ui" as const };
  if (form.get("intent") === "move") {
    const id = Number(form.get("id"));
    const position = Number(form.get("position"));
    if (!Number.isInteger(id) || !Number.isInteger(position) || position < 0) return json({ intent: "move" as const, errors: [{ field: "position", reason: msg("admin.notPlaceInList") }] }, 400);
    const out = await updateCustomField(db, { id }, { position }, ctx);
    if (!out.ok) return json({ intent: "move" as const, errors: out.kind === "missing" ? [{ field: "id", reason: msg("admin.notCustomField") }] : out.errors }, 400);
    return json({ intent: "move" as const, errors: [] });
  }
  const out = await createCustomField(db, fieldFromForm(form, true), ctx);
  if (!out.ok) return json({ intent: "create" as const, errors: out.kind === "missing" ? [] : out.errors }, 400);
  return redirect(`/admin/fields?created=${encodeURIComponent(out.value.key)}`);
}

export default function CustomFields() {
  const { fields, canEdit, created } = useLoaderData<typeof loader>();
  const { t } = useTranslation("definitions");
  const answer = useActionData<typeof action>();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">{t("fields.title")}</h1>
        <p className="text-sm text-slate-500">{t("fields.subtitle")}</p>
      </div>
      {!canEdit && <Notice tone="warning">{t("readOnly")}</Notice>}
      {created && !answer && <Notice tone="success">{t("fields.created", { key: created })}</Notice>}
      {answer?.intent === "move" && answer.errors.length > 0 && <ErrorSummary errors={answer.errors} />}
      <div className="card overflow-hidden p-0">
        <DataTable
          testId="custom-fields-table"
          rows={fields}
          rowKey={(f) => f.id}
          rowProps={(f) => ({ "data-testid": `field-${f.key}` })}
          empty={<p className="p-6 text-sm text-slate-600">{t("fields.empty")}</p>}
          columns={[
            {
              key: "label",
              header: t("fields.label"),
              primary: true,
              cell: (f) => (
                <>
                  <Link to={`/admin/fields/${f.id}`} className="font-medium text-indigo-700 hover:underline">
                    {f.label}
                  </Link>
                  <div className="font-mono text-xs text-slate-500">{f.key}</div>
                </>
              ),
            },
            { key: "type", header: t("fields.type"), cell: (f) => t(`types.${f.type}`) },
            {
              key: "options",
              header: t("fields.options"),
              cell: (f) =>
                f.options.length ? (
                  <div className="flex max-w-xs flex-wrap justify-end gap-1 md:justify-start">
                    {f.options.map((o) => (
                      <span key={o} className="badge">
                        {o}
                      </span>
                    ))}
                  </div>
                ) : (
                  "—"
                ),
            },
            { key: "values", header: t("fields.values"), align: "right", className: "tabular-nums", cell: (f) => f.valueCount },
            ...(canEdit
              ? [
                  {
                    key: "order",
                    header: t("order"),
                    srOnlyHeader: true,
                    align: "right" as const,
                    cell: (f: (typeof fields)[number]) => <MoveButtons id={f.id} index={fields.indexOf(f)} count={fields.length} name={f.label} />,
                  },
                ]
              : []),
          ]}
        />
      </div>
      {canEdit && <CreateFieldCard key={created ?? ""} errors={answer?.intent === "create" ? answer.errors : []} />}
    </div>
  );
}

function CreateFieldCard({ errors }: { errors: Array<{ field: string; reason: string }> }) {
  const { t } = useTranslation("definitions");
  const navigation = useNavigation();
  const [type, setType] = useState<string>("text");
  const byField = errorsByField(errors);
  return (
    <section className="card max-w-3xl" aria-labelledby="new-field-title">
      <h2 id="new-field-title" className="text-base font-semibold text-slate-900">
        {t("fields.createTitle")}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{t("fields.createHint")}</p>
      {errors.length > 0 && <ErrorSummary errors={errors} />}
      <Form method="post" className="mt-3 grid gap-4 sm:grid-cols-2" data-testid="new-field-form">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="create" />
        <div>
          <label className="label" htmlFor="field-key">
            {t("key")}
          </label>
          <input id="field-key" name="key" className="input mt-1 font-mono" autoComplete="off" spellCheck={false} placeholder="clothing_size" aria-invalid={byField.key ? true : undefined} />
          <p className="mt-1 text-xs text-slate-500">{t("keyHelp")}</p>
          <FieldProblems reasons={byField.key} />
        </div>
        <div>
          <label className="label" htmlFor="field-label">
            {t("fields.label")}
          </label>
          <input id="field-label" name="label" className="input mt-1" autoComplete="off" aria-invalid={byField.label ? true : undefined} />
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
          <FieldProblems reasons={byField.type} />
        </div>
        <div className={type === "select" ? "" : "hidden sm:block sm:invisible"}>
          <label className="label" htmlFor="field-options">
            {t("fields.optionsLines")}
          </label>
          <textarea id="field-options" name="options" rows={4} className="input mt-1" disabled={type !== "select"} aria-invalid={byField.options ? true : undefined} />
          <p className="mt-1 text-xs text-slate-500">{t("fields.optionsHelp")}</p>
          <FieldProblems reasons={Object.entries(byField).filter(([k]) => k.startsWith("options")).flatMap(([, v]) => v)} />
        </div>
        <div className="sm:col-span-2">
          <button type="submit" className="btn" disabled={navigation.state !== "idle"}>
            {t("fields.create")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
