import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime } from "~/format";
import {
  addUser,
  changeUserRole,
  generatePassword,
  passwordWeakness,
  listUsers,
  resetUserPassword,
  setUserActive,
} from "~/domain/admin.server";
import { ConfirmForm, ConfirmSubmit, CopyField, FieldError, Notice, ROLE_CHOICES } from "./admin.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("users")) }];

const PASSWORD_MIN = 10;

/** The "add a user" form. Messages are catalogue keys, translated where they are shown. */
const CreateUserSchema = z
  .object({
    intent: z.literal("create"),
    name: z.string({ error: "admin:users.errors.name" }).trim().min(1, "admin:users.errors.name").max(200, "admin:users.errors.nameLong"),
    email: z.string({ error: "admin:users.errors.email" }).trim().toLowerCase().max(254, "admin:users.errors.email").pipe(z.email("admin:users.errors.email")),
    role: z.enum(ROLE_CHOICES, { error: "admin:users.errors.role" }),
    passwordMode: z.enum(["generate", "typed"], { error: "admin:users.errors.passwordMode" }),
    password: z.string().min(PASSWORD_MIN, "admin:users.errors.passwordShort").max(200, "admin:users.errors.passwordLong").optional(),
  })
  .superRefine((value, ctx) => {
    if (value.passwordMode === "typed" && !value.password) ctx.addIssue({ code: "custom", path: ["password"], message: "admin:users.errors.passwordMissing" });
  });

const userId = z.coerce.number({ error: "admin:users.errors.user" }).int().positive("admin:users.errors.user");
const RoleSchema = z.object({ intent: z.literal("role"), userId, role: z.enum(ROLE_CHOICES, { error: "admin:users.errors.role" }) });
const UserOnlySchema = z.object({ intent: z.enum(["deactivate", "reactivate", "reset"]), userId });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const db = context.services.db;
  const [users, store] = await Promise.all([listUsers(db), getStoreForReader(request, context)]);
  return json({ me, users, store });
}

type Refusal = "not_found" | "self" | "last_admin" | "email_taken" | "bad_request";

/** Every answer of this page's action has this one shape, so the page reads it without guessing. */
interface UsersActionData {
  intent: string;
  /** The add-user form's state (conform). */
  result?: SubmissionResult<string[]>;
  created?: { name: string; email: string; password: string | null };
  /** The user the action changed. */
  done?: number;
  /** A generated password, shown once. */
  password?: string;
  refusal?: Refusal;
}

const answer = (data: UsersActionData, status = 200) => json(data, { status });

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const db = context.services.db;
  const actor = { userId: me.id, ip: context.clientIp };
  const intent = String(form.get("intent"));
  const refuse = (refusal: Refusal, status = 409) => answer({ intent, refusal }, status);

  switch (intent) {
    case "create": {
      const submission = parseWithZod(form, { schema: CreateUserSchema });
      if (submission.status !== "success") return answer({ intent, result: submission.reply({ hideFields: ["password"] }) }, 400);
      const { name, email, role, passwordMode } = submission.value;
      const weakness = passwordMode === "typed" ? passwordWeakness(submission.value.password!, [name, email]) : null;
      if (weakness) {
        return answer({ intent, result: submission.reply({ fieldErrors: { password: [`admin:users.errors.passwordWeak.${weakness}`] }, hideFields: ["password"] }) }, 400);
      }
      const password = passwordMode === "typed" ? submission.value.password! : generatePassword();
      const out = await addUser(db, { name, email, role, password }, actor);
      if (!out.ok) return answer({ intent, result: submission.reply({ fieldErrors: { email: ["admin:users.errors.emailTaken"] }, hideFields: ["password"] }) }, 409);
      // a typed password is already known to the admin; only a generated one is shown, once
      const shown = passwordMode === "generate" ? password : null;
      return answer({ intent, result: submission.reply({ resetForm: true }), created: { name: out.user.name, email: out.user.email, password: shown } });
    }
    case "role": {
      const parsed = RoleSchema.safeParse(Object.fromEntries(form));
      if (!parsed.success) return refuse("bad_request", 400);
      const out = await changeUserRole(db, { userId: parsed.data.userId, role: parsed.data.role }, actor);
      return out.ok ? answer({ intent, done: parsed.data.userId }) : refuse(out.reason);
    }
    case "deactivate":
    case "reactivate":
    case "reset": {
      const parsed = UserOnlySchema.safeParse(Object.fromEntries(form));
      if (!parsed.success) return refuse("bad_request", 400);
      const target = parsed.data.userId;
      if (intent === "reset") {
        const password = generatePassword();
        const out = await resetUserPassword(db, { userId: target, password }, actor);
        return out.ok ? answer({ intent, done: target, password }) : refuse(out.reason);
      }
      const out = await setUserActive(db, { userId: target, isActive: intent === "reactivate" }, actor);
      return out.ok ? answer({ intent, done: target }) : refuse(out.reason);
    }
    default:
      return refuse("bad_request", 400);
  }
}

