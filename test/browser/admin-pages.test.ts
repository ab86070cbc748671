import { describe } from "vitest";
import { expect, open, screenshot, submit, test } from "./fixtures";

describe("audit log and store settings", () => {
  test("the audit log lists what admins did, newest first, and filters by action and user", async ({ adminPage, marketerPage }) => {
    expect(await marketerPage.getByTestId("current-user").innerText()).toBe("Mila Marketer");
    // an action of our own to look for: a store-settings save
    await open(adminPage, "/admin/store");
    const original = await adminPage.getByLabel("Store name").inputValue();
    const save = adminPage.getByRole("button", { name: "Save settings" });
    await adminPage.getByLabel("Store name").fill(`${original} (audited)`);
    expect(await submit(adminPage, save)).toBe(200);
    await expect.poll(() => adminPage.getByTestId("current-store").innerText()).toBe(`${original} (audited)`);
    await adminPage.getByLabel("Store name").fill(original);
    expect(await submit(adminPage, save)).toBe(200);
    await expect.poll(() => adminPage.getByTestId("current-store").innerText()).toBe(original);

    await open(adminPage, "/admin/audit");
    const firstRow = adminPage.locator('[data-testid="audit-table"] tbody tr').first();
    expect(await firstRow.innerText()).toContain("Store settings changed");
    expect(await firstRow.innerText()).toContain(`name: ${original} (audited) → ${original}`);
    expect(await firstRow.innerText()).toContain("Ada Admin");
    await screenshot(adminPage, "admin-audit");

    await adminPage.getByLabel("Action").selectOption("user.login");
    await adminPage.getByRole("button", { name: "Filter" }).click();
    await adminPage.waitForURL((url) => url.searchParams.get("action") === "user.login");
    const column = (n: number) => adminPage.locator(`[data-testid="audit-table"] tbody tr td:nth-child(${n})`).allInnerTexts();
    await expect.poll(async () => [...new Set(await column(3))]).toEqual(["Signed in"]);

    await adminPage.getByLabel("User").selectOption({ label: "Mila Marketer (marketer@demo.store)" });
    await adminPage.getByRole("button", { name: "Filter" }).click();
    await adminPage.waitForURL((url) => url.searchParams.has("user") && url.searchParams.get("user") !== "");
    await expect.poll(async () => [...new Set(await column(2))]).toEqual(["Mila Marketer"]);
    expect([...new Set(await column(3))]).toEqual(["Signed in"]);

    // a bad query parameter is a 400 naming it, not a 500
    const bad = await open(adminPage, "/admin/audit?before=abc");
    expect(bad!.status()).toBe(400);
    expect(await adminPage.getByText('"before"').count()).toBeGreaterThan(0);
  });

  test("store settings refuse a time zone, currency or locale that does not exist, naming the field, and keep the old values", async ({ adminPage }) => {
    await open(adminPage, "/admin/store");
    await screenshot(adminPage, "admin-store");
    const before = await adminPage.getByLabel("Time zone").inputValue();
    await adminPage.getByLabel("Time zone").fill("Mars/Olympus_Mons");
    await adminPage.getByLabel("Locale").fill("not a locale!");
    await adminPage.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => adminPage.getByText("Time zone: use an IANA zone name").isVisible()).toBe(true);
    expect(await adminPage.getByText("Locale: use a language tag").isVisible()).toBe(true);
    await screenshot(adminPage, "admin-store-errors");
    // the server says the same when the browser's checks are bypassed
    const status = await adminPage.evaluate(async () => {
      const form = document.querySelector("form#store-settings") as HTMLFormElement;
      const body = new FormData(form);
      body.set("timeZone", "Mars/Olympus_Mons");
      body.set("currency", "XYZ");
      return (await fetch("/admin/store", { method: "POST", body })).status;
    });
    expect(status).toBe(400);
    await open(adminPage, "/admin/store");
    expect(await adminPage.getByLabel("Time zone").inputValue()).toBe(before);

    await adminPage.getByLabel("Time zone").fill("Europe/Kiev");
    expect(await submit(adminPage, adminPage.getByRole("button", { name: "Save settings" }))).toBe(200);
    await expect.poll(() => adminPage.getByText("Saved: 1 setting changed.").isVisible()).toBe(true);
    // saved in its canonical spelling; then put back
    await open(adminPage, "/admin/store");
    expect(await adminPage.getByLabel("Time zone").inputValue()).toMatch(/^Europe\/(Kiev|Kyiv)$/);
    await adminPage.getByLabel("Time zone").fill(before);
    expect(await submit(adminPage, adminPage.getByRole("button", { name: "Save settings" }))).toBe(200);
  });

  test("the main pages of each role, as pictures", async ({ adminPage, marketerPage, managerPage }) => {
    for (const [name, path] of [
      ["customers-admin", "/customers"],
      ["imports-admin", "/imports"],
      ["admin-api-keys", "/admin/api-keys"],
      ["account-admin", "/account"],
    ] as const) {
      await open(adminPage, path);
      await screenshot(adminPage, name);
    }
    await open(marketerPage, "/");
    // the dashboard lists the largest active segments, largest first, and the latest movements
    const sizes = await marketerPage.getByTestId("dashboard-segment-members").allInnerTexts();
    const counts = sizes.map((v) => Number(v.replace(/[^\d]/g, "")));
    expect(counts.length).toBeGreaterThan(0);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(await marketerPage.getByTestId("dashboard-movement").count()).toBeGreaterThan(0);
    await screenshot(marketerPage, "dashboard-marketer");
    await open(managerPage, "/customers");
    await screenshot(managerPage, "customers-manager");
    await open(managerPage, "/imports");
    await screenshot(managerPage, "forbidden-manager-imports");
  });
});
