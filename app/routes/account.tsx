import { json, type HeadersFunction, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { commitUserSession, requireUser } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { loginSucceeded, takeLoginAttempt } from "~/auth/login-limiter.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { supportedLngs } from "~/i18n";
import { changeOwnPassword, getStoreSettings, passwordWeakness, setUserLocale } from "~/domain/admin.server";
import { FieldError, Notice } from "./admin.ui/parts";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("account")) }];

const PasswordSchema = z
  .object({
    intent: z.literal("password"),
    currentPassword: z.string({ error: "auth:account.errors.current" }).max(1000),
    newPassword: z.string({ error: "auth:account.errors.newShort" }).min(10, "auth:account.errors.newShort").max(200, "auth:account.errors.newLong"),
    repeatPassword: z.string({ error: "auth:account.errors.repeat" }),
  })
  .superRefine((v, ctx) => {
    if (v.newPassword !== v.repeatPassword) ctx.addIssue({ code: "custom", path: ["repeatPassword"], message: "auth:account.errors.repeat" });
    if (v.newPassword === v.currentPassword) ctx.addIssue({ code: "custom", path: ["newPassword"], message: "auth:account.errors.same" });
  });

// "" follows the store's language
const LanguageSchema = z.object({
  intent: z.literal("language"),
  locale: z.enum(["", ...supportedLngs], { error: "auth:account.errors.language" }).optional(),
});

// a refused attempt's Retry-After reaches the browser on a full page load too, not only on a fetch
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const store = await getStoreSettings(context.services.db);
  return json({ user, storeLocale: store.locale });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request, context);
  const db = context.services.db;
  if (form.get("intent") === "language") {
    const submission = parseWithZod(form, { schema: LanguageSchema });
    if (submission.status !== "success") return json({ intent: "language" as const, result: submission.reply() }, { status: 400 });
    await setUserLocale(db, user.id, submission.value.locale || null);
    return json({ intent: "language" as const, result: submission.reply(), saved: true });
  }

  const submission = parseWithZod(form, { schema: PasswordSchema });
  const hide = { hideFields: ["currentPassword", "newPassword", "repeatPassword"] };
  if (submission.status !== "success") return json({ intent: "password" as const, result: submission.reply(hide) }, { status: 400 });
  const weakness = passwordWeakness(submission.value.newPassword, [user.name, user.email]);
  if (weakness) {
    return json({ intent: "password" as const, result: submission.reply({ ...hide, fieldErrors: { newPassword: [`auth:account.errors.newWeak.${weakness}`] } }) }, { status: 400 });
  }
  // the current password is a login secret: guessing it from a borrowed session is slowed down as at the login form
  const ip = context.clientIp;
  const attempt = await takeLoginAttempt(context.services, user.email, ip);
  if (!attempt.allowed) {
    return json(
      { intent: "password" as const, result: submission.reply({ ...hide, fieldErrors: { currentPassword: ["auth:account.errors.tooMany"] } }) },
      { status: 429, headers: { "Retry-After": String(attempt.retryAfterS) } },
    );
  }
  const { currentPassword, newPassword } = submission.value;
  const out = await changeOwnPassword(db, { userId: user.id, currentPassword, newPassword }, { userId: user.id, ip });
  if (!out.ok) {
    return json({ intent: "password" as const, result: submission.reply({ ...hide, fieldErrors: { currentPassword: ["auth:account.errors.current"] } }) }, {
      status: 400,
    });
  }
  await loginSucceeded(context.services, user.email, ip);
  // this session carries on with the new password; every other session of this user has ended
  const cookie = await commitUserSession(request, context, user.id);
  return json({ intent: "password" as const, result: submission.reply({ resetForm: true }), saved: true }, { headers: { "Set-Cookie": cookie } });
}

export default function Account() {
  const { user, storeLocale } = useLoaderData<typeof loader>();
  const { t } = useTranslation("auth");
  const { t: tc } = useTranslation();
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="page-title">{t("account.title")}</h1>
        <p className="text-sm text-slate-500">
          {user.name} · {user.email} · {tc(`roles.${user.role}`)}
        </p>
      </div>
      <PasswordCard />
      <LanguageCard locale={user.locale} storeLocale={storeLocale} />
    </div>
  );
}

function PasswordCard() {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("auth");
  const mine = actionData?.intent === "password" ? actionData : undefined;
  const [form, fields] = useForm({
    id: "own-password",
    lastResult: mine?.result,
    constraint: getZodConstraint(PasswordSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PasswordSchema }),
  });
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "password";
  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title" className="text-base font-semibold text-slate-900">
        {t("account.passwordTitle")}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{t("account.passwordHint")}</p>
      {mine && "saved" in mine && (
        <div className="mb-4">
          <Notice tone="success">{t("account.passwordChanged")}</Notice>
        </div>
      )}
      <Form method="post" {...getFormProps(form)} className="grid gap-4 sm:grid-cols-3">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="password" />
        {(["currentPassword", "newPassword", "repeatPassword"] as const).map((name) => (
          <div key={name}>
            <label className="label" htmlFor={fields[name].id}>
              {t(`account.${name}`)}
            </label>
            <input
              className="input mt-1"
              autoComplete={name === "currentPassword" ? "current-password" : "new-password"}
              {...getInputProps(fields[name], { type: "password" })}
            />
            <FieldError id={fields[name].errorId} errors={fields[name].errors} />
          </div>
        ))}
        <div className="sm:col-span-3">
          <button type="submit" className="btn" disabled={busy}>
            {t("account.changePassword")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function LanguageCard({ locale, storeLocale }: { locale: string | null; storeLocale: string }) {
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("auth");
  const mine = actionData?.intent === "language" ? actionData : undefined;
  const [form, fields] = useForm({
    id: "own-language",
    lastResult: mine?.result,
    defaultValue: { locale: locale ?? "" },
    constraint: getZodConstraint(LanguageSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LanguageSchema }),
  });
  const nameOf = (tag: string) => {
    try {
      return new Intl.DisplayNames([tag], { type: "language" }).of(tag) ?? tag;
    } catch {
      return tag;
    }
  };
  return (
    <section className="card" aria-labelledby="language-title">
      <h2 id="language-title" className="text-base font-semibold text-slate-900">
        {t("account.languageTitle")}
      </h2>
      <p className="mb-4 text-sm text-slate-500">{t("account.languageHint")}</p>
      {mine && "saved" in mine && (
        <div className="mb-4">
          <Notice tone="success">{t("account.languageSaved")}</Notice>
        </div>
      )}
      <Form method="post" {...getFormProps(form)} className="flex flex-wrap items-end gap-3">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="language" />
        <div>
          <label className="label" htmlFor={fields.locale.id}>
            {t("account.language")}
          </label>
          <select className="input mt-1 w-64 bg-white" {...getSelectProps(fields.locale)}>
            <option value="">{t("account.storeLanguage", { language: nameOf(storeLocale) })}</option>
            {supportedLngs.map((lng) => (
              <option key={lng} value={lng}>
                {nameOf(lng)}
              </option>
            ))}
          </select>
          <FieldError id={fields.locale.errorId} errors={fields.locale.errors} />
        </div>
        <button type="submit" className="btn-secondary">
          {t("account.saveLanguage")}
        </button>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