export default function Users() {
  const { me, users, store } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("admin");
  const { t: tc } = useTranslation();
  const nameOf = (id: number) => users.find((u) => u.id === id)?.name ?? `#${id}`;
  const emailOf = (id: number) => users.find((u) => u.id === id)?.email ?? "";

  let notice: React.ReactNode = null;
  if (actionData?.refusal) {
    notice = <Notice tone="error">{t(`users.refusals.${actionData.refusal}`)}</Notice>;
  } else if (actionData?.created?.password) {
    const c = actionData.created;
    notice = (
      <Notice tone="warning" testId="shown-once">
        <p className="mb-2 font-medium">{t("users.createdWithPassword", { name: c.name, email: c.email })}</p>
        <CopyField value={c.password!} label={t("users.newPassword")} testId="new-password" />
        <p className="mt-2">{t("users.passwordShownOnce")}</p>
      </Notice>
    );
  } else if (actionData?.created) {
    notice = <Notice tone="success">{t("users.created", { name: actionData.created.name, email: actionData.created.email })}</Notice>;
  } else if (actionData?.password && actionData.done) {
    notice = (
      <Notice tone="warning" testId="shown-once">
        <p className="mb-2 font-medium">{t("users.passwordReset", { name: nameOf(actionData.done), email: emailOf(actionData.done) })}</p>
        <CopyField value={actionData.password} label={t("users.newPassword")} testId="new-password" />
        <p className="mt-2">{t("users.passwordShownOnce")}</p>
      </Notice>
    );
  } else if (actionData?.done) {
    notice = <Notice tone="success">{t(`users.done.${actionData.intent}`, { name: nameOf(actionData.done) })}</Notice>;
  }

  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">{t("users.title")}</h1>
        <p className="text-sm text-slate-500">{t("users.subtitle")}</p>
      </div>
      {notice}
      <div className="card overflow-hidden p-0">
        <DataTable
          testId="users-table"
          rows={users}
          rowKey={(u) => u.id}
          rowProps={(u) => ({ className: u.isActive ? "" : "bg-slate-50 text-slate-500", "data-testid": `user-${u.email}` })}
          columns={userColumns({ t, tc, meId: me.id, lastLogin: (u) => formatDateTime(u.lastLoginAt, store.locale, store.timeZone) })}
        />
      </div>
      <CreateUserCard />
    </div>
  );
}

type UserListRow = { id: number; name: string; email: string; role: (typeof ROLE_CHOICES)[number]; isActive: boolean; lastLoginAt: string | null };

function userColumns({
  t,
  tc,
  meId,
  lastLogin,
}: {
  t: TFunction<"admin">;
  tc: TFunction;
  meId: number;
  lastLogin: (user: UserListRow) => string;
}): Array<Column<UserListRow>> {
  return [
    {
      key: "name",
      header: t("users.name"),
      primary: true,
      cell: (user) => {
        const isMe = user.id === meId;
        return (
          <>
            <div className="font-medium text-slate-900">
              {user.name} {isMe && <span className="badge ml-1">{t("users.you")}</span>}
            </div>
            <div className="[overflow-wrap:anywhere] text-xs text-slate-500">{user.email}</div>
          </>
        );
      },
    },
    {
      key: "role",
      header: t("users.role"),
      cell: (user) => {
        const isMe = user.id === meId;
        return (
          <>
            {isMe ? (
              <span title={t("users.cannotChangeSelf")}>{tc(`roles.${user.role}`)}</span>
            ) : (
              <Form method="post" className="flex items-center gap-2">
                <AuthenticityTokenInput />
                <input type="hidden" name="intent" value="role" />
                <input type="hidden" name="userId" value={user.id} />
                <select name="role" defaultValue={user.role} aria-label={t("users.roleOf", { name: user.name })} className="input w-auto bg-white py-1">
                  {ROLE_CHOICES.map((r) => (
                    <option key={r} value={r}>
                      {tc(`roles.${r}`)}
                    </option>
                  ))}
                </select>
                <button type="submit" className="btn-secondary">
                  {t("users.changeRole")}
                </button>
              </Form>
            )}
          </>
        );
      },
    },
    {
      key: "status",
      header: t("users.status"),
      cell: (user) => (
        <>
          {user.isActive ? (
            <span className="badge bg-emerald-50 text-emerald-700">{t("users.active")}</span>
          ) : (
            <span className="badge">{t("users.deactivated")}</span>
          )}
        </>
      ),
    },
    { key: "lastLogin", header: t("users.lastLogin"), className: "whitespace-nowrap", cell: (user) => (user.lastLoginAt ? lastLogin(user) : t("users.never")) },
    {
      key: "actions",
      header: t("users.actions"),
      srOnlyHeader: true,
      align: "right",
      cell: (user) => {
        const isMe = user.id === meId;
        return (
          <>
            <div className="flex flex-wrap justify-end gap-2">
              <ConfirmForm
                fields={{ userId: user.id }}
                label={t("users.resetPassword")}
                question={t("users.resetQuestion", { name: user.name })}
                confirmLabel={t("users.resetConfirm")}
                name="intent"
                value="reset"
              />
              {!isMe && (
                <Form method="post">
                  <AuthenticityTokenInput />
                  <input type="hidden" name="userId" value={user.id} />
                  {user.isActive ? (
                    <ConfirmSubmit
                      label={t("users.deactivate")}
                      question={t("users.deactivateQuestion", { name: user.name })}
                      confirmLabel={t("users.deactivateConfirm")}
                      danger
                      name="intent"
                      value="deactivate"
                    />
                  ) : (
                    <button type="submit" name="intent" value="reactivate" className="btn-secondary">
                      {t("users.reactivate")}
                    </button>
                  )}
                </Form>
              )}
            </div>
          </>
        );
      },
    },
  ];
}

