// Issue 16's whole path in a real browser against the real server and its worker: a marketer
// creates a task automation through the form; a customer the shop's back office tags through the
// API enters the segment; the worker's follower and runner make a task for the customer's manager;
// the manager finds it in the inbox with the customer beside it and completes it; the marketer sees
// the firing counted on the automation's page.
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Database } from "../../models/db";
import { createApiKey } from "../../models/api-keys.server";
import { expect, loginOf, open, screenshot, test } from "./fixtures";

describe("from an automation to a completed task", () => {
  let db: Database;
  let key = "";
  const stamp = Date.now().toString(36);
  const code = `e2e-${stamp}`;
  const segmentName = `Tagged for a call ${stamp}`;
  const externalId = `E2E-${stamp}`;

  const api = async (method: "POST" | "GET", path: string, body?: unknown) => {
    const response = await fetch(`${inject("baseUrl")}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await openDatabase(inject("databaseUrl"));
    // what a shop's back office would have: an API key (no page makes one for a test's own use)
    key = (await createApiKey(db, { name: `e2e ${stamp}`, scopes: ["customers:write", "segments:write", "segments:read"] }, { userId: null })).secret;
    const made = await api("POST", "/segments", { name: segmentName, code, type: "dynamic", criteria: [{ field: "tag", values: [{ value: code }] }] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  });
  afterAll(async () => {
    await db?.close();
  });

  test("a marketer's automation makes a task when a customer enters; the manager completes it; the firing is counted", async ({ marketerPage, managerPage }) => {
    const name = `Call the tagged ${stamp}`;
    await open(marketerPage, "/automations/new");
    await marketerPage.getByLabel("Name").fill(name);
    // the options read "name (members)"
    const option = await marketerPage.getByTestId("trigger-segment").locator("option", { hasText: segmentName }).getAttribute("value");
    await marketerPage.getByTestId("trigger-segment").selectOption(option!);
    await marketerPage.getByTestId("action-kind").selectOption("task");
    await marketerPage.getByTestId("task-settings").getByLabel("Task title").fill(`Call ${externalId}`);
    await Promise.all([marketerPage.waitForURL(/\/automations\/\d+\?saved=1/, { timeout: 30_000 }), marketerPage.getByTestId("save-automation").click()]);
    const automationPath = new URL(marketerPage.url()).pathname;
    await expect.poll(() => marketerPage.getByTestId("stat-fired").innerText()).toBe("0");

    // the back office tags a customer of the demo manager: the customer enters the segment
    const manager = loginOf("manager");
    const written = await api("POST", "/customers", { externalId, firstName: "Елена", lastName: `Тестова ${stamp}`, managerEmail: manager.email, tags: [code] });
    expect([200, 201], JSON.stringify(written.body)).toContain(written.status);

    // the manager's inbox gets the task (the worker follows the segment's events within seconds)
    await expect
      .poll(
        async () => {
          await open(managerPage, "/tasks");
          return managerPage.getByTestId("task-link").filter({ hasText: `Call ${externalId}` }).count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
    const row = managerPage.getByTestId("task-row").filter({ hasText: `Call ${externalId}` });
    expect(await row.getByTestId("task-customer").innerText()).toContain(`Тестова ${stamp}`);
    await Promise.all([managerPage.waitForURL(/\/tasks\/\d+$/), row.getByTestId("task-link").click()]);
    await expect.poll(() => managerPage.getByTestId("task-customer-name").innerText()).toContain(`Тестова ${stamp}`);
    expect(await managerPage.getByTestId("task-event").innerText()).toContain(segmentName);
    await screenshot(managerPage, "automation-task-1280");
    await managerPage.getByRole("button", { name: "Mark as done" }).click();
    const dialog = managerPage.getByRole("dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await Promise.all([managerPage.waitForURL(/\/tasks\?completed=\d+$/), dialog.getByRole("button", { name: "Mark as done" }).click()]);
    await expect.poll(() => managerPage.getByTestId("task-notice").innerText()).toBe(`Completed “Call ${externalId}”.`);
    expect(await managerPage.getByTestId("task-link").filter({ hasText: `Call ${externalId}` }).count()).toBe(0);

    // the marketer sees the firing counted, and for whom
    await open(marketerPage, automationPath);
    await expect.poll(() => marketerPage.getByTestId("stat-fired").innerText()).toBe("1");
    await screenshot(marketerPage, "automation-fired-1280");
  });
});
