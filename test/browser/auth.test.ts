import { describe } from "vitest";
import { baseUrl, expect, loginOf, open, screenshot, signIn, submit, test } from "./fixtures";

describe("signing in and out", () => {
  test("a wrong password shows the error, and after five failures even the right one waits", async ({ adminPage, page }) => {
    // an account of its own, so locking it out does not disturb the other tests
    const email = `locked-${Date.now().toString(36)}@demo.store`;
    const password = "locked-out-password-1";
    await open(adminPage, "/admin/users");
    const form = adminPage.locator("form#create-user");
    await form.getByLabel("Name").fill("Lou Locked");
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Type one").check();
    await form.getByPlaceholder("At least 10 characters").fill(password);
    await form.getByRole("button", { name: "Add user" }).click();
    await adminPage.getByTestId(`user-${email}`).waitFor();

    await open(page, "/login");
    const attempt = async (tryPassword: string) => {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(tryPassword);
      return submit(page, page.getByRole("button", { name: "Sign in" }));
    };
    const message = () => page.getByRole("alert").innerText();
    for (let i = 1; i <= 5; i++) {
      expect(await attempt(`wrong-${i}`)).toBe(401);
      await expect.poll(message).toBe("Wrong email or password.");
    }
    await screenshot(page, "login-wrong-password");
    expect(await attempt(password)).toBe(429);
    await expect.poll(message).toMatch(/^Too many attempts\. Try again in \d+ minutes\.$/);
    expect(new URL(page.url()).pathname).toBe("/login");
  });

  test("logging out ends the session", async ({ marketerPage }) => {
    await marketerPage.getByRole("button", { name: "Log out" }).click();
    await marketerPage.waitForURL((url) => url.pathname === "/login");
    await open(marketerPage, "/customers");
    expect(new URL(marketerPage.url()).pathname).toBe("/login");
    expect(await marketerPage.getByTestId("current-user").count()).toBe(0);
  });

  test("a form posted without its CSRF token, or with a wrong one, is refused and changes nothing", async ({ adminPage }) => {
    await open(adminPage, "/admin/store");
    const nameBefore = await adminPage.getByLabel("Store name").inputValue();
    const statuses = await adminPage.evaluate(async () => {
      const post = async (token: string | null) => {
        const body = new FormData();
        if (token !== null) body.set("csrf", token);
        for (const [k, v] of Object.entries({ name: "Hijacked", timeZone: "UTC", currency: "USD", locale: "en" })) body.set(k, v);
        return (await fetch("/admin/store", { method: "POST", body })).status;
      };
      return [await post(null), await post("not-the-token")];
    });
    expect(statuses).toEqual([403, 403]);
    // through the page itself, with its token gone stale (signed out and in again in another tab): the page says what happened
    const otherTab = await adminPage.context().newPage();
    await open(otherTab, "/account");
    await Promise.all([otherTab.waitForURL((url) => url.pathname === "/login"), otherTab.getByRole("button", { name: "Log out" }).click()]);
    await signIn(otherTab, loginOf("admin"));
    await otherTab.close();
    await adminPage.getByLabel("Store name").fill("Hijacked");
    await adminPage.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => adminPage.locator("h1").first().innerText()).toBe("403 Form expired");
    expect(await adminPage.getByText("The form expired or came from another site, so nothing was changed.").isVisible()).toBe(true);
    await open(adminPage, "/admin/store");
    expect(await adminPage.getByLabel("Store name").inputValue()).toBe(nameBefore);
  });

  test("after signing in, the user lands on the page they asked for", async ({ page }) => {
    await open(page, "/admin/audit");
    expect(new URL(page.url()).pathname).toBe("/login");
    const admin = loginOf("admin");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await Promise.all([page.waitForURL((url) => url.pathname === "/admin/audit"), page.getByRole("button", { name: "Sign in" }).click()]);
    expect(new URL(page.url()).origin).toBe(baseUrl());
  });

  test("a user changes their own password under Your account; the old one stops working", async ({ adminPage, newContext }) => {
    const email = `self-service-${Date.now().toString(36)}@demo.store`;
    await open(adminPage, "/admin/users");
    const form = adminPage.locator("form#create-user");
    await form.getByLabel("Name").fill("Sam Self");
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Role").selectOption("manager");
    await form.getByLabel("Type one").check();
    await form.getByPlaceholder("At least 10 characters").fill("first-password-1");
    await form.getByRole("button", { name: "Add user" }).click();
    await adminPage.getByTestId(`user-${email}`).waitFor();

    const page = await (await newContext()).newPage();
    await signIn(page, { email, password: "first-password-1" });
    await page.getByTestId("current-user").click();
    await page.waitForURL((url) => url.pathname === "/account");
    await screenshot(page, "account");
    await page.getByLabel("Current password").fill("not-my-password");
    await page.getByLabel("New password", { exact: true }).fill("second-password-2");
    await page.getByLabel("New password again").fill("second-password-2");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByText("Current password: this is not your current password.").isVisible()).toBe(true);

    await page.getByLabel("Current password").fill("first-password-1");
    await page.getByLabel("New password", { exact: true }).fill("second-password-2");
    await page.getByLabel("New password again").fill("second-password-2");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => page.getByText("Your password was changed.").isVisible()).toBe(true);
    // this session carries on
    await open(page, "/customers");
    expect(new URL(page.url()).pathname).toBe("/customers");

    const other = await (await newContext()).newPage();
    await open(other, "/login");
    await other.getByLabel("Email").fill(email);
    await other.getByLabel("Password").fill("first-password-1");
    await other.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => other.getByRole("alert").innerText()).toBe("Wrong email or password.");
    await signIn(other, { email, password: "second-password-2" });
    expect(new URL(other.url()).pathname).toBe("/");
  });
});
