// What the admin's jobs page reads and does: counts by name and state, a page of jobs, and the
// three actions (retry a failed job now, disable, enable), each recorded in the audit log in the
// transaction of the change. Reads go through the repository's own queries (queryJobs,
// getJobsOverview), so the page shows the states Agenda itself computes.
import { computeJobState, type JobParameters, type JobState, type JobWithState } from "agenda";
import { Op } from "sequelize";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { JOB_NAMES, type RecomputeJobData } from "./job-names";
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

export interface JobView {
  id: string;
  name: string;
  state: JobState;
  isDisabled: boolean;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastFinishedAt: Date | null;
  lockedAt: Date | null;
  failedAt: Date | null;
  failCount: number;
  failReason: string | null;
  /** Milliseconds or a human interval ("5 minutes"), for repeating jobs. */
  repeatInterval: string | number | null;
  /** The job's data as compact JSON, cut to DATA_SHOWN characters. */
  data: string;
  /** The segment a recompute job is for, with its name when it still exists. */
  segment: { id: number; name: string | null } | null;
}

export interface JobPage {
  jobs: JobView[];
  total: number;
  page: number;
  pageCount: number;
}

const DATA_SHOWN = 200;
const dateOf = (value: Date | string | null | undefined) => (value ? new Date(value) : null);

function viewOf(job: JobWithState, segmentNames: Map<number, string>): JobView {
  const json = JSON.stringify(job.data ?? null);
  const segmentId = job.name === JOB_NAMES.recomputeSegment ? Number((job.data as RecomputeJobData | null)?.segmentId) : NaN;
  return {
    id: String(job._id),
    name: job.name,
    state: job.state,
    isDisabled: Boolean(job.disabled),
    nextRunAt: dateOf(job.nextRunAt),
    lastRunAt: dateOf(job.lastRunAt),
    lastFinishedAt: dateOf(job.lastFinishedAt),
    lockedAt: dateOf(job.lockedAt),
    failedAt: dateOf(job.failedAt),
    failCount: job.failCount ?? 0,
    failReason: job.failReason ?? null,
    repeatInterval: job.repeatInterval ?? null,
    data: json.length > DATA_SHOWN ? `${json.slice(0, DATA_SHOWN - 1)}…` : json,
    segment: Number.isInteger(segmentId) && segmentId > 0 ? { id: segmentId, name: segmentNames.get(segmentId) ?? null } : null,
  };
}

/** One page of jobs, filtered by name and state, grouped by name and then by when they run next. */
export async function listJobs(queue: JobQueue, query: { name?: string; state?: JobPageState; page: number; pageSize: number }): Promise<JobPage> {
  const page = Math.max(1, Math.floor(query.page));
  const { jobs, total } = await queue.repository.queryJobs({
    name: query.name || undefined,
    state: query.state ? agendaStateOf(query.state) : undefined,
    sort: { name: "asc", nextRunAt: "asc" },
    skip: (page - 1) * query.pageSize,
    limit: query.pageSize,
  });
  const segmentIds = [
    ...new Set(jobs.filter((j) => j.name === JOB_NAMES.recomputeSegment).map((j) => Number((j.data as RecomputeJobData | null)?.segmentId)).filter((id) => Number.isInteger(id) && id > 0)),
  ];
  const segments = segmentIds.length
    ? await queue.db.models.Segment.findAll({ where: { id: { [Op.in]: segmentIds } }, attributes: ["id", "name"], raw: true })
    : [];
  const names = new Map(segments.map((s) => [Number(s.id), s.name]));
  return { jobs: jobs.map((j) => viewOf(j, names)), total, page, pageCount: Math.max(1, Math.ceil(total / query.pageSize)) };
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
