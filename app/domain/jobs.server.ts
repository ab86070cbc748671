// The admin's jobs page and the segment page reach the job queue through here (docs/decisions/0002).
export { jobCountsByName, jobNames, listJobs, retryJob, setJobDisabled, recomputeScheduleOf } from "../../jobs/job-admin";
export type { JobView, JobCounts, JobActionRefusal } from "../../jobs/job-admin";
