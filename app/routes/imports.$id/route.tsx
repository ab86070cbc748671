import { useEffect, useRef } from "react";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { getFormProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { msg } from "../../../models/messages";
import { formatDateTime, formatNumber } from "~/format";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import {
  changeImportFormat,
  getImportDetail,
  recordAudit,
  requestImportStop,
  saveImportMapping,
  startImport,
} from "~/domain/imports.server";
import { BUSY_STATUSES, DELIMITER_NAMES, ENCODINGS, delimiterByName, type ImportStatus } from "../../../models/imports/formats";
import { IGNORE, PROFILE_TARGETS, CHANNEL_TARGETS } from "../../../models/imports/targets";
import type { ImportSummary } from "../../../models/imports/imports.server";
import type { loader as progressLoader } from "../imports.$id.progress";
import { Counts, ProgressBar, StatusBadge, formatBytes } from "../imports.ui/parts";
import { FormatForm, MappingForm, RunForm, type PageIntent } from "./forms";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.detail.fileName ?? titled("import"), titled("imports")) }];

function importId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response(msg("ingest.import.notFound"), { status: 404, statusText: "Not Found" });
  return id;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  const id = importId(params.id);
  const db = context.services.db;
  const [detail, store] = await Promise.all([getImportDetail(db, id, { previewRows: 5, errorRows: 100 }), getStoreForReader(request, context)]);
  if (!detail) throw new Response(msg("ingest.import.notFound"), { status: 404, statusText: "Not Found" });
  return json({ detail, store });
}

type Reply = { intent: PageIntent; result: SubmissionResult<string[]> };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer");
  const id = importId(params.id);
  const form = await readForm(request, context);
  const { db, jobs } = context.services;
  const intent = form.get("intent");
  const answer = (result: SubmissionResult<string[]>, status = 200) => json<Reply>({ intent: intent as PageIntent, result }, { status });

  if (intent === "format") {
    const submission = parseWithZod(form, { schema: FormatForm });
    if (submission.status !== "success") return answer(submission.reply(), 400);
    const changed = await changeImportFormat(db, id, { encoding: submission.value.encoding, delimiter: delimiterByName(submission.value.delimiter)! });
    return changed.ok ? answer(submission.reply()) : answer(submission.reply({ formErrors: [changed.reason] }), 409);
  }
  if (intent === "mapping") {
    const submission = parseWithZod(form, { schema: MappingForm });
    if (submission.status !== "success") return answer(submission.reply(), 400);
    const saved = await saveImportMapping(db, id, submission.value.targets);
    if (saved.ok) return answer(submission.reply());
    const fieldErrors: Record<string, string[]> = {};
    const formErrors: string[] = [];
    for (const p of saved.problems) {
      if (p.column === null) formErrors.push(p.message);
      else (fieldErrors[`targets[${p.column}]`] ??= []).push(p.message);
    }
    return answer(submission.reply({ formErrors, fieldErrors }), 400);
  }
  const submission = parseWithZod(form, { schema: RunForm });
  if (submission.status !== "success") return answer(submission.reply({ formErrors: [msg("ingest.import.unknownAction")] }), 400);
  if (submission.value.intent === "stop") {
    const stopped = await requestImportStop(db, id);
    return stopped.ok ? answer(submission.reply()) : answer(submission.reply({ formErrors: [stopped.reason] }), 409);
  }
  const mode = submission.value.intent;
  // the job runs on a worker; the page follows its progress as before
  const started = await startImport(jobs, id, mode);
  if (!started.ok) return answer(submission.reply({ formErrors: [started.reason] }), 409);
  await recordAudit(db, { userId: user.id, ip: context.clientIp }, mode === "check" ? "import.check" : "import.run", { type: "import", id });
  return answer(submission.reply());
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Detail = LoaderData["detail"];
type Store = LoaderData["store"];

const isBusy = (status: ImportStatus) => BUSY_STATUSES.includes(status);

/** Which run the counts belong to: a dry run clears checkedAt when it starts, an import needs it. */
function lastRun(s: Pick<ImportSummary, "status" | "isChecked">): "check" | "import" | null {
  if (s.status === "uploaded" || s.status === "mapped") return null;
  if (s.status === "checking" || s.status === "checked") return "check";
  if (s.status === "running" || s.status === "done") return "import";
  return s.isChecked ? "import" : "check";
}

