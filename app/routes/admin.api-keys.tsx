import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getCollectionProps, getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { DataTable } from "~/components/ui/DataTable";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime } from "~/format";
import { createApiKey, listApiKeys, revokeApiKey } from "~/domain/admin.server";
import { API_SCOPES } from "../../models/api-scopes";
import { ConfirmForm, CopyField, FieldError, Notice } from "./admin.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("apiKeys")) }];

const CreateKeySchema = z.object({
  intent: z.literal("create"),
  name: z.string({ error: "admin:apiKeys.errors.name" }).trim().min(1, "admin:apiKeys.errors.name").max(200, "admin:apiKeys.errors.nameLong"),
  scopes: z.array(z.enum(API_SCOPES, { error: "admin:apiKeys.errors.scope" })).min(1, "admin:apiKeys.errors.scopes"),
});
const RevokeSchema = z.object({ intent: z.literal("revoke"), keyId: z.coerce.number().int().positive() });

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin");
  const db = context.services.db;
  const [keys, store] = await Promise.all([listApiKeys(db), getStoreForReader(request, context)]);
  return json({ keys, store });
}

/** Every answer of this page's action has this one shape. */
interface ApiKeysActionData {
  intent: "create" | "revoke";
  result?: SubmissionResult<string[]>;
  /** The new key with its secret, shown once. */
  created?: { id: number; name: string; secret: string };
  revoked?: boolean;
}

const answer = (data: ApiKeysActionData, status = 200) => json(data, { status });

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const db = context.services.db;
  const actor = { userId: me.id, ip: context.clientIp };
  if (form.get("intent") === "revoke") {
    const parsed = RevokeSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return answer({ intent: "revoke", revoked: false }, 400);
    const revoked = await revokeApiKey(db, parsed.data.keyId, actor);
    return answer({ intent: "revoke", revoked }, revoked ? 200 : 409);
  }
  const submission = parseWithZod(form, { schema: CreateKeySchema });
  if (submission.status !== "success") return answer({ intent: "create", result: submission.reply() }, 400);
  const { name, scopes } = submission.value;
  const { id, secret } = await createApiKey(db, { name, scopes }, actor);
  return answer({ intent: "create", result: submission.reply({ resetForm: true }), created: { id, name, secret } });
}

