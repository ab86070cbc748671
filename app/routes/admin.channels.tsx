import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime } from "~/format";
import { clearChannelSettings, describeChannels, saveChannelSettings, sendTestMessage } from "~/domain/channels.server";
import { CHANNEL_FIELDS, saveFormSchema, testFormSchema, type SettingField } from "../../campaigns/channels/settings-schema";
import type { ChannelName, SendFailureKind } from "../../campaigns/channels/channel";
import { ConfirmForm, FieldError, Notice } from "./admin.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("channels")) }];

/** The channels in the order the page shows them (models' CHANNELS, which the browser bundle need not import). */
const CHANNEL_ORDER = ["email", "sms", "messenger", "viber"] as const satisfies readonly ChannelName[];

const TargetSchema = z.object({ intent: z.enum(["save", "clear", "test"]), channel: z.enum(CHANNEL_ORDER) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin");
  const { db, config } = context.services;
  const [channels, store] = await Promise.all([describeChannels(db, config.channels ?? {}, config.sessionSecret), getStoreForReader(request, context)]);
  return json({ channels, store });
}

/** Every answer of this page's action has this one shape; the channel says which card it belongs to. */
interface ChannelsActionData {
  intent: "save" | "clear" | "test" | null;
  channel: ChannelName | null;
  result?: SubmissionResult<string[]>;
  changed?: number;
  cleared?: boolean;
  test?: { ok: true; provider: string; providerMessageId: string } | { ok: false; provider: string; kind: SendFailureKind; reason: string };
  testError?: string;
}

const answer = (data: ChannelsActionData, status = 200) => json(data, { status });

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const { db, config } = context.services;
  const env = config.channels ?? {};
  const actor = { userId: me.id, ip: context.clientIp };
  const target = TargetSchema.safeParse({ intent: form.get("intent"), channel: form.get("channel") });
  if (!target.success) return answer({ intent: null, channel: null, testError: "channels.errors.badRequest" }, 400);
  const { intent, channel } = target.data;
  const now = new Date();
  // a secret typed into a form that fails goes back to nobody: conform leaves hidden fields out of its reply
  const secretFields = CHANNEL_FIELDS[channel].filter((f) => f.secret).map((f) => f.name);

  if (intent === "clear") {
    const { cleared } = await clearChannelSettings(db, channel, actor, now);
    return answer({ intent, channel, cleared }, cleared ? 200 : 409);
  }
  if (intent === "test") {
    const parsed = testFormSchema(channel).safeParse(Object.fromEntries(form));
    if (!parsed.success) return answer({ intent, channel, testError: String(parsed.error.issues[0]?.message ?? "channels.errors.badRequest") }, 400);
    const test = await sendTestMessage(db, env, config.sessionSecret, channel, parsed.data.address, actor, now);
    return answer({ intent, channel, test });
  }
  const submission = parseWithZod(form, { schema: saveFormSchema(channel) });
  if (submission.status !== "success") return answer({ intent, channel, result: submission.reply({ hideFields: secretFields }) }, 400);
  const { intent: _intent, channel: _channel, ...values } = submission.value;
  const saved = await saveChannelSettings(db, channel, values, actor, config.sessionSecret, now);
  if (!saved.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(saved.errors).map(([field, error]) => [field, [error]]));
    return answer({ intent, channel, result: submission.reply({ fieldErrors, hideFields: secretFields }) }, 400);
  }
  return answer({ intent, channel, result: submission.reply({ resetForm: true, hideFields: secretFields }), changed: saved.changed.length });
}

export default function ChannelsPage() {
  const { channels, store } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ChannelsActionData | undefined;
  const { t } = useTranslation("admin");
  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">{t("channels.title")}</h1>
        <p className="text-sm text-slate-500">{t("channels.subtitle")}</p>
      </div>
      {actionData && <ActionNotice data={actionData} />}
      <div className="grid gap-6 xl:grid-cols-2">
        {channels.map((view) => (
          <ChannelCard
            key={view.channel}
            view={view}
            answer={actionData?.channel === view.channel ? actionData : undefined}
            when={(value: string) => formatDateTime(value, store.locale, store.timeZone)}
          />
        ))}
      </div>
    </div>
  );
}

