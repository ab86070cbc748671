import { afterAll, beforeAll, describe, inject } from "vitest";
import type { Page } from "playwright-core";
import { openDatabase, type Database } from "../../models/db";
import { JobQueue, jobOf } from "../../jobs/job-queue";
import { JOB_NAMES } from "../../jobs/job-names";
import { baseUrl, expect, open, screenshot, submit, test } from "./fixtures";

// The console's own jobs do not fail on demand, so the failed one is written as a run that failed
// would leave it (what another worker process would have done); the real worker of the browser
// server then runs it again when the admin retries it.
const FAILURE =
  "SequelizeDatabaseError: SQLITE_BUSY: database is locked while writing the members of segment 900001; the recompute gave up after 5 attempts and will be retried by an admin";

describe("the admin's jobs page", () => {
  let db: Database;
  let queue: JobQueue;
  let failedId: string;
  let scheduledId: string;
  let finishedImportId: string;
  let runningId: string;

  beforeAll(async () => {
    db = await openDatabase(inject("databaseUrl"));
    queue = new JobQueue(db, { name: "browser-test", processEveryMs: 1_000 });
    const hourAgo = new Date(Date.now() - 3_600_000);
    const failed = await queue.save(
      // a repeating recompute, as every active segment has; its retries ran out an hour ago
      jobOf(JOB_NAMES.recomputeSegment, { segmentId: 900001, formation: null }, new Date(Date.now() + 3_600_000), {
        repeatInterval: 3_600_000,
        lastRunAt: hourAgo,
        lastFinishedAt: hourAgo,
        failedAt: hourAgo,
        failCount: 3,
        failReason: FAILURE,
      }),
    );
    failedId = String(failed._id);
    const scheduled = await queue.save(jobOf(JOB_NAMES.deliverEmail, { messageId: 0 }, new Date(Date.now() + 86_400_000)));
    scheduledId = String(scheduled._id);
    // a one-off import that ran an hour ago, and a job another worker is running now (due a minute ago)
    const finishedImport = await queue.save(jobOf(JOB_NAMES.runImport, { importId: 900002, mode: "import" }, hourAgo, { nextRunAt: null, lastRunAt: hourAgo, lastFinishedAt: hourAgo }));
    finishedImportId = String(finishedImport._id);
    const minuteAgo = new Date(Date.now() - 60_000);
    const running = await queue.save(jobOf("send-weekly-report", { week: 48 }, minuteAgo, { lockedAt: new Date(), lastRunAt: new Date() }));
    runningId = String(running._id);
  });
  afterAll(async () => {
    await queue.repository.removeJobs({ ids: [failedId, scheduledId, finishedImportId, runningId] });
    await db.close();
  });

  const row = (page: Page, id: string) => page.getByTestId(`job-${id}`);

  test("an admin sees jobs by name and state, retries a failed one that the worker then completes, and disables and enables one", async ({ adminPage: page }) => {
    await open(page, "/admin/jobs");
    await expect.poll(() => page.locator("h1").innerText()).toBe("Jobs");
    // the console's own jobs are there: the change follower always runs on the worker
    await expect.poll(() => page.getByTestId("overview-follow-customer-changes").isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId("overview-recompute-segment").locator('[data-state="failed"]').innerText()).toBe("1");
    await screenshot(page, "admin-jobs");

    // filter: failed recomputes
    await page.getByLabel("Job name").selectOption("recompute-segment");
    await page.getByLabel("State", { exact: true }).selectOption("failed");
    await Promise.all([page.waitForURL(/state=failed/), page.getByRole("button", { name: "Filter" }).click()]);
    await expect.poll(() => page.getByTestId("jobs-table").locator("tbody tr").count()).toBe(1);
    const failed = row(page, failedId);
    await expect.poll(() => failed.getByTestId("job-state").innerText()).toBe("Failed");
    await expect.poll(() => failed.getByText("Recompute of segment #900001 (deleted)", { exact: true }).isVisible()).toBe(true);
    // the error is cut in the table and shown whole on request
    await expect.poll(() => failed.getByText(FAILURE, { exact: true }).isVisible()).toBe(false);
    await failed.getByText("Show all").click();
    await expect.poll(() => failed.getByText(FAILURE, { exact: true }).isVisible()).toBe(true);
    await screenshot(page, "admin-jobs-failed");

    expect(await submit(page, failed.getByRole("button", { name: "Retry now" }))).toBe(200);
    await expect.poll(() => page.getByTestId("jobs-notice").innerText()).toBe("“Segment recompute” will run again within seconds.");
    // the worker runs it (the segment is gone, so the run has nothing to do): it is back on its schedule, with no failures
    await expect
      .poll(
        async () => {
          await open(page, `/admin/jobs?name=recompute-segment`);
          return row(page, failedId).getByTestId("job-state").innerText();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe("Repeating");
    await expect.poll(() => row(page, failedId).getByTestId("job-failures").innerText()).toBe("0");

    // disable a scheduled job, then enable it again
    await open(page, "/admin/jobs?name=deliver-email&state=scheduled");
    const scheduled = row(page, scheduledId);
    await scheduled.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => scheduled.getByText("Disable this “Email delivery” job?", { exact: false }).isVisible()).toBe(true);
    expect(await submit(page, scheduled.getByRole("button", { name: "Disable", exact: true }).last())).toBe(200);
    await expect.poll(() => page.getByTestId("jobs-notice").innerText()).toBe("“Email delivery” is disabled: no worker will run it.");
    await expect.poll(() => scheduled.getByTestId("job-disabled").isVisible()).toBe(true);
    await screenshot(page, "admin-jobs-disabled");
    expect((await queue.repository.getJobById(scheduledId))?.disabled).toBe(true);
    await open(page, "/admin/jobs?state=disabled");
    await expect.poll(() => row(page, scheduledId).isVisible()).toBe(true);

    expect(await submit(page, row(page, scheduledId).getByRole("button", { name: "Enable" }))).toBe(200);
    await expect.poll(() => page.getByTestId("jobs-notice").innerText()).toBe("“Email delivery” is enabled again.");
    await expect.poll(() => (async () => (await queue.repository.getJobById(scheduledId))?.disabled)()).toBe(false);

    // each action is in the audit log
    await open(page, "/admin/audit?action=job.retry");
    await expect.poll(() => page.getByTestId("audit-table").getByText(`Job #${failedId}`).count()).toBe(1);
    await open(page, "/admin/audit");
    const actions = await page.getByTestId("audit-table").locator("tbody tr").filter({ hasText: `Job #${scheduledId}` }).locator("td:nth-child(3)").allInnerTexts();
    expect(actions).toEqual(["Job enabled", "Job disabled"]);
  });

  test("a finished one-off job says what it did and offers no Disable; a running or due job's next run reads as now, never as a past time", async ({ adminPage: page }) => {
    await open(page, "/admin/jobs?name=run-import&state=completed");
    const finished = row(page, finishedImportId);
    await expect.poll(() => finished.getByTestId("job-subject").innerText()).toBe("Import #900002, finished");
    await expect.poll(() => finished.getByText('{"importId"', { exact: false }).count()).toBe(0);
    expect(await finished.getByRole("button").count()).toBe(0);
    await expect.poll(() => finished.getByTestId("job-next-run").innerText()).toBe("—");

    await open(page, "/admin/jobs?name=send-weekly-report");
    await expect.poll(() => row(page, runningId).getByTestId("job-next-run").innerText()).toBe("Running now");
    await screenshot(page, "admin-jobs-running");
  });

  test("a bad filter, job id or action is refused with 400 naming the field, and changes nothing", async ({ adminPage: page }) => {
    await open(page, "/admin/jobs");
    const token = await page.locator('input[name="csrf"]').first().inputValue();
    const before = await queue.repository.getJobById(scheduledId);
    for (const [form, field] of [
      [{ intent: "retry", id: "abc" }, "id"],
      [{ intent: "explode", id: scheduledId }, "intent"],
      [{ intent: "disable" }, "id"],
    ] as const) {
      const response = await page.request.post(`${baseUrl()}/admin/jobs?_data=routes/admin.jobs`, { form: { csrf: token, ...form } });
      expect({ form, status: response.status() }).toEqual({ form, status: 400 });
      expect(await response.json()).toMatchObject({ refusal: "bad_request", field });
    }
    for (const [query, field] of [["state=sleeping", "state"], ["page=0", "page"], ["name=%3Cscript%3E", "name"]]) {
      const response = await open(page, `/admin/jobs?${query}`);
      expect({ query, status: response!.status() }).toEqual({ query, status: 400 });
      await expect.poll(() => page.getByText(`The jobs page's "${field}" parameter is not valid.`).isVisible()).toBe(true);
    }
    const missing = await page.request.post(`${baseUrl()}/admin/jobs?_data=routes/admin.jobs`, { form: { csrf: token, intent: "retry", id: "987654321" } });
    expect(missing.status()).toBe(404);
    expect(await queue.repository.getJobById(scheduledId)).toEqual(before);
  });

  test("marketers and managers get 403 on the jobs page and its actions", async ({ marketerPage, managerPage }) => {
    for (const page of [marketerPage, managerPage]) {
      await open(page, "/");
      const token = await page.locator('input[name="csrf"]').first().inputValue();
      const response = await open(page, "/admin/jobs");
      expect(response!.status()).toBe(403);
      await expect.poll(() => page.locator("h1").first().innerText()).toBe("403 Forbidden");
      const post = await page.request.post(`${baseUrl()}/admin/jobs`, { form: { csrf: token, intent: "disable", id: scheduledId } });
      expect(post.status()).toBe(403);
    }
    await screenshot(marketerPage, "admin-jobs-forbidden-marketer");
    expect((await queue.repository.getJobById(scheduledId))?.disabled).toBe(false);
  });
});