function CreateUserCard() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const { t: tc } = useTranslation();
  const [form, fields] = useForm({
    id: "create-user",
    lastResult: actionData?.result,
    constraint: getZodConstraint(CreateUserSchema),
    defaultValue: { role: "marketer", passwordMode: "generate" },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateUserSchema }),
  });
  const typed = fields.passwordMode.value === "typed";
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "create";
  return (
    <section className="card max-w-3xl" aria-labelledby="create-user-title">
      <h2 id="create-user-title" className="text-base font-semibold text-slate-900">
        {t("users.addTitle")}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{t("users.addHint")}</p>
      <Form method="post" {...getFormProps(form)} className="grid gap-4 sm:grid-cols-2">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="create" />
        <div>
          <label className="label" htmlFor={fields.name.id}>
            {t("users.name")}
          </label>
          <input className="input mt-1" autoComplete="off" {...getInputProps(fields.name, { type: "text" })} />
          <FieldError id={fields.name.errorId} errors={fields.name.errors} />
        </div>
        <div>
          <label className="label" htmlFor={fields.email.id}>
            {t("users.email")}
          </label>
          <input className="input mt-1" autoComplete="off" {...getInputProps(fields.email, { type: "email" })} />
          <FieldError id={fields.email.errorId} errors={fields.email.errors} />
        </div>
        <div>
          <label className="label" htmlFor={fields.role.id}>
            {t("users.role")}
          </label>
          <select className="input mt-1 bg-white" {...getSelectProps(fields.role, { ariaDescribedBy: `${fields.role.id}-help` })}>
            {ROLE_CHOICES.map((r) => (
              <option key={r} value={r}>
                {tc(`roles.${r}`)}
              </option>
            ))}
          </select>
          <p className="mt-1 text-xs text-slate-500" id={`${fields.role.id}-help`}>
            {t(`users.roleHelp.${fields.role.value ?? "marketer"}`)}
          </p>
          <FieldError id={fields.role.errorId} errors={fields.role.errors} />
        </div>
        <fieldset>
          <legend className="label">{t("users.password")}</legend>
          <div className="mt-1 space-y-1 text-sm">
            {(["generate", "typed"] as const).map((mode) => (
              <label key={mode} className="flex items-center gap-2">
                <input
                  type="radio"
                  name={fields.passwordMode.name}
                  value={mode}
                  defaultChecked={fields.passwordMode.initialValue === mode}
                  className="text-indigo-600"
                />
                {t(`users.passwordModes.${mode}`)}
              </label>
            ))}
          </div>
          {typed && (
            <div className="mt-2">
              <label className="sr-only" htmlFor={fields.password.id}>
                {t("users.password")}
              </label>
              <input className="input" autoComplete="new-password" placeholder={t("users.passwordPlaceholder")} {...getInputProps(fields.password, { type: "password" })} />
            </div>
          )}
          <FieldError id={fields.password.errorId} errors={fields.password.errors} />
        </fieldset>
        <div className="sm:col-span-2">
          <button type="submit" className="btn" disabled={busy}>
            {t("users.add")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
