import type { Page } from "playwright-core";
import { describe } from "vitest";
import { baseUrl, expect, open, screenshot, signIn, test } from "./fixtures";

let seq = 0;
const uniqueEmail = (what: string) => `${what}-${Date.now().toString(36)}-${++seq}@demo.store`;

/** Adds a user through the form; returns the password the page shows once (generated) or the typed one. */
async function addUser(admin: Page, input: { name: string; email: string; role: string; password?: string }) {
  await open(admin, "/admin/users");
  const form = admin.locator("form#create-user");
  await form.getByLabel("Name").fill(input.name);
  await form.getByLabel("Email").fill(input.email);
  await form.getByLabel("Role").selectOption(input.role);
  if (input.password) {
    await form.getByLabel("Type one").check();
    await form.getByPlaceholder("At least 10 characters").fill(input.password);
  }
  await form.getByRole("button", { name: "Add user" }).click();
  const row = admin.getByTestId(`user-${input.email}`);
  await row.waitFor();
  if (input.password) return input.password;
  const shown = admin.getByTestId("new-password");
  await shown.waitFor();
  return shown.inputValue();
}

describe("users", () => {
  test("an admin adds a user with a generated password, shown once, and that user can sign in", async ({ adminPage, newContext }) => {
    const email = uniqueEmail("new-marketer");
    const password = await addUser(adminPage, { name: "Nadia New", email, role: "marketer" });
    expect(password).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    await expect.poll(() => adminPage.getByTestId("shown-once").innerText()).toContain("shown only this once");
    await screenshot(adminPage, "admin-users-created");
    // the form is empty again and the password is gone after a reload
    expect(await adminPage.locator("form#create-user").getByLabel("Email").inputValue()).toBe("");
    await adminPage.reload();
    expect(await adminPage.content()).not.toContain(password);
    const row = adminPage.getByTestId(`user-${email}`);
    expect(await row.innerText()).toContain("Marketer");

    const page = await (await newContext()).newPage();
    await signIn(page, { email, password });
    expect(new URL(page.url()).pathname).toBe("/");
    expect(await page.getByTestId("current-user").innerText()).toBe("Nadia New");
  });

  test("adding a user with a bad email or a taken one names the field and adds nobody", async ({ adminPage }) => {
    await open(adminPage, "/admin/users");
    const before = await adminPage.locator('[data-testid^="user-"]').count();
    const form = adminPage.locator("form#create-user");
    await form.getByLabel("Name").fill("Someone");
    await form.getByLabel("Email").fill("admin@demo.store");
    await form.getByRole("button", { name: "Add user" }).click();
    await expect.poll(() => form.getByText("Email: a user with this email already exists.").isVisible()).toBe(true);
    await form.getByLabel("Email").fill("not-an-email");
    await form.getByLabel("Email").blur();
    await expect.poll(() => form.getByText("Email: enter a valid email address.").isVisible()).toBe(true);
    await adminPage.reload();
    expect(await adminPage.locator('[data-testid^="user-"]').count()).toBe(before);
  });

  test("a deactivated user is signed out at their next request and cannot sign in until reactivated", async ({ adminPage, newContext }) => {
    const email = uniqueEmail("leaver");
    const password = await addUser(adminPage, { name: "Lea Leaver", email, role: "manager", password: "leaver-password-1" });
    const page = await (await newContext()).newPage();
    await signIn(page, { email, password });
    expect(await page.getByTestId("current-user").innerText()).toBe("Lea Leaver");

    const row = adminPage.getByTestId(`user-${email}`);
    await row.getByRole("button", { name: "Deactivate" }).click();
    await screenshot(adminPage, "admin-users-confirm-deactivate");
    // the question opens in a dialog over the page; its own button confirms
    await adminPage.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
    await expect.poll(() => row.innerText()).toContain("Deactivated");

    await open(page, "/customers");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").innerText()).toBe("Wrong email or password.");

    // reactivated, they sign in again; the session they had before does not come back by itself
    await row.getByRole("button", { name: "Reactivate" }).click();
    await expect.poll(() => row.innerText()).toContain("Active");
    await open(page, "/");
    expect(new URL(page.url()).pathname).toBe("/login");
    await signIn(page, { email, password });
    expect(new URL(page.url()).pathname).toBe("/");
  });

  test("a password reset shows the new password once and ends the user's open session", async ({ adminPage, newContext }) => {
    const email = uniqueEmail("forgetful");
    const old = await addUser(adminPage, { name: "Fran Forgetful", email, role: "marketer", password: "forgetful-password-1" });
    const page = await (await newContext()).newPage();
    await signIn(page, { email, password: old });

    const row = adminPage.getByTestId(`user-${email}`);
    await row.getByRole("button", { name: "Reset password" }).click();
    await row.getByRole("button", { name: "Reset", exact: true }).click();
    const shown = adminPage.getByTestId("new-password");
    await shown.waitFor();
    const fresh = await shown.inputValue();
    expect(fresh).not.toBe(old);

    await open(page, "/");
    expect(new URL(page.url()).pathname).toBe("/login");
    await signIn(page, { email, password: fresh });
    expect(new URL(page.url()).pathname).toBe("/");
  });

  test("an admin cannot demote or deactivate themself: no controls on their own row, and the server refuses too", async ({ adminPage }) => {
    await open(adminPage, "/admin/users");
    const mine = adminPage.getByTestId("user-admin@demo.store");
    expect(await mine.getByRole("button", { name: "Deactivate" }).count()).toBe(0);
    expect(await mine.locator("select").count()).toBe(0);
    expect(await mine.innerText()).toContain("you");
    await screenshot(adminPage, "admin-users");
    const myId = await mine.locator('input[name="userId"]').first().inputValue();
    const token = await mine.locator('input[name="csrf"]').first().inputValue();
    for (const form of [{ intent: "deactivate" }, { intent: "role", role: "manager" }] as Array<Record<string, string>>) {
      const response = await adminPage.request.post(`${baseUrl()}/admin/users`, { form: { csrf: token, userId: myId, ...form } });
      expect(response.status()).toBe(409);
    }
    await open(adminPage, "/admin/users");
    expect(await mine.innerText()).toContain("Admin");
    expect(await mine.innerText()).toContain("Active");
  });
});