export default function ApiKeys() {
  const { keys, store } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("admin");
  const when = (value: string | null) => formatDateTime(value, store.locale, store.timeZone);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">{t("apiKeys.title")}</h1>
        <p className="text-sm text-slate-500">{t("apiKeys.subtitle")}</p>
      </div>
      {actionData?.created && (
        <Notice tone="warning" testId="shown-once">
          <p className="mb-2 font-medium">{t("apiKeys.createdTitle", { name: actionData.created.name })}</p>
          <CopyField value={actionData.created.secret} label={t("apiKeys.secret")} testId="new-api-key" />
          <p className="mt-2">{t("apiKeys.shownOnce")}</p>
          <p className="mt-1 font-mono text-xs">Authorization: Bearer {actionData.created.secret.slice(0, 12)}…</p>
        </Notice>
      )}
      {actionData?.intent === "revoke" && (
        <Notice tone={actionData.revoked ? "success" : "error"}>{t(actionData.revoked ? "apiKeys.revoked" : "apiKeys.notRevoked")}</Notice>
      )}
      <div className="card overflow-hidden p-0">
        {keys.length === 0 ? (
          <div className="p-6 text-sm text-slate-600">
            <p className="font-medium text-slate-800">{t("apiKeys.emptyTitle")}</p>
            <p className="mt-1">{t("apiKeys.empty")}</p>
          </div>
        ) : (
          <DataTable
            testId="api-keys-table"
            rows={keys}
            rowKey={(k) => k.id}
            rowProps={(k) => ({ className: k.revokedAt ? "bg-slate-50 text-slate-500" : "", "data-testid": `api-key-${k.prefix}` })}
            columns={[
              {
                key: "name",
                header: t("apiKeys.name"),
                primary: true,
                cell: (k) => (
                  <>
                    <div className="font-medium text-slate-900">{k.name}</div>
                    <div className="font-mono text-xs text-slate-500">{k.prefix}_…</div>
                  </>
                ),
              },
              {
                key: "scopes",
                header: t("apiKeys.scopes"),
                cell: (k) => (
                  <div className="flex max-w-xs flex-wrap justify-end gap-1 md:justify-start">
                    {k.scopes.map((s) => (
                      <span key={s} className="badge font-mono">
                        {s}
                      </span>
                    ))}
                  </div>
                ),
              },
              {
                key: "created",
                header: t("apiKeys.created"),
                className: "whitespace-nowrap",
                cell: (k) => (
                  <>
                    <div>{when(k.createdAt)}</div>
                    <div className="text-xs text-slate-500">{k.createdBy ?? "—"}</div>
                  </>
                ),
              },
              { key: "lastUsed", header: t("apiKeys.lastUsed"), className: "whitespace-nowrap", cell: (k) => (k.lastUsedAt ? when(k.lastUsedAt) : t("apiKeys.neverUsed")) },
              {
                key: "status",
                header: t("apiKeys.status"),
                cell: (k) =>
                  k.revokedAt ? (
                    <span className="badge" title={when(k.revokedAt)}>
                      {t("apiKeys.revokedAt", { when: when(k.revokedAt) })}
                    </span>
                  ) : (
                    <span className="badge bg-emerald-50 text-emerald-700">{t("apiKeys.active")}</span>
                  ),
              },
              {
                key: "actions",
                header: t("users.actions"),
                srOnlyHeader: true,
                align: "right",
                cell: (k) =>
                  !k.revokedAt && (
                    <ConfirmForm
                      fields={{ keyId: k.id }}
                      label={t("apiKeys.revoke")}
                      question={t("apiKeys.revokeQuestion", { name: k.name })}
                      confirmLabel={t("apiKeys.revokeConfirm")}
                      danger
                      name="intent"
                      value="revoke"
                    />
                  ),
              },
            ]}
          />
        )}
      </div>
      <CreateKeyCard />
    </div>
  );
}

function CreateKeyCard() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const [form, fields] = useForm({
    id: "create-api-key",
    lastResult: actionData?.result,
    constraint: getZodConstraint(CreateKeySchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateKeySchema }),
  });
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "create";
  return (
    <section className="card max-w-3xl" aria-labelledby="create-key-title">
      <h2 id="create-key-title" className="text-base font-semibold text-slate-900">
        {t("apiKeys.createTitle")}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{t("apiKeys.createHint")}</p>
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="create" />
        <div className="max-w-sm">
          <label className="label" htmlFor={fields.name.id}>
            {t("apiKeys.name")}
          </label>
          <input className="input mt-1" autoComplete="off" placeholder={t("apiKeys.namePlaceholder")} {...getInputProps(fields.name, { type: "text" })} />
          <FieldError id={fields.name.errorId} errors={fields.name.errors} />
        </div>
        <fieldset>
          <legend className="label">{t("apiKeys.scopes")}</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {getCollectionProps(fields.scopes, { type: "checkbox", options: [...API_SCOPES] }).map(({ key, ...props }) => (
              <label key={key} className="flex items-start gap-2 rounded-md border border-slate-200 p-2 text-sm hover:bg-slate-50">
                <input {...props} className="mt-0.5 text-indigo-600" />
                <span>
                  <span className="block font-mono text-xs font-medium text-slate-800">{props.value}</span>
                  <span className="block text-slate-500">{t(`apiKeys.scopeHelp.${props.value.replace(":", "_")}`)}</span>
                </span>
              </label>
            ))}
          </div>
          <FieldError id={fields.scopes.errorId} errors={fields.scopes.errors} />
        </fieldset>
        <button type="submit" className="btn" disabled={busy}>
          {t("apiKeys.create")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