function ActionNotice({ data }: { data: ChannelsActionData }) {
  const { t } = useTranslation("admin");
  const channel = data.channel ? t(`channels.names.${data.channel}`) : "";
  if (data.intent === "save" && data.changed !== undefined) {
    return <Notice tone="success">{data.changed ? t("channels.saved", { channel, count: data.changed }) : t("channels.unchanged", { channel })}</Notice>;
  }
  if (data.intent === "save") return <Notice tone="error">{t("channels.notSaved", { channel })}</Notice>;
  if (data.intent === "clear") return <Notice tone={data.cleared ? "success" : "error"}>{t(data.cleared ? "channels.removed" : "channels.notRemoved", { channel })}</Notice>;
  if (data.test) {
    const provider = t(`channels.providers.${data.test.provider}`);
    return data.test.ok ? (
      <Notice tone="success" testId="test-result">
        {t("channels.testSent", { channel, provider, id: data.test.providerMessageId })}
      </Notice>
    ) : (
      <Notice tone="error" testId="test-result">
        {t("channels.testFailed", { channel, provider, reason: `${t(`channels.failureKinds.${data.test.kind}`)}: ${data.test.reason}` })}
      </Notice>
    );
  }
  if (data.testError && !data.channel) return <Notice tone="error">{t(data.testError)}</Notice>;
  return null;
}

type View = ReturnType<typeof useLoaderData<typeof loader>>["channels"][number];

