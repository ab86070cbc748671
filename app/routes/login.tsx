import { json, type HeadersFunction, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { zmsg } from "../../models/messages";
import { createUserSession, getUser, safeRedirect } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { loginSucceeded, takeLoginAttempt } from "~/auth/login-limiter.server";
import { getFixedT, resolveLocale } from "~/i18n.server";
import { verifyLogin } from "~/domain/users.server";
import { recordAudit } from "~/domain/store.server";
import { pageTitle, titled } from "~/title";

const LoginSchema = z.object({
  email: z.string(zmsg("admin.signInEmail")).trim().toLowerCase().email(zmsg("admin.signInEmailForm")),
  password: z.string(zmsg("admin.signInPassword")).min(1, zmsg("admin.signInPassword")).max(1000),
  redirectTo: z.string().optional(),
});

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("signIn")) }];

// a refused attempt's Retry-After reaches the browser on a full page load too, not only on a fetch
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After");
  return retryAfter ? { "Retry-After": retryAfter } : new Headers();
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(request, context)) throw redirect("/");
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  // nobody is signed in: the form's errors are in the browser's language, else the store's
  await resolveLocale(request, context);
  const form = await readForm(request, context);
  const submission = parseWithZod(form, { schema: LoginSchema });
  if (submission.status !== "success") return json({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  const { email, password, redirectTo } = submission.value;
  const ip = context.clientIp;
  const attempt = await takeLoginAttempt(context.services, email, ip);
  if (!attempt.allowed) {
    const t = await getFixedT(request, context, "auth");
    return json(
      { result: submission.reply({ formErrors: [t("login.tooMany", { count: Math.ceil(attempt.retryAfterS / 60) })], hideFields: ["password"] }) },
      { status: 429, headers: { "Retry-After": String(attempt.retryAfterS) } },
    );
  }
  const user = await verifyLogin(context.services.db, email, password);
  if (!user) {
    const t = await getFixedT(request, context, "auth");
    return json({ result: submission.reply({ formErrors: [t("login.invalid")], hideFields: ["password"] }) }, { status: 401 });
  }
  await loginSucceeded(context.services, email, ip);
  await recordAudit(context.services.db, { userId: user.id, ip }, "user.login");
  return createUserSession(request, context, user.id, safeRedirect(redirectTo));
}

export default function Login() {
  const { t } = useTranslation("auth");
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    constraint: getZodConstraint(LoginSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  });
  return (
    <div className="flex min-h-full items-center justify-center p-6">
      <div className="card w-full max-w-sm">
        <h1 className="page-title mb-4">{t("login.title")}</h1>
        <Form method="post" {...getFormProps(form)} className="space-y-4">
          <AuthenticityTokenInput />
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? "/"} />
          <div>
            <label className="label" htmlFor={fields.email.id}>
              {t("login.email")}
            </label>
            <input className="input mt-1" autoComplete="username" autoFocus {...getInputProps(fields.email, { type: "email" })} />
            {fields.email.errors && <p className="field-error" id={fields.email.errorId}>{fields.email.errors[0]}</p>}
          </div>
          <div>
            <label className="label" htmlFor={fields.password.id}>
              {t("login.password")}
            </label>
            <input className="input mt-1" autoComplete="current-password" {...getInputProps(fields.password, { type: "password" })} />
            {fields.password.errors && <p className="field-error" id={fields.password.errorId}>{fields.password.errors[0]}</p>}
          </div>
          {form.errors && (
            <p className="field-error" role="alert" id={form.errorId}>
              {form.errors[0]}
            </p>
          )}
          <button type="submit" className="btn w-full justify-center" disabled={navigation.state !== "idle"}>
            {t("login.submit")}
          </button>
        </Form>
      </div>
    </div>
  );
}
