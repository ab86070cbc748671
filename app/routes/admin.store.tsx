import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime, formatMoney } from "~/format";
import { getMarketingSettings, getStoreSettings, updateMarketingSettings, updateStoreSettings } from "~/domain/admin.server";
import { getExportSettings, updateExportSettings } from "~/domain/exports.server";
import { JOB_FROM_ROWS_RANGE, KEEP_HOURS_RANGE } from "../../models/exports/columns";
import { FieldError, Notice } from "./admin.ui/parts";
import { getHistoryRetentionDays, updateHistoryRetention } from "~/domain/feeds.server";
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from "../../models/segments/retention-limits";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("store")) }];

/** An IANA zone name ("Europe/Sofia", "UTC"), returned in its canonical spelling; offsets like "+02:00" are not zones. */
function canonicalTimeZone(value: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return null;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function isCurrency(value: string): boolean {
  return /^[A-Z]{3}$/.test(value) && Intl.supportedValuesOf("currency").includes(value);
}

/** A BCP 47 tag that Intl can format with ("bg-BG", "el", "en-GB"), in its canonical spelling. */
function canonicalLocale(value: string): string | null {
  try {
    const [tag] = Intl.getCanonicalLocales(value);
    return tag && Intl.NumberFormat.supportedLocalesOf(tag).length > 0 ? tag : null;
  } catch {
    return null;
  }
}

const StoreSettingsSchema = z.object({
  name: z.string({ error: "admin:store.errors.name" }).trim().min(1, "admin:store.errors.name").max(200, "admin:store.errors.nameLong"),
  timeZone: z
    .string({ error: "admin:store.errors.timeZone" })
    .trim()
    .transform((v, ctx) => canonicalTimeZone(v) ?? (ctx.addIssue({ code: "custom", message: "admin:store.errors.timeZone" }), z.NEVER)),
  currency: z
    .string({ error: "admin:store.errors.currency" })
    .trim()
    .toUpperCase()
    .refine(isCurrency, "admin:store.errors.currency"),
  locale: z
    .string({ error: "admin:store.errors.locale" })
    .trim()
    .transform((v, ctx) => canonicalLocale(v) ?? (ctx.addIssue({ code: "custom", message: "admin:store.errors.locale" }), z.NEVER)),
});

const HOUR_MINUTE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The marketing rules: each pair is given whole or left empty whole. Empty fields arrive as undefined (conform). */
const MarketingSchema = z
  .object({
    intent: z.literal("marketing"),
    quietHoursStart: z.string().regex(HOUR_MINUTE, "admin:store.errors.quietTime").optional(),
    quietHoursEnd: z.string().regex(HOUR_MINUTE, "admin:store.errors.quietTime").optional(),
    frequencyCapCount: z.number({ error: "admin:store.errors.capCount" }).int("admin:store.errors.capCount").min(1, "admin:store.errors.capCount").max(1000, "admin:store.errors.capCount").optional(),
    frequencyCapDays: z.number({ error: "admin:store.errors.capDays" }).int("admin:store.errors.capDays").min(1, "admin:store.errors.capDays").max(365, "admin:store.errors.capDays").optional(),
    smsPartPrice: z
      .string()
      .trim()
      .regex(/^\d{1,3}([.,]\d{1,4})?$/, "admin:store.errors.smsPrice")
      .refine((v) => Number(v.replace(",", ".")) <= 100, "admin:store.errors.smsPrice")
      .optional(),
  })
  .superRefine((m, ctx) => {
    const both = (a: unknown, b: unknown, path: string, message: string) => {
      if ((a === undefined) !== (b === undefined)) ctx.addIssue({ code: "custom", message, path: [path] });
    };
    both(m.quietHoursStart, m.quietHoursEnd, m.quietHoursStart === undefined ? "quietHoursStart" : "quietHoursEnd", "admin:store.errors.quietBoth");
    if (m.quietHoursStart && m.quietHoursStart === m.quietHoursEnd) ctx.addIssue({ code: "custom", message: "admin:store.errors.quietSame", path: ["quietHoursEnd"] });
    both(m.frequencyCapCount, m.frequencyCapDays, m.frequencyCapCount === undefined ? "frequencyCapCount" : "frequencyCapDays", "admin:store.errors.capBoth");
  })
  .transform((m) => ({
    quietHoursStart: m.quietHoursStart ?? null,
    quietHoursEnd: m.quietHoursEnd ?? null,
    frequencyCapCount: m.frequencyCapCount ?? null,
    frequencyCapDays: m.frequencyCapDays ?? null,
    // thousandths of the currency: 0.0735 → 74
    smsPartPriceMillis: m.smsPartPrice === undefined ? null : Math.round(Number(m.smsPartPrice.replace(",", ".")) * 1000),
  }));

/** How long segment history is kept (docs/decisions/0036). */
const RetentionSchema = z.object({
  intent: z.literal("retention"),
  historyRetentionDays: z
    .number({ error: "feeds:retention.errors.days" })
    .int("feeds:retention.errors.days")
    .min(MIN_RETENTION_DAYS, "feeds:retention.errors.days")
    .max(MAX_RETENTION_DAYS, "feeds:retention.errors.days"),
});

/** Who may export, and how large exports run (models/exports/settings.server.ts). */
const ExportSettingsSchema = z.object({
  intent: z.literal("exports"),
  marketersMayExport: z.boolean().default(false),
  jobFromRows: z
    .number({ error: "exports:settings.errors.jobFromRows" })
    .int("exports:settings.errors.jobFromRows")
    .min(JOB_FROM_ROWS_RANGE.min, "exports:settings.errors.jobFromRows")
    .max(JOB_FROM_ROWS_RANGE.max, "exports:settings.errors.jobFromRows"),
  keepHours: z
    .number({ error: "exports:settings.errors.keepHours" })
    .int("exports:settings.errors.keepHours")
    .min(KEEP_HOURS_RANGE.min, "exports:settings.errors.keepHours")
    .max(KEEP_HOURS_RANGE.max, "exports:settings.errors.keepHours"),
});

/** Suggestions for the locale field: the languages of the stores this console is made for. */
const LOCALE_SUGGESTIONS = ["en", "en-GB", "en-US", "bg-BG", "el-GR", "el-CY", "ru-RU", "uk-UA", "de-DE", "ro-RO"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin");
  const [store, marketing, historyRetentionDays, exporting] = await Promise.all([getStoreSettings(context.services.db), getMarketingSettings(context.services.db), getHistoryRetentionDays(context.services.db), getExportSettings(context.services.db)]);
  return json({
    store,
    marketing,
    historyRetentionDays,
    exporting,
    // the server's lists, so the page renders the same on the server and in the browser
    timeZones: Intl.supportedValuesOf("timeZone"),
    currencies: Intl.supportedValuesOf("currency"),
    sample: samples(store, new Date()),
  });
}

function samples(store: { locale: string; timeZone: string; currency: string }, now: Date) {
  return { now: formatDateTime(now, store.locale, store.timeZone), money: formatMoney(123456, store.currency, store.locale) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const actor = { userId: me.id, ip: context.clientIp };
  if (form.get("intent") === "marketing") {
    const submission = parseWithZod(form, { schema: MarketingSchema });
    if (submission.status !== "success") return json({ form: "marketing" as const, result: submission.reply(), changed: null }, { status: 400 });
    const { changed } = await updateMarketingSettings(context.services.db, submission.value, actor, new Date());
    return json({ form: "marketing" as const, result: submission.reply(), changed });
  }
  if (form.get("intent") === "retention") {
    const submission = parseWithZod(form, { schema: RetentionSchema });
    if (submission.status !== "success") return json({ form: "retention" as const, result: submission.reply(), changed: null }, { status: 400 });
    const { changed } = await updateHistoryRetention(context.services.db, submission.value.historyRetentionDays, actor, new Date());
    return json({ form: "retention" as const, result: submission.reply(), changed: changed ? ["historyRetentionDays"] : [] });
  }
  if (form.get("intent") === "exports") {
    const submission = parseWithZod(form, { schema: ExportSettingsSchema });
    if (submission.status !== "success") return json({ form: "exports" as const, result: submission.reply(), changed: null }, { status: 400 });
    const { intent: _intent, ...settings } = submission.value;
    const { changed } = await updateExportSettings(context.services.db, settings, actor, new Date());
    return json({ form: "exports" as const, result: submission.reply(), changed });
  }
  const submission = parseWithZod(form, { schema: StoreSettingsSchema });
  if (submission.status !== "success") return json({ form: "store" as const, result: submission.reply(), changed: null }, { status: 400 });
  const { changed } = await updateStoreSettings(context.services.db, submission.value, actor);
  return json({ form: "store" as const, result: submission.reply(), changed });
}

export default function StoreSettingsPage() {
  const { store, timeZones, currencies, sample, marketing, historyRetentionDays, exporting } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const actionData = answer?.form === "store" ? answer : undefined;
  const navigation = useNavigation();
  const { t } = useTranslation("admin");
  const [form, fields] = useForm({
    id: "store-settings",
    lastResult: actionData?.result,
    defaultValue: store,
    constraint: getZodConstraint(StoreSettingsSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: StoreSettingsSchema }),
  });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">{t("store.title")}</h1>
        <p className="text-sm text-slate-500">{t("store.subtitle")}</p>
      </div>
      {actionData?.changed && (
        <Notice tone="success">{actionData.changed.length ? t("store.saved", { count: actionData.changed.length }) : t("store.unchanged")}</Notice>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <section className="card lg:col-span-2">
          <Form method="post" {...getFormProps(form)} className="grid gap-4 sm:grid-cols-2">
            <AuthenticityTokenInput />
            <div className="sm:col-span-2">
              <label className="label" htmlFor={fields.name.id}>
                {t("store.name")}
              </label>
              <input className="input mt-1" {...getInputProps(fields.name, { type: "text" })} />
              <FieldError id={fields.name.errorId} errors={fields.name.errors} />
            </div>
            <div>
              <label className="label" htmlFor={fields.timeZone.id}>
                {t("store.timeZone")}
              </label>
              <input className="input mt-1" list="time-zones" autoComplete="off" spellCheck={false} {...getInputProps(fields.timeZone, { type: "text", ariaDescribedBy: `${fields.timeZone.id}-help` })} />
              <datalist id="time-zones">
                {timeZones.map((z) => (
                  <option key={z} value={z} />
                ))}
              </datalist>
              <p className="mt-1 text-xs text-slate-500" id={`${fields.timeZone.id}-help`}>
                {t("store.timeZoneHelp")}
              </p>
              <FieldError id={fields.timeZone.errorId} errors={fields.timeZone.errors} />
            </div>
            <div>
              <label className="label" htmlFor={fields.currency.id}>
                {t("store.currency")}
              </label>
              <select className="input mt-1 bg-white" {...getSelectProps(fields.currency, { ariaDescribedBy: `${fields.currency.id}-help` })}>
                {currencies.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
              <p className="mt-1 text-xs text-slate-500" id={`${fields.currency.id}-help`}>
                {t("store.currencyHelp")}
              </p>
              <FieldError id={fields.currency.errorId} errors={fields.currency.errors} />
            </div>
            <div>
              <label className="label" htmlFor={fields.locale.id}>
                {t("store.locale")}
              </label>
              <input className="input mt-1" list="locales" autoComplete="off" spellCheck={false} {...getInputProps(fields.locale, { type: "text", ariaDescribedBy: `${fields.locale.id}-help` })} />
              <datalist id="locales">
                {LOCALE_SUGGESTIONS.map((l) => (
                  <option key={l} value={l} />
                ))}
              </datalist>
              <p className="mt-1 text-xs text-slate-500" id={`${fields.locale.id}-help`}>
                {t("store.localeHelp")}
              </p>
              <FieldError id={fields.locale.errorId} errors={fields.locale.errors} />
            </div>
            <div className="flex items-end sm:col-span-2">
              <button type="submit" className="btn" disabled={navigation.state !== "idle"}>
                {t("store.save")}
              </button>
            </div>
          </Form>
        </section>
        <aside className="card h-fit space-y-3 text-sm">
          <h2 className="font-semibold text-slate-900">{t("store.previewTitle")}</h2>
          <dl className="space-y-2">
            <div>
              <dt className="text-slate-500">{t("store.previewNow")}</dt>
              <dd className="font-medium tabular-nums" data-testid="sample-now">
                {sample.now}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">{t("store.previewMoney")}</dt>
              <dd className="font-medium tabular-nums">{sample.money}</dd>
            </div>
          </dl>
          <p className="text-xs text-slate-500">{t("store.previewHelp")}</p>
        </aside>
      </div>
      <MarketingRules marketing={marketing} currency={store.currency} answer={answer?.form === "marketing" ? answer : undefined} />
      <HistoryRetention days={historyRetentionDays} answer={answer?.form === "retention" ? answer : undefined} />
      <ExportRules settings={exporting} answer={answer?.form === "exports" ? answer : undefined} />
    </div>
  );
}

/** The marketing rules every campaign follows: default quiet hours, the frequency cap, the SMS part price. */
function MarketingRules({
  marketing,
  currency,
  answer,
}: {
  marketing: { quietHoursStart: string | null; quietHoursEnd: string | null; frequencyCapCount: number | null; frequencyCapDays: number | null; smsPartPriceMillis: number | null };
  currency: string;
  answer: { result: SubmissionResult<string[]>; changed: string[] | null } | undefined;
}) {
  const { t } = useTranslation("admin");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "store-marketing",
    lastResult: answer?.result,
    defaultValue: {
      quietHoursStart: marketing.quietHoursStart ?? "",
      quietHoursEnd: marketing.quietHoursEnd ?? "",
      frequencyCapCount: marketing.frequencyCapCount === null ? "" : String(marketing.frequencyCapCount),
      frequencyCapDays: marketing.frequencyCapDays === null ? "" : String(marketing.frequencyCapDays),
      smsPartPrice: marketing.smsPartPriceMillis === null ? "" : String(marketing.smsPartPriceMillis / 1000),
    },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MarketingSchema }),
  });
  return (
    <section className="card space-y-4" data-testid="marketing-rules">
      <div>
        <h2 className="text-base font-semibold text-slate-900">{t("store.marketingTitle")}</h2>
        <p className="text-sm text-slate-500">{t("store.marketingSubtitle")}</p>
      </div>
      {answer?.changed && (
        <Notice tone="success">{answer.changed.length ? t("store.marketingSaved", { count: answer.changed.length }) : t("store.unchanged")}</Notice>
      )}
      <Form method="post" {...getFormProps(form)} className="grid gap-5 lg:grid-cols-3">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="marketing" />
        <fieldset>
          <legend className="label">{t("store.quietHours")}</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            <label className="block">
              <span className="text-xs text-slate-500">{t("store.quietFrom")}</span>
              <input className="input" {...getInputProps(fields.quietHoursStart, { type: "time" })} />
            </label>
            <label className="block">
              <span className="text-xs text-slate-500">{t("store.quietTo")}</span>
              <input className="input" {...getInputProps(fields.quietHoursEnd, { type: "time" })} />
            </label>
          </div>
          <p className="mt-1 text-xs text-slate-500">{t("store.quietHoursHelp")}</p>
          <FieldError id={fields.quietHoursStart.errorId} errors={fields.quietHoursStart.errors} />
          <FieldError id={fields.quietHoursEnd.errorId} errors={fields.quietHoursEnd.errors} />
        </fieldset>
        <fieldset>
          <legend className="label">{t("store.frequencyCap")}</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            <label className="block w-24">
              <span className="text-xs text-slate-500">{t("store.capCount")}</span>
              <input className="input" inputMode="numeric" {...getInputProps(fields.frequencyCapCount, { type: "text" })} />
            </label>
            <label className="block w-24">
              <span className="text-xs text-slate-500">{t("store.capDays")}</span>
              <input className="input" inputMode="numeric" {...getInputProps(fields.frequencyCapDays, { type: "text" })} />
            </label>
          </div>
          <p className="mt-1 text-xs text-slate-500">{t("store.frequencyCapHelp")}</p>
          <FieldError id={fields.frequencyCapCount.errorId} errors={fields.frequencyCapCount.errors} />
          <FieldError id={fields.frequencyCapDays.errorId} errors={fields.frequencyCapDays.errors} />
        </fieldset>
        <div>
          <label className="label" htmlFor={fields.smsPartPrice.id}>
            {t("store.smsPartPrice")}
          </label>
          <input className="input mt-1 w-32" inputMode="decimal" {...getInputProps(fields.smsPartPrice, { type: "text" })} />
          <p className="mt-1 text-xs text-slate-500">{t("store.smsPartPriceHelp", { currency })}</p>
          <FieldError id={fields.smsPartPrice.errorId} errors={fields.smsPartPrice.errors} />
        </div>
        <div className="lg:col-span-3">
          <button type="submit" className="btn" disabled={navigation.state !== "idle"} data-testid="save-marketing">
            {t("store.saveMarketing")}
          </button>
        </div>
      </Form>
    </section>
  );
}

