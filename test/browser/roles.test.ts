import type { Page } from "playwright-core";
import { describe } from "vitest";
import { baseUrl, expect, open, screenshot, test, type Role } from "./fixtures";

// What each role may open, as SPEC.md's table of roles says: managers read segments but may not create one,
// and have nothing to do with campaigns; they read automations without changing them.
const PAGES = ["/", "/customers", "/segments", "/segments/new", "/segments/compare", "/products", "/campaigns", "/campaigns/new", "/automations", "/automations/new", "/outbox", "/imports", "/admin/users", "/admin/api-keys", "/admin/audit", "/admin/jobs", "/admin/store", "/admin/channels", "/tasks", "/account", "/notifications", "/exports"];
const MAY_OPEN: Record<Role, ReadonlyArray<(typeof PAGES)[number]>> = {
  admin: PAGES,
  marketer: ["/", "/customers", "/segments", "/segments/new", "/segments/compare", "/products", "/campaigns", "/campaigns/new", "/automations", "/automations/new", "/outbox", "/imports", "/tasks", "/account", "/notifications"],
  manager: ["/", "/customers", "/segments", "/automations", "/tasks", "/account", "/notifications"],
};
const NAV: Record<Role, string[]> = {
  admin: ["Dashboard", "Tasks", "Customers", "Segments", "Campaigns", "Automations", "Outbox", "Imports", "Products", "Exports", "Users", "API keys", "Audit log", "Jobs", "Store settings", "Custom fields", "Questions", "Channels"],
  marketer: ["Dashboard", "Tasks", "Customers", "Segments", "Campaigns", "Automations", "Outbox", "Imports", "Products", "Custom fields", "Questions"],
  manager: ["Dashboard", "Tasks", "Customers", "Segments", "Automations"],
};

async function navItems(page: Page) {
  // "Tasks" carries a badge with the number of open tasks: the item's name is what comes before it
  return (await page.locator('nav[aria-label="Main"] a').allInnerTexts()).map((text) => text.replace(/\s*\d+$/, "").trim());
}

async function checkRole(page: Page, role: Role) {
  await expect.poll(() => navItems(page)).toEqual(NAV[role]);
  for (const pathname of PAGES) {
    const response = await open(page, pathname);
    const allowed = MAY_OPEN[role].includes(pathname);
    expect({ pathname, status: response!.status() }).toEqual({ pathname, status: allowed ? 200 : 403 });
    if (allowed) {
      await expect.poll(() => page.locator("h1").first().innerText()).not.toMatch(/^40[34]/);
    } else {
      await expect.poll(() => page.locator("h1").first().innerText()).toBe("403 Forbidden");
      await expect.poll(() => page.getByText("Your role may not open this page.").isVisible()).toBe(true);
    }
  }
}

describe("roles", () => {
  test("an admin sees every nav item and opens every page", async ({ adminPage }) => {
    await screenshot(adminPage, "dashboard-admin");
    await checkRole(adminPage, "admin");
  });

  test("a marketer sees dashboard, customers, segments, campaigns, outbox and imports, and gets 403 on the admin pages", async ({ marketerPage }) => {
    await checkRole(marketerPage, "marketer");
    await open(marketerPage, "/admin/users");
    await screenshot(marketerPage, "forbidden-marketer-admin-users");
  });

  test("a manager sees dashboard, customers and segments, and gets 403 on a new segment, campaigns, the outbox, imports and the admin pages", async ({ managerPage }) => {
    await screenshot(managerPage, "dashboard-manager");
    await checkRole(managerPage, "manager");
  });

  test("a marketer cannot change anything through an admin page's action either, even with a valid form token", async ({ marketerPage, adminPage }) => {
    await open(marketerPage, "/");
    const token = await marketerPage.locator('input[name="csrf"]').first().inputValue();
    const response = await marketerPage.request.post(`${baseUrl()}/admin/users`, {
      form: { csrf: token, intent: "create", name: "Sneaky", email: "sneaky@demo.store", role: "admin", passwordMode: "typed", password: "sneaky-password-1" },
    });
    expect(response.status()).toBe(403);
    await open(adminPage, "/admin/users");
    await expect.poll(() => adminPage.getByText("sneaky@demo.store").count()).toBe(0);
  });

  test("nobody signed in is sent to the login page, which remembers where they were going", async ({ page }) => {
    await open(page, "/admin/audit");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/admin/audit");
    await screenshot(page, "login");
  });
});
