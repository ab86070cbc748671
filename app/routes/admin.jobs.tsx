import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { msg } from "../../models/messages";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime, formatNumber } from "~/format";
import { jobCountsByName, jobNames, listJobs, retryJob, setJobDisabled, type JobActionRefusal } from "~/domain/jobs.server";
import { JOB_PAGE_STATES, type JobPageState } from "../../jobs/job-page-states";
import { ConfirmSubmit, Notice } from "./admin.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("jobs")) }];

const PAGE_SIZE = 50;
/** The error text shown in the table before "show all". */
const ERROR_SHOWN = 80;

const emptyIsNone = (v: unknown) => (v === "" ? undefined : v);

/** The page's query string; empty values mean "no filter". */
const JobsQuerySchema = z.object({
  name: z.preprocess(emptyIsNone, z.string().max(100).regex(/^[A-Za-z0-9._:-]+$/).optional()),
  state: z.preprocess(emptyIsNone, z.enum(JOB_PAGE_STATES).optional()),
  page: z.preprocess(emptyIsNone, z.coerce.number().int().min(1).max(100_000).optional()),
});

const JobActionSchema = z.object({
  intent: z.enum(["retry", "disable", "enable"]),
  id: z.string().regex(/^\d{1,15}$/),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin");
  const { db, jobs: queue } = context.services;
  const parsed = JobsQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "query";
    throw new Response(msg("admin.jobsParameter", { field }), { status: 400, statusText: "Bad Request" });
  }
  const { name, state, page } = parsed.data;
  const [counts, names, list, store] = await Promise.all([
    jobCountsByName(queue),
    jobNames(queue),
    listJobs(queue, { name, state, page: page ?? 1, pageSize: PAGE_SIZE, now: new Date() }),
    getStoreForReader(request, context),
  ]);
  return json({ counts, names, list, store, filter: { name: name ?? "", state: state ?? "" } });
}

type Intent = z.infer<typeof JobActionSchema>["intent"];
type JobsActionData = { intent: Intent | null; name?: string; refusal?: JobActionRefusal | "bad_request"; field?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const form = await readForm(request, context);
  const parsed = JobActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "form";
    return json<JobsActionData>({ intent: null, refusal: "bad_request", field }, { status: 400 });
  }
  const { intent, id } = parsed.data;
  const actor = { userId: me.id, ip: context.clientIp };
  const queue = context.services.jobs;
  const now = new Date();
  const outcome = intent === "retry" ? await retryJob(queue, id, actor, now) : await setJobDisabled(queue, id, intent === "disable", actor, now);
  if (outcome.ok) return json<JobsActionData>({ intent, name: outcome.name });
  return json<JobsActionData>({ intent, refusal: outcome.reason }, { status: outcome.reason === "not_found" ? 404 : 409 });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type JobRow = LoaderData["list"]["jobs"][number];

const STATE_STYLE: Record<string, string> = {
  queued: "bg-sky-50 text-sky-700",
  running: "bg-indigo-50 text-indigo-700",
  scheduled: "bg-slate-100 text-slate-700",
  repeating: "bg-violet-50 text-violet-700",
  failed: "bg-red-50 text-red-700",
  completed: "bg-emerald-50 text-emerald-700",
  disabled: "bg-amber-50 text-amber-800",
  paused: "bg-amber-50 text-amber-800",
};

/** A job name in the store's words, with the technical name beside it. */
function useJobLabel() {
  const { t } = useTranslation("admin");
  return (name: string) => t(`jobs.names.${name}`, { defaultValue: name });
}