/** How long segment history (enter/leave events, size samples, feed reads) is kept before the daily cleanup. */
function HistoryRetention({ days, answer }: { days: number; answer: { result: SubmissionResult<string[]>; changed: string[] | null } | undefined }) {
  const { t } = useTranslation("feeds");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "store-retention",
    lastResult: answer?.result,
    defaultValue: { historyRetentionDays: String(days) },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RetentionSchema }),
  });
  const limits = { min: MIN_RETENTION_DAYS, max: MAX_RETENTION_DAYS };
  return (
    <section className="card space-y-4" data-testid="history-retention">
      <div>
        <h2 className="text-base font-semibold text-slate-900">{t("retention.title")}</h2>
        <p className="text-sm text-slate-500">{t("retention.subtitle")}</p>
      </div>
      {answer?.changed && <Notice tone="success">{answer.changed.length ? t("retention.saved") : t("retention.unchanged")}</Notice>}
      <Form method="post" {...getFormProps(form)} className="flex flex-wrap items-end gap-4">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="retention" />
        <div>
          <label className="label" htmlFor={fields.historyRetentionDays.id}>
            {t("retention.days")}
          </label>
          <input className="input mt-1 w-32" inputMode="numeric" {...getInputProps(fields.historyRetentionDays, { type: "text", ariaDescribedBy: `${fields.historyRetentionDays.id}-help` })} />
          <FieldError id={fields.historyRetentionDays.errorId} errors={fields.historyRetentionDays.errors?.map((e) => t(e.replace(/^feeds:/, ""), limits))} />
        </div>
        <button type="submit" className="btn" disabled={navigation.state !== "idle"} data-testid="save-retention">
          {t("retention.save")}
        </button>
        <p className="w-full text-xs text-slate-500" id={`${fields.historyRetentionDays.id}-help`}>
          {t("retention.help", limits)}
        </p>
      </Form>
    </section>
  );
}

