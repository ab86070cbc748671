// What the admin's jobs page reads and does: counts by name and state, a page of jobs, and the
// three actions (retry a failed job now, disable, enable), each recorded in the audit log in the
// transaction of the change. Reads go through the repository's own queries (queryJobs,
// getJobsOverview), so the page shows the states Agenda itself computes.
import { computeJobState, type JobParameters, type JobState, type JobWithState } from "agenda";
import { Op } from "sequelize";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { JOB_NAMES, type DeliverEmailJobData, type ImportJobData, type RecomputeJobData } from "./job-names";
import type { JobQueue } from "./job-queue";
import type { JobPageState } from "./job-page-states";
import { findRecomputeJob } from "./segment-schedule";


const agendaStateOf = (state: JobPageState): JobState => (state === "disabled" ? "paused" : state);

export interface JobCounts {
  name: string;
  total: number;
  counts: Record<JobPageState, number>;
}

/** Per job name, how many jobs are in each state (a disabled job counts in its state and as disabled). */
export async function jobCountsByName(queue: JobQueue): Promise<JobCounts[]> {
  const overview = await queue.repository.getJobsOverview();
  return overview.map((o) => ({
    name: o.name,
    total: o.total,
    counts: { queued: o.queued, running: o.running, scheduled: o.scheduled, repeating: o.repeating, failed: o.failed, completed: o.completed, disabled: o.paused },
  }));
}

/** The names the filter offers: every job the console defines, and any other found in the table. */
export async function jobNames(queue: JobQueue): Promise<string[]> {
  const stored = await queue.repository.getDistinctJobNames();
  return [...new Set([...Object.values(JOB_NAMES), ...stored])].sort();
}

/** What a job acts on, read from its data: what the page names instead of showing the data. */
export type JobSubject =
  | { kind: "segment"; id: number; name: string | null }
  | { kind: "import"; id: number; mode: ImportJobData["mode"]; fileName: string | null }
  | { kind: "email"; id: number };

/**
 * When a job runs next, as the page says it: never a moment already past. A job due at a past
 * moment is "due now" (or, disabled, waits to be enabled); a running one is "running now", with the
 * next occurrence of a repeating job when one is set.
 */
export type JobNextRun =
  | { kind: "at"; at: Date }
  | { kind: "runningNow"; then: Date | null }
  | { kind: "dueNow" }
  | { kind: "whenEnabled" }
  | { kind: "none" };

export interface JobView {
  id: string;
  name: string;
  state: JobState;
  isDisabled: boolean;
  nextRunAt: Date | null;
  nextRun: JobNextRun;
  lastRunAt: Date | null;
  lastFinishedAt: Date | null;
  lockedAt: Date | null;
  failedAt: Date | null;
  failCount: number;
  failReason: string | null;
  /** Milliseconds or a human interval ("5 minutes"), for repeating jobs. */
  repeatInterval: string | number | null;
  /** A one-off job that has run and has nothing to come: "finished" (completed) or "failed". */
  outcome: "finished" | "failed" | null;
  /** Only a job with a run to come can be disabled; a disabled one can always be enabled. */
  canDisable: boolean;
  /** The job's data as compact JSON, cut to DATA_SHOWN characters; shown only for a job with no subject. */
  data: string;
  /** What the job acts on, for the console's own jobs. */
  subject: JobSubject | null;
}

export interface JobPage {
  jobs: JobView[];
  total: number;
  page: number;
  pageCount: number;
}

const DATA_SHOWN = 200;
const dateOf = (value: Date | string | null | undefined) => (value ? new Date(value) : null);

