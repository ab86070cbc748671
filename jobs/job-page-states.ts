// The job states the admin's jobs page counts and filters by (browser-safe: the page's filter lists them).
// "disabled" is Agenda's "paused": the job's disabled flag, whatever its schedule.
export const JOB_PAGE_STATES = ["queued", "running", "scheduled", "repeating", "failed", "completed", "disabled"] as const;
export type JobPageState = (typeof JOB_PAGE_STATES)[number];