export default function Jobs() {
  const { counts, names, list, store, filter } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const { t } = useTranslation("admin");
  const label = useJobLabel();
  const n = (v: number) => formatNumber(v, store.locale);
  const filtered = Boolean(filter.name || filter.state);
  const linkTo = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(searchParams);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    return query ? `?${query}` : "?";
  };

  let notice: React.ReactNode = null;
  if (actionData?.refusal) {
    notice = (
      <Notice tone="error" testId="jobs-notice">
        {t(`jobs.refusals.${actionData.refusal}`)}
      </Notice>
    );
  } else if (actionData?.intent && actionData.name) {
    notice = (
      <Notice tone="success" testId="jobs-notice">
        {t(`jobs.done.${actionData.intent}`, { name: label(actionData.name) })}
      </Notice>
    );
  }

  return (
    <div className="space-y-5">
      <div>
        <h1 className="page-title">{t("jobs.title")}</h1>
        <p className="text-sm text-slate-500">{t("jobs.subtitle")}</p>
      </div>
      {notice}

      <section className="card overflow-hidden p-0" aria-labelledby="jobs-overview">
        <h2 id="jobs-overview" className="px-4 pt-4 text-sm font-semibold text-slate-900">
          {t("jobs.overview")}
        </h2>
        {counts.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">{t("jobs.noJobs")}</p>
        ) : (
          <div className="table-box mt-3">
            <table className="table" data-testid="jobs-overview">
              <thead>
                <tr className="whitespace-nowrap">
                  <th scope="col">{t("jobs.job")}</th>
                  {JOB_PAGE_STATES.map((s) => (
                    <th key={s} scope="col" className="!text-right">
                      {t(`jobs.states.${s}`)}
                    </th>
                  ))}
                  <th scope="col" className="!text-right">
                    {t("jobs.total")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {counts.map((c) => (
                  <tr key={c.name} data-testid={`overview-${c.name}`}>
                    <th scope="row" className="!bg-white text-left font-normal">
                      <Link to={linkTo({ name: c.name, state: null, page: null })} className="font-medium text-indigo-700 hover:underline">
                        {label(c.name)}
                      </Link>
                      <div className="font-mono text-xs text-slate-500">{c.name}</div>
                    </th>
                    {JOB_PAGE_STATES.map((s) => (
                      <td key={s} className="text-right tabular-nums" data-state={s}>
                        {c.counts[s] === 0 ? (
                          <span className="text-slate-300">0</span>
                        ) : (
                          <Link
                            to={linkTo({ name: c.name, state: s, page: null })}
                            className={`font-medium hover:underline ${s === "failed" ? "text-red-700" : "text-indigo-700"}`}
                            aria-label={`${label(c.name)}: ${t(`jobs.states.${s}`)} ${c.counts[s]}`}
                          >
                            {n(c.counts[s])}
                          </Link>
                        )}
                      </td>
                    ))}
                    <td className="text-right font-medium tabular-nums">{n(c.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <Form method="get" className="card flex flex-wrap items-end gap-3" role="search">
        <div>
          <label className="label" htmlFor="jobs-name">
            {t("jobs.name")}
          </label>
          <select id="jobs-name" name="name" defaultValue={filter.name} className="input mt-1 w-60 bg-white">
            <option value="">{t("jobs.allNames")}</option>
            {names.map((name) => (
              <option key={name} value={name}>
                {label(name)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="jobs-state">
            {t("jobs.state")}
          </label>
          <select id="jobs-state" name="state" defaultValue={filter.state} className="input mt-1 w-44 bg-white">
            <option value="">{t("jobs.allStates")}</option>
            {JOB_PAGE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`jobs.states.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn">
          {t("jobs.filter")}
        </button>
        {filtered && (
          <Link to="?" className="btn-secondary">
            {t("jobs.clear")}
          </Link>
        )}
      </Form>

      <div className="card overflow-hidden p-0">
        {list.jobs.length === 0 ? (
          <p className="p-6 text-sm text-slate-600" data-testid="jobs-empty">
            {filtered ? t("jobs.emptyFiltered") : t("jobs.empty")}
          </p>
        ) : (
          <div className="table-box">
            <table className="table" data-testid="jobs-table">
              <thead>
                <tr className="whitespace-nowrap">
                  <th scope="col">{t("jobs.job")}</th>
                  <th scope="col">{t("jobs.state")}</th>
                  <th scope="col">{t("jobs.nextRun")}</th>
                  <th scope="col">{t("jobs.lastRun")}</th>
                  <th scope="col">{t("jobs.failures")}</th>
                  <th scope="col" className="!text-right">
                    {t("jobs.actions")}
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.jobs.map((job) => (
                  <JobRowView key={job.id} job={job} locale={store.locale} timeZone={store.timeZone} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      {list.total > 0 && (
        <nav className="flex items-center justify-between gap-3" aria-label={t("jobs.pages")}>
          {list.page > 1 ? (
            <Link to={linkTo({ page: String(list.page - 1) })} className="btn-secondary" rel="prev">
              ← {t("jobs.previous")}
            </Link>
          ) : (
            <span />
          )}
          <span className="text-sm text-slate-500" data-testid="jobs-page">
            {t("jobs.pageOf", { count: list.total, page: n(list.page), pages: n(list.pageCount), total: n(list.total) })}
          </span>
          {list.page < list.pageCount ? (
            <Link to={linkTo({ page: String(list.page + 1) })} className="btn-secondary" rel="next">
              {t("jobs.next")} →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </div>
  );
}

/** A repeat interval as people say it: 300000 → "5 min". */
function intervalText(interval: string | number, locale: string): string {
  // Agenda's own words ("1 day", "5 minutes") are said again in the reader's language
  const said = typeof interval === "string" ? /^(\d+)\s*(second|minute|hour|day|week)s?$/i.exec(interval.trim()) : null;
  if (typeof interval === "string" && !said && !/^\d+$/.test(interval)) return interval;
  const unitMs: Record<string, number> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
  const ms = said ? Number(said[1]) * unitMs[said[2].toLowerCase()] : Number(interval);
  const units: Array<[number, Intl.NumberFormatOptions["unit"]]> = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1_000, "second"],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(ms / size);
  }
  return new Intl.NumberFormat(locale, { style: "unit", unit: "millisecond", unitDisplay: "short" }).format(ms);
}

/** A job's moment, compact: the year only when it is not this one, seconds always (jobs run in seconds). */
function formatJobTime(value: string, locale: string, timeZone: string): string {
  const date = new Date(value);
  const sameYear = new Intl.DateTimeFormat("en", { year: "numeric", timeZone }).format(date) === new Intl.DateTimeFormat("en", { year: "numeric", timeZone }).format(new Date());
  return new Intl.DateTimeFormat(locale, { ...(sameYear ? {} : { year: "numeric" }), month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone }).format(date);
}

function JobRowView({ job, locale, timeZone }: { job: JobRow; locale: string; timeZone: string }) {
  const { t } = useTranslation("admin");
  const label = useJobLabel();
  const time = (value: string) => (
    <time dateTime={value} title={formatDateTime(value, locale, timeZone)}>
      {formatJobTime(value, locale, timeZone)}
    </time>
  );
  const none = <span className="text-slate-400">{t("jobs.none")}</span>;
  const isRunning = job.state === "running";
  const canRetry = job.state === "failed" && !job.isDisabled;
  const retryDue = job.state === "failed" && job.nextRunAt !== null;
  return (
    <tr className={`align-top ${job.isDisabled ? "bg-slate-50 text-slate-500" : ""}`} data-testid={`job-${job.id}`}>
      <td className="max-w-[13rem]">
        <div className="font-medium text-slate-900">{label(job.name)}</div>
        {job.subject ? (
          <JobSubjectView subject={job.subject} outcome={job.outcome} />
        ) : (
          job.data !== "null" && (
            <div className="break-all font-mono text-xs text-slate-500" title={job.data}>
              {job.data}
            </div>
          )
        )}
        {job.repeatInterval !== null && <div className="text-xs text-slate-500">{t("jobs.every", { interval: intervalText(job.repeatInterval, locale) })}</div>}
      </td>
      <td className="max-w-[9rem]">
        <span className={`badge whitespace-nowrap ${STATE_STYLE[job.state] ?? ""}`} data-testid="job-state">
          {t(`jobs.states.${job.state}`)}
        </span>
        {job.isDisabled && job.state !== "paused" && (
          <span className={`badge ml-1 whitespace-nowrap ${STATE_STYLE.disabled}`} data-testid="job-disabled">
            {t("jobs.states.disabled")}
          </span>
        )}
        {isRunning && job.lockedAt && <div className="mt-0.5 text-xs text-slate-500">{t("jobs.runningSince", { at: formatJobTime(job.lockedAt, locale, timeZone) })}</div>}
      </td>
      <td className="whitespace-nowrap tabular-nums" data-testid="job-next-run">
        {job.nextRun.kind === "at" ? (
          time(job.nextRun.at)
        ) : job.nextRun.kind === "runningNow" ? (
          <>
            <span className="font-medium text-indigo-700">{t("jobs.nextRuns.runningNow")}</span>
            {job.nextRun.then && (
              <div className="text-xs text-slate-500">
                {t("jobs.nextRuns.then")} {time(job.nextRun.then)}
              </div>
            )}
          </>
        ) : job.nextRun.kind === "dueNow" ? (
          <span className="font-medium text-sky-700">{t("jobs.nextRuns.dueNow")}</span>
        ) : job.nextRun.kind === "whenEnabled" ? (
          <span className="text-slate-500">{t("jobs.nextRuns.whenEnabled")}</span>
        ) : (
          none
        )}
        {retryDue && <div className="text-xs text-amber-700">{t("jobs.retryDue")}</div>}
      </td>
      <td className="whitespace-nowrap tabular-nums">
        {job.lastRunAt ? time(job.lastRunAt) : none}
        {job.lastFinishedAt && (
          <div className="text-xs text-slate-500">
            {t("jobs.finished")} {time(job.lastFinishedAt)}
          </div>
        )}
      </td>
      <td className="min-w-[11rem] max-w-xs text-xs">
        <div className={`text-sm tabular-nums ${job.failCount > 0 ? "font-medium text-red-700" : "text-slate-400"}`} data-testid="job-failures">
          {job.failCount}
        </div>
        {job.failReason !== null && (
          <div data-testid="job-error">
            {job.failReason.length <= ERROR_SHOWN ? (
              <span className="break-words text-red-800">{job.failReason}</span>
            ) : (
              <details>
                <summary className="cursor-pointer break-words text-red-800">
                  {job.failReason.slice(0, ERROR_SHOWN)}… <span className="whitespace-nowrap text-indigo-700 underline">{t("jobs.showAll")}</span>
                </summary>
                <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-red-50 p-2 font-mono text-red-900">{job.failReason}</pre>
              </details>
            )}
          </div>
        )}
      </td>
      <td>
        <div className="flex flex-col items-end gap-2">
          {canRetry && (
            <Form method="post">
              <AuthenticityTokenInput />
              <input type="hidden" name="id" value={job.id} />
              <button type="submit" name="intent" value="retry" className="btn-secondary whitespace-nowrap">
                {t("jobs.retry")}
              </button>
            </Form>
          )}
          {(job.isDisabled || job.canDisable) && (
            <Form method="post">
              <AuthenticityTokenInput />
              <input type="hidden" name="id" value={job.id} />
              {job.isDisabled ? (
                <button type="submit" name="intent" value="enable" className="btn-secondary">
                  {t("jobs.enable")}
                </button>
              ) : (
                <ConfirmSubmit
                  label={t("jobs.disable")}
                  question={t("jobs.disableQuestion", { name: label(job.name) })}
                  confirmLabel={t("jobs.disableConfirm")}
                  danger
                  name="intent"
                  value="disable"
                />
              )}
            </Form>
          )}
        </div>
      </td>
    </tr>
  );
}

/** What a job acts on, in a sentence ("Import #3, finished"), linked to it when it still exists. */
function JobSubjectView({ subject, outcome }: { subject: JobRow["subject"] & object; outcome: JobRow["outcome"] }) {
  const { t } = useTranslation("admin");
  let text: string;
  let to: string | null = null;
  let detail: string | null = null;
  if (subject.kind === "segment") {
    text = subject.name !== null ? t("jobs.subjects.segment", { name: subject.name }) : t("jobs.subjects.segmentGone", { id: subject.id });
    if (subject.name !== null) to = `/segments/${subject.id}`;
  } else if (subject.kind === "import") {
    text = t(subject.mode === "check" ? "jobs.subjects.check" : "jobs.subjects.import", { id: subject.id });
    if (subject.fileName !== null) {
      to = `/imports/${subject.id}`;
      detail = subject.fileName;
    }
  } else {
    text = t("jobs.subjects.email", { id: subject.id });
  }
  const sentence = outcome ? t(`jobs.outcomes.${outcome}`, { subject: text }) : text;
  return (
    <div className="text-xs" data-testid="job-subject">
      {to ? (
        <Link to={to} className="block break-words text-indigo-700 hover:underline" title={sentence}>
          {sentence}
        </Link>
      ) : (
        <div className="break-words text-slate-600" title={sentence}>
          {sentence}
        </div>
      )}
      {detail && (
        <div className="break-words text-slate-500" title={detail}>
          {detail}
        </div>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