/** A positive integer id from a job's data, or null. */
function idIn(value: unknown): number | null {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Ids of the records the console's jobs act on, to look their names up in one query each. */
function subjectIdsOf(jobs: JobWithState[]) {
  const ids = { segments: new Set<number>(), imports: new Set<number>() };
  for (const job of jobs) {
    if (job.name === JOB_NAMES.recomputeSegment) {
      const id = idIn((job.data as RecomputeJobData | null)?.segmentId);
      if (id !== null) ids.segments.add(id);
    } else if (job.name === JOB_NAMES.runImport) {
      const id = idIn((job.data as ImportJobData | null)?.importId);
      if (id !== null) ids.imports.add(id);
    }
  }
  return ids;
}

interface SubjectNames {
  segments: Map<number, string>;
  imports: Map<number, string>;
}

function subjectOf(job: JobWithState, names: SubjectNames): JobSubject | null {
  if (job.name === JOB_NAMES.recomputeSegment) {
    const id = idIn((job.data as RecomputeJobData | null)?.segmentId);
    return id === null ? null : { kind: "segment", id, name: names.segments.get(id) ?? null };
  }
  if (job.name === JOB_NAMES.runImport) {
    const data = job.data as ImportJobData | null;
    const id = idIn(data?.importId);
    return id === null ? null : { kind: "import", id, mode: data?.mode === "check" ? "check" : "import", fileName: names.imports.get(id) ?? null };
  }
  if (job.name === JOB_NAMES.deliverEmail) {
    const id = idIn((job.data as DeliverEmailJobData | null)?.messageId);
    return id === null ? null : { kind: "email", id };
  }
  return null;
}

function nextRunOf(job: JobWithState, nextRunAt: Date | null, now: Date): JobNextRun {
  const isFuture = nextRunAt !== null && nextRunAt.getTime() > now.getTime();
  if (job.state === "running") return { kind: "runningNow", then: isFuture ? nextRunAt : null };
  if (nextRunAt === null) return { kind: "none" };
  if (isFuture) return { kind: "at", at: nextRunAt };
  return job.disabled ? { kind: "whenEnabled" } : { kind: "dueNow" };
}

function viewOf(job: JobWithState, names: SubjectNames, now: Date): JobView {
  const json = JSON.stringify(job.data ?? null);
  const nextRunAt = dateOf(job.nextRunAt);
  const repeatInterval = job.repeatInterval ?? null;
  const isOneOff = repeatInterval === null && nextRunAt === null;
  return {
    id: String(job._id),
    name: job.name,
    state: job.state,
    isDisabled: Boolean(job.disabled),
    nextRunAt,
    nextRun: nextRunOf(job, nextRunAt, now),
    lastRunAt: dateOf(job.lastRunAt),
    lastFinishedAt: dateOf(job.lastFinishedAt),
    lockedAt: dateOf(job.lockedAt),
    failedAt: dateOf(job.failedAt),
    failCount: job.failCount ?? 0,
    failReason: job.failReason ?? null,
    repeatInterval,
    outcome: isOneOff && job.state === "completed" ? "finished" : isOneOff && job.state === "failed" ? "failed" : null,
    canDisable: !job.disabled && nextRunAt !== null,
    data: json.length > DATA_SHOWN ? `${json.slice(0, DATA_SHOWN - 1)}…` : json,
    subject: subjectOf(job, names),
  };
}

/** One page of jobs, filtered by name and state, grouped by name and then by when they run next. */
export async function listJobs(queue: JobQueue, query: { name?: string; state?: JobPageState; page: number; pageSize: number; now?: Date }): Promise<JobPage> {
  const page = Math.max(1, Math.floor(query.page));
  const now = query.now ?? new Date();
  const { jobs, total } = await queue.repository.queryJobs({
    name: query.name || undefined,
    state: query.state ? agendaStateOf(query.state) : undefined,
    sort: { name: "asc", nextRunAt: "asc" },
    skip: (page - 1) * query.pageSize,
    limit: query.pageSize,
  });
  const ids = subjectIdsOf(jobs);
  const { Segment, Import } = queue.db.models;
  const [segments, imports] = await Promise.all([
    ids.segments.size ? Segment.findAll({ where: { id: { [Op.in]: [...ids.segments] } }, attributes: ["id", "name"], raw: true }) : [],
    ids.imports.size ? Import.findAll({ where: { id: { [Op.in]: [...ids.imports] } }, attributes: ["id", "fileName"], raw: true }) : [],
  ]);
  const names: SubjectNames = {
    segments: new Map(segments.map((s) => [Number(s.id), s.name])),
    imports: new Map(imports.map((i) => [Number(i.id), i.fileName])),
  };
  return { jobs: jobs.map((j) => viewOf(j, names, now)), total, page, pageCount: Math.max(1, Math.ceil(total / query.pageSize)) };
}

export type JobActionRefusal = "not_found" | "not_failed" | "running" | "disabled" | "unchanged";
export type JobActionOutcome = { ok: true; name: string } | { ok: false; reason: JobActionRefusal };

/**
 * "Retry": a failed job that is not running is made due now, so the next worker poll runs it. A
 * disabled job is refused (it would not run); enable it first.
 */
export async function retryJob(queue: JobQueue, id: string, actor: AuditActor, now: Date): Promise<JobActionOutcome> {
  const job = await queue.repository.getJobById(id);
  if (!job) return { ok: false, reason: "not_found" };
  if (job.disabled) return { ok: false, reason: "disabled" };
  const state = computeJobState(job, now);
  if (state === "running") return { ok: false, reason: "running" };
  if (state !== "failed") return { ok: false, reason: "not_failed" };
  const db = queue.db;
  await db.sequelize.transaction(async (transaction) => {
    // a save by id writes only the fields it is given
    await queue.save({ _id: job._id, name: job.name, nextRunAt: now } as JobParameters, transaction);
    await recordAudit(db, actor, "job.retry", { type: "job", id, detail: { name: job.name, failCount: job.failCount ?? 0, failReason: job.failReason ?? null } }, transaction, now);
  });
  return { ok: true, name: job.name };
}

/** Disables or enables one job; a disabled job is never locked or run, whatever its schedule. */
export async function setJobDisabled(queue: JobQueue, id: string, isDisabled: boolean, actor: AuditActor, now: Date): Promise<JobActionOutcome> {
  const job = await queue.repository.getJobById(id);
  if (!job) return { ok: false, reason: "not_found" };
  const db = queue.db;
  const changed = await db.sequelize.transaction(async (transaction) => {
    const count = isDisabled
      ? await queue.repository.disableJobs({ id }, { transaction })
      : await queue.repository.enableJobs({ id }, { transaction });
    if (count > 0) await recordAudit(db, actor, isDisabled ? "job.disable" : "job.enable", { type: "job", id, detail: { name: job.name } }, transaction, now);
    return count;
  });
  return changed > 0 ? { ok: true, name: job.name } : { ok: false, reason: "unchanged" };
}

export interface RecomputeSchedule {
  state: JobState;
  isDisabled: boolean;
  /** When the next recompute starts; null when none is scheduled. */
  nextRunAt: Date | null;
  /** Set while a recompute runs (the job's lock). */
  runningSince: Date | null;
  failReason: string | null;
}

/** The segment's recompute job as the segment page shows it; null when the segment has none. */
export async function recomputeScheduleOf(queue: JobQueue, segmentId: number): Promise<RecomputeSchedule | null> {
  const job = await findRecomputeJob(queue, segmentId);
  if (!job) return null;
  return {
    state: job.state,
    isDisabled: Boolean(job.disabled),
    nextRunAt: dateOf(job.nextRunAt),
    runningSince: dateOf(job.lockedAt),
    failReason: job.state === "failed" ? (job.failReason ?? null) : null,
  };
}