/** The loader's summary, refreshed from the progress resource once a second while a run is under way. */
function useLiveSummary(detail: Detail): Detail {
  const fetcher = useFetcher<typeof progressLoader>();
  const revalidator = useRevalidator();
  // whichever is newer wins: a poll from before the last action must not hide the run it started
  const polled = fetcher.data && "id" in fetcher.data && fetcher.data.id === detail.id && Date.parse(fetcher.data.updatedAt) >= Date.parse(detail.updatedAt) ? fetcher.data : null;
  const summary: Detail = polled ? { ...detail, ...polled } : detail;
  const busy = isBusy(summary.status);
  const wasBusy = useRef(busy);
  const load = fetcher.load;
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => load(`/imports/${detail.id}/progress`), 1000);
    return () => clearInterval(timer);
  }, [busy, detail.id, load]);
  useEffect(() => {
    // when the run ends, load the page again for the error list and the next step
    if (wasBusy.current && !busy) revalidator.revalidate();
    wasBusy.current = busy;
  }, [busy, revalidator]);
  return summary;
}

export default function ImportPage() {
  const { detail, store } = useLoaderData<typeof loader>();
  const { t } = useTranslation("imports");
  const summary = useLiveSummary(detail);
  const busy = isBusy(summary.status);
  return (
    <div className="max-w-5xl space-y-4">
      <div>
        <Link to="/imports" className="text-sm text-indigo-700 hover:underline">
          ← {t("detail.back")}
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="page-title [overflow-wrap:anywhere]">{detail.fileName}</h1>
          <StatusBadge status={summary.status} />
        </div>
        <p className="text-sm text-slate-500">
          {t("detail.meta", {
            size: formatBytes(detail.fileSize, store.locale),
            user: detail.userName ?? t("detail.unknownUser"),
            when: formatDateTime(detail.createdAt, store.locale, store.timeZone),
          })}
        </p>
      </div>
      <FormatStep detail={detail} busy={busy} />
      <MappingStep detail={detail} busy={busy} />
      <CheckStep detail={detail} summary={summary} store={store} />
      <ImportStep detail={detail} summary={summary} store={store} />
    </div>
  );
}

function useReply(intent: PageIntent) {
  const data = useActionData<typeof action>() as Reply | undefined;
  return data?.intent === intent ? data.result : undefined;
}

function FormErrors({ errors, id }: { errors: string[] | undefined; id?: string }) {
  if (!errors?.length) return null;
  return (
    <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700" role="alert" id={id}>
      {errors.map((e) => (
        <p key={e}>{e}</p>
      ))}
    </div>
  );
}

function Step({ title, intro, children, testId, muted }: { title: string; intro?: string; children: React.ReactNode; testId: string; muted?: boolean }) {
  return (
    <section className={`card space-y-3 ${muted ? "opacity-60" : ""}`} data-testid={testId} aria-label={title}>
      <div>
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        {intro && <p className="text-sm text-slate-600">{intro}</p>}
      </div>
      {children}
    </section>
  );
}