/** Whether marketers may export, from how many rows an export is a background job, how long its file is kept. */
function ExportRules({
  settings,
  answer,
}: {
  settings: { marketersMayExport: boolean; jobFromRows: number; keepHours: number };
  answer: { result: SubmissionResult<string[]>; changed: string[] | null } | undefined;
}) {
  const { t } = useTranslation("exports");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "store-exports",
    lastResult: answer?.result,
    defaultValue: { marketersMayExport: settings.marketersMayExport ? "on" : "", jobFromRows: String(settings.jobFromRows), keepHours: String(settings.keepHours) },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ExportSettingsSchema }),
  });
  return (
    <section className="card space-y-4" data-testid="export-settings">
      <div>
        <h2 className="text-base font-semibold text-slate-900">{t("settings.title")}</h2>
        <p className="text-sm text-slate-500">{t("settings.subtitle")}</p>
      </div>
      {answer?.changed && <Notice tone="success">{answer.changed.length ? t("settings.saved", { count: answer.changed.length }) : t("settings.unchanged")}</Notice>}
      <Form method="post" {...getFormProps(form)} className="grid gap-5 lg:grid-cols-3">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="exports" />
        <div>
          <label className="flex items-start gap-2">
            <input className="mt-1" {...getInputProps(fields.marketersMayExport, { type: "checkbox" })} data-testid="marketers-may-export" />
            <span className="label">{t("settings.marketersMayExport")}</span>
          </label>
          <p className="mt-1 text-xs text-slate-500">{t("settings.marketersMayExportHelp")}</p>
        </div>
        <div>
          <label className="label" htmlFor={fields.jobFromRows.id}>
            {t("settings.jobFromRows")}
          </label>
          <input className="input mt-1 w-40" inputMode="numeric" {...getInputProps(fields.jobFromRows, { type: "text" })} />
          <p className="mt-1 text-xs text-slate-500">{t("settings.jobFromRowsHelp")}</p>
          <FieldError id={fields.jobFromRows.errorId} errors={fields.jobFromRows.errors} />
        </div>
        <div>
          <label className="label" htmlFor={fields.keepHours.id}>
            {t("settings.keepHours")}
          </label>
          <input className="input mt-1 w-32" inputMode="numeric" {...getInputProps(fields.keepHours, { type: "text" })} />
          <p className="mt-1 text-xs text-slate-500">{t("settings.keepHoursHelp")}</p>
          <FieldError id={fields.keepHours.errorId} errors={fields.keepHours.errors} />
        </div>
        <div className="lg:col-span-3">
          <button type="submit" className="btn" disabled={navigation.state !== "idle"} data-testid="save-exports">
            {t("settings.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