function ChannelCard({ view, answer, when }: { view: View; answer?: ChannelsActionData; when: (value: string) => string }) {
  const { t } = useTranslation("admin");
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("channel") === view.channel;
  const channel = view.channel;
  const name = t(`channels.names.${channel}`);
  const [form, fields] = useForm({
    id: `channel-${channel}`,
    lastResult: answer?.intent === "save" ? answer.result : undefined,
    defaultValue: { ...(channel === "email" ? { port: "587", security: "starttls" } : {}), ...view.fields, ratePerSecond: view.savedRatePerSecond === null ? "" : String(view.savedRatePerSecond) },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: saveFormSchema(channel) }),
  });
  const provider = t(`channels.providers.${view.provider}`);
  const sourceTone = view.source === "outbox" ? "bg-amber-50 text-amber-800" : "bg-emerald-50 text-emerald-800";
  const fieldMeta = fields as unknown as Record<string, Parameters<typeof getInputProps>[0]>;
  return (
    <section className="card space-y-4" data-testid={`channel-${channel}`} aria-labelledby={`channel-${channel}-title`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h2 id={`channel-${channel}-title`} className="text-lg font-semibold text-slate-900">
          {name}
        </h2>
        <span className={`badge ${sourceTone}`} data-testid="channel-source" data-source={view.source}>
          {t(`channels.sources.${view.source}`)}
        </span>
      </div>
      <div className="space-y-1 text-sm text-slate-700">
        <p>
          <span className="text-slate-500">{t("channels.active")}: </span>
          <span className="font-medium" data-testid="channel-provider">
            {provider}
          </span>
        </p>
        <p>{t(`channels.explain.${view.source}`, { provider })}</p>
        <p data-testid="channel-rate">
          {t("channels.rate", { rate: view.ratePerSecond })}{" "}
          <span className="text-slate-500">({t(`channels.rateSources.${view.source === "outbox" && view.rateSource === "provider" ? "outbox" : view.rateSource}`)})</span>
        </p>
        {view.updatedAt && <p className="text-xs text-slate-500">{t("channels.updated", { when: when(view.updatedAt) })}</p>}
      </div>
      {view.environment.length > 0 && (
        <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-xs">
          <h3 className="mb-1 font-semibold text-slate-700">{t("channels.environment")}</h3>
          <dl className="grid grid-cols-[auto,1fr] gap-x-3 gap-y-0.5">
            {view.environment.map((e) => (
              <div key={e.variable} className="contents">
                <dt className="font-mono text-slate-500">{e.variable}</dt>
                <dd className="[overflow-wrap:anywhere] font-mono text-slate-800">{e.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      <Form method="post" {...getFormProps(form)} className="space-y-3">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="channel" value={channel} />
        <h3 className="font-semibold text-slate-800">{t("channels.settingsTitle")}</h3>
        <p className="text-xs text-slate-500">{t("channels.settingsHelp")}</p>
        <div className="grid gap-3 sm:grid-cols-2">
          {CHANNEL_FIELDS[channel].map((field) => (
            <SettingInput key={field.name} channel={channel} field={field} meta={fieldMeta[field.name]} secretState={view.secrets[field.name]} />
          ))}
          <div>
            <label className="label" htmlFor={fields.ratePerSecond.id}>
              {t("channels.ratePerSecond")}
            </label>
            <input className="input mt-1" inputMode="numeric" placeholder={t("channels.rateDefault", { rate: view.fallbackRatePerSecond })} {...getInputProps(fields.ratePerSecond, { type: "text" })} />
            <FieldError id={fields.ratePerSecond.errorId} errors={fields.ratePerSecond.errors} />
          </div>
        </div>
        <button type="submit" className="btn" disabled={busy}>
          {t("channels.save")}
        </button>
      </Form>
      {view.hasSavedCredentials && (
        <ConfirmForm
          fields={{ intent: "clear", channel }}
          label={t("channels.remove")}
          question={t("channels.removeQuestion", { channel: name })}
          confirmLabel={t("channels.removeConfirm")}
          danger
        />
      )}
      <Form method="post" className="space-y-2 border-t border-slate-200 pt-4">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="test" />
        <input type="hidden" name="channel" value={channel} />
        <h3 className="font-semibold text-slate-800">{t("channels.testTitle")}</h3>
        <label className="label" htmlFor={`test-${channel}`}>
          {t(`channels.testAddress.${channel}`)}
        </label>
        <div className="flex flex-wrap gap-2">
          <input
            id={`test-${channel}`}
            name="address"
            className="input min-w-0 flex-1"
            type={channel === "email" ? "email" : "text"}
            autoComplete="off"
            required
            aria-invalid={answer?.intent === "test" && answer.testError ? true : undefined}
            aria-describedby={answer?.intent === "test" && answer.testError ? `test-${channel}-error` : undefined}
          />
          <button type="submit" className="btn-secondary" disabled={busy}>
            {t("channels.testSend")}
          </button>
        </div>
        {answer?.intent === "test" && answer.testError && <FieldError id={`test-${channel}-error`} errors={[answer.testError]} />}
      </Form>
    </section>
  );
}

function SettingInput({
  channel,
  field,
  meta,
  secretState,
}: {
  channel: ChannelName;
  field: SettingField;
  meta: Parameters<typeof getInputProps>[0];
  secretState?: "set" | "unset" | "unreadable";
}) {
  const { t } = useTranslation("admin");
  const help = t(`channels.fieldHelp.${channel}.${field.name}`, { defaultValue: "" });
  const helpId = `${meta.id}-help`;
  const label = (
    <label className="label" htmlFor={meta.id}>
      {t(`channels.fields.${field.name}`)}
      {field.required && <span className="ml-1 text-xs font-normal text-slate-500">({t("channels.required")})</span>}
    </label>
  );
  if (field.input === "select") {
    return (
      <div>
        {label}
        <select className="input mt-1 bg-white" {...getSelectProps(meta)}>
          {field.choices?.map((choice) => (
            <option key={choice} value={choice}>
              {t(`channels.securityChoices.${choice}`)}
            </option>
          ))}
        </select>
        <FieldError id={meta.errorId} errors={meta.errors} />
      </div>
    );
  }
  if (field.secret) {
    const state = secretState ?? "unset";
    // never a value: a saved secret is shown as "set" and a blank field keeps it
    const { defaultValue: _never, ...props } = getInputProps(meta, { type: "password", ariaDescribedBy: helpId });
    return (
      <div>
        {label}
        <input className="input mt-1" autoComplete="new-password" placeholder={state === "set" ? "••••••••" : undefined} {...props} />
        <p id={helpId} className={`mt-1 text-xs ${state === "unreadable" ? "text-red-700" : "text-slate-500"}`} data-testid={`secret-${channel}-${field.name}`} data-state={state}>
          {t(state === "set" ? "channels.secretSet" : state === "unreadable" ? "channels.secretUnreadable" : "channels.secretUnset")}
        </p>
        <FieldError id={meta.errorId} errors={meta.errors} />
      </div>
    );
  }
  return (
    <div>
      {label}
      <input
        className="input mt-1"
        autoComplete="off"
        spellCheck={false}
        inputMode={field.input === "number" ? "numeric" : undefined}
        {...getInputProps(meta, { type: field.input === "url" ? "url" : "text", ariaDescribedBy: help ? helpId : undefined })}
      />
      {help && (
        <p id={helpId} className="mt-1 text-xs text-slate-500">
          {help}
        </p>
      )}
      <FieldError id={meta.errorId} errors={meta.errors} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