function FormatStep({ detail, busy }: { detail: Detail; busy: boolean }) {
  const { t } = useTranslation("imports");
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: `format-${detail.id}`,
    lastResult: useReply("format"),
    defaultValue: { encoding: detail.encoding, delimiter: DELIMITER_NAMES[detail.delimiter] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: FormatForm }),
  });
  const submitting = navigation.state !== "idle" && navigation.formData?.get("intent") === "format";
  return (
    <Step title={t("format.title")} intro={t("format.intro")} testId="step-format">
      <Form method="post" {...getFormProps(form)} className="flex flex-wrap items-end gap-3">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="format" />
        <div>
          <label className="label" htmlFor={fields.encoding.id}>
            {t("format.encoding")}
          </label>
          <select {...getSelectProps(fields.encoding)} className="input mt-1 w-64 bg-white" key={`${fields.encoding.key}-${detail.encoding}`} defaultValue={detail.encoding}>
            {ENCODINGS.map((e) => (
              <option key={e} value={e}>
                {t(`format.encodings.${e}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor={fields.delimiter.id}>
            {t("format.delimiter")}
          </label>
          <select
            {...getSelectProps(fields.delimiter)}
            className="input mt-1 w-44 bg-white"
            key={`${fields.delimiter.key}-${detail.delimiter}`}
            defaultValue={DELIMITER_NAMES[detail.delimiter]}
          >
            {Object.values(DELIMITER_NAMES).map((name) => (
              <option key={name} value={name}>
                {t(`format.delimiters.${name}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn-secondary" disabled={busy || submitting} title={detail.isMappingSaved ? t("format.changeWarning") : undefined}>
          {t("format.apply")}
        </button>
      </Form>
      <FormErrors errors={form.errors} id={form.errorId} />
      {detail.previewProblem && <FormErrors errors={[detail.previewProblem]} />}
      <div>
        <h3 className="mb-1 text-sm font-medium text-slate-700">{t("format.preview")}</h3>
        <div className="table-box rounded-md border border-slate-200">
          <table className="table" data-testid="preview-table">
            <thead>
              <tr>
                <th className="w-12 text-right text-xs">#</th>
                {detail.header.map((h, i) => (
                  <th key={i} className="whitespace-nowrap">
                    {h || `Column ${i + 1}`}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {detail.preview.map((row) => (
                <tr key={row.rowNumber}>
                  <td className="text-right text-xs text-slate-400">{row.rowNumber}</td>
                  {detail.header.map((_, i) => (
                    <td key={i} className="max-w-[16rem] truncate whitespace-nowrap" title={row.cells[i]}>
                      {row.cells[i]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {detail.preview.length === 0 && !detail.previewProblem && <p className="mt-1 text-sm text-amber-700">{t("format.noRows")}</p>}
      </div>
    </Step>
  );
}

function useTargetLabel(detail: Detail) {
  const { t } = useTranslation("imports");
  return (target: string): string => {
    if (target === IGNORE) return t("mapping.ignore");
    const [head, key, part] = target.split(".");
    if (head === "channels") return t(part === "subscribed" ? "targets.channelSubscribed" : "targets.channelAddress", { channel: t(`channels.${key}`) });
    if (head === "customFields") return t("targets.customField", { label: detail.catalogue.customFields.find((f) => f.key === key)?.label ?? key });
    if (head === "answers") return t("targets.answer", { text: detail.catalogue.questions.find((q) => q.key === key)?.text ?? key });
    return t(`targets.${target}`);
  };
}

function MappingStep({ detail, busy }: { detail: Detail; busy: boolean }) {
  const { t } = useTranslation("imports");
  const navigation = useNavigation();
  const label = useTargetLabel(detail);
  const reply = useReply("mapping");
  const [form, fields] = useForm({
    // a new header (another encoding or delimiter) starts a new form with new guesses
    id: `mapping-${detail.id}-${detail.encoding}-${detail.delimiter}`,
    lastResult: reply,
    defaultValue: { targets: detail.targets },
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MappingForm }),
  });
  const targetFields = fields.targets.getFieldList();
  const submitting = navigation.state !== "idle" && navigation.formData?.get("intent") === "mapping";
  const samples = (column: number) =>
    detail.preview
      .map((r) => r.cells[column]?.trim())
      .filter(Boolean)
      .slice(0, 3);
  const groups: Array<{ label: string; targets: string[] }> = [
    { label: t("mapping.groups.profile"), targets: [...PROFILE_TARGETS] },
    { label: t("mapping.groups.channels"), targets: CHANNEL_TARGETS },
    { label: t("mapping.groups.customFields"), targets: detail.targetChoices.filter((c) => c.startsWith("customFields.")) },
    { label: t("mapping.groups.answers"), targets: detail.targetChoices.filter((c) => c.startsWith("answers.")) },
  ].filter((g) => g.targets.length > 0);
  const saved = reply?.status === "success" || (detail.isMappingSaved && !form.dirty);
  return (
    <Step title={t("mapping.title")} intro={t("mapping.intro")} testId="step-mapping">
      {!detail.isMappingSaved && <p className="text-sm text-amber-700">{t("mapping.guessed")}</p>}
      <Form method="post" {...getFormProps(form)} className="space-y-3">
        <AuthenticityTokenInput />
        <input type="hidden" name="intent" value="mapping" />
        <div className="table-box rounded-md border border-slate-200">
          <table className="table" data-testid="mapping-table">
            <thead>
              <tr>
                <th>{t("mapping.column")}</th>
                <th>{t("mapping.samples")}</th>
                <th className="w-80">{t("mapping.becomes")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {detail.header.map((h, i) => {
                const field = targetFields[i];
                return (
                  <tr key={i} className="align-top">
                    <td className="whitespace-nowrap font-medium">
                      <label htmlFor={field?.id}>{h || `Column ${i + 1}`}</label>
                    </td>
                    <td className="max-w-xs truncate text-slate-500" title={samples(i).join(" · ")}>
                      {samples(i).join(" · ") || "—"}
                    </td>
                    <td>
                      {field && (
                        <>
                          <select {...getSelectProps(field)} className="input bg-white" key={field.key} disabled={busy} data-column={h}>
                            <option value={IGNORE}>{label(IGNORE)}</option>
                            {groups.map((g) => (
                              <optgroup key={g.label} label={g.label}>
                                {g.targets.map((target) => (
                                  <option key={target} value={target}>
                                    {label(target)}
                                  </option>
                                ))}
                              </optgroup>
                            ))}
                          </select>
                          {field.errors && (
                            <p className="field-error" id={field.errorId}>
                              {field.errors.join(" ")}
                            </p>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <FormErrors errors={[...(form.errors ?? []), ...(fields.targets.errors ?? [])]} id={form.errorId} />
        <div className="flex items-center gap-3">
          <button type="submit" className="btn" disabled={busy || submitting}>
            {t("mapping.save")}
          </button>
          {saved && (
            <span className="text-sm text-emerald-700" role="status">
              {t("mapping.saved")}
            </span>
          )}
        </div>
      </Form>
    </Step>
  );
}

function RunButton({ intent, label, disabled, confirm, secondary }: { intent: "check" | "import" | "stop"; label: string; disabled?: boolean; confirm?: string; secondary?: boolean }) {
  const navigation = useNavigation();
  const submitting = navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  return (
    <Form method="post" className="inline" onSubmit={(e) => (confirm && !window.confirm(confirm) ? e.preventDefault() : undefined)}>
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className={secondary ? "btn-secondary" : "btn"} disabled={disabled || submitting} data-testid={`run-${intent}`}>
        {label}
      </button>
    </Form>
  );
}

function ErrorList({ detail }: { detail: Detail }) {
  const { t } = useTranslation("imports");
  if (detail.firstErrors.length === 0) return null;
  return (
    <div className="space-y-2" data-testid="error-list">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-sm font-medium text-slate-700">{t("errors.title")}</h3>
        {detail.hasErrorReport && (
          <a href={`/imports/${detail.id}/errors.csv`} className="text-sm font-medium text-indigo-700 hover:underline" download>
            {t("errors.download")}
          </a>
        )}
      </div>
      <div className="max-h-96 overflow-auto rounded-md border border-slate-200">
        <table className="table">
          <thead className="sticky top-0">
            <tr>
              <th className="w-16 text-right">{t("errors.row")}</th>
              <th>{t("errors.column")}</th>
              <th>{t("errors.value")}</th>
              <th>{t("errors.reason")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {detail.firstErrors.map((e, i) => (
              <tr key={i}>
                <td className="text-right tabular-nums">{e.row}</td>
                <td className="whitespace-nowrap">{e.column}</td>
                <td className="max-w-[14rem] truncate font-mono text-xs" title={e.value}>
                  {e.value || "—"}
                </td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {detail.firstErrors.length >= 100 && <p className="text-xs text-slate-500">{t("errors.firstOnly", { count: detail.firstErrors.length })}</p>}
    </div>
  );
}

function CheckStep({ detail, summary, store }: { detail: Detail; summary: Detail; store: Store }) {
  const { t } = useTranslation("imports");
  const reply = useReply("check");
  const stopReply = useReply("stop");
  const isCurrent = lastRun(summary) === "check";
  const running = isCurrent && isBusy(summary.status);
  const canStart = detail.isMappingSaved && !isBusy(summary.status);
  const rows = summary.totalRows ?? summary.processedRows;
  return (
    <Step title={t("check.title")} intro={t("check.intro")} testId="step-check" muted={!detail.isMappingSaved}>
      {!detail.isMappingSaved && <p className="text-sm text-slate-600">{t("check.needsMapping")}</p>}
      {running && <ProgressBar percent={summary.percent} rows={summary.processedRows} locale={store.locale} />}
      {isCurrent && summary.status === "checked" && (
        <>
          <p className="text-sm text-slate-700" role="status">
            {rows === 0
              ? t("check.noRows")
              : t("check.passed", {
                  checked: t("check.rowsChecked", { count: rows, formatted: formatNumber(rows, store.locale) }),
                  importable: t("check.importable", { count: rows - summary.errorRows, formatted: formatNumber(rows - summary.errorRows, store.locale) }),
                  failing: t("check.failing", { count: summary.errorRows, formatted: formatNumber(summary.errorRows, store.locale) }),
                })}
          </p>
          <Counts
            locale={store.locale}
            items={[
              { label: t("counts.rows"), value: rows },
              { label: t("counts.valid"), value: rows - summary.errorRows, tone: "good" },
              { label: t("counts.errors"), value: summary.errorRows, tone: "error" },
            ]}
          />
        </>
      )}
      {isCurrent && summary.status === "failed" && summary.error && <FormErrors errors={[summary.error]} />}
      <FormErrors errors={[...(reply?.error?.[""] ?? []), ...(stopReply?.error?.[""] ?? [])]} />
      <div className="flex gap-2">
        {running ? (
          <RunButton intent="stop" label={t("run.stop")} secondary disabled={summary.status === "stopping"} />
        ) : (
          <RunButton intent="check" label={summary.isChecked || isCurrent ? t("check.again") : t("check.start")} disabled={!canStart} secondary={summary.isChecked} />
        )}
      </div>
      {isCurrent && !running && <ErrorList detail={detail} />}
    </Step>
  );
}

function ImportStep({ detail, summary, store }: { detail: Detail; summary: Detail; store: Store }) {
  const { t } = useTranslation("imports");
  const reply = useReply("import");
  const isCurrent = lastRun(summary) === "import";
  const running = isCurrent && isBusy(summary.status);
  const rows = summary.totalRows ?? 0;
  const canStart = summary.isChecked && rows > 0 && !isBusy(summary.status);
  const valid = summary.status === "checked" ? rows - summary.errorRows : rows;
  return (
    <Step title={t("run.title")} intro={t("run.intro")} testId="step-import" muted={!summary.isChecked}>
      {!summary.isChecked && <p className="text-sm text-slate-600">{t("run.needsCheck")}</p>}
      {running && <ProgressBar percent={summary.percent} rows={summary.processedRows} locale={store.locale} />}
      {isCurrent && (
        <>
          {summary.status === "done" && (
            <p className="text-sm text-emerald-700" role="status">
              {t("run.done")}
            </p>
          )}
          <Counts
            locale={store.locale}
            items={[
              { label: t("counts.created"), value: summary.createdRows, tone: "good" },
              { label: t("counts.updated"), value: summary.updatedRows },
              { label: t("counts.unchanged"), value: summary.unchangedRows },
              { label: t("counts.errors"), value: summary.errorRows, tone: "error" },
            ]}
          />
          {summary.status === "failed" && summary.error && <FormErrors errors={[summary.error]} />}
        </>
      )}
      <FormErrors errors={reply?.error?.[""] ?? undefined} />
      <div className="flex gap-2">
        {running ? (
          <RunButton intent="stop" label={t("run.stop")} secondary disabled={summary.status === "stopping"} confirm={t("run.stopConfirm")} />
        ) : (
          <RunButton intent="import" label={isCurrent ? t("run.again") : t("run.start", { count: valid, formatted: formatNumber(valid, store.locale) })} disabled={!canStart} secondary={isCurrent && summary.status === "done"} />
        )}
      </div>
      {isCurrent && !running && <ErrorList detail={detail} />}
    </Step>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
