import { describe } from "vitest";
import { baseUrl, expect, open, screenshot, test } from "./fixtures";

describe("API keys", () => {
  test("an admin creates a key, sees it once, and a call with it stops working once it is revoked", async ({ adminPage }) => {
    await open(adminPage, "/admin/api-keys");
    await screenshot(adminPage, "admin-api-keys-before");
    const form = adminPage.locator("form#create-api-key");
    const name = `Browser test ${Date.now().toString(36)}`;
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("customers:read").check();
    await form.getByRole("button", { name: "Create key" }).click();
    const shown = adminPage.getByTestId("new-api-key");
    await shown.waitFor();
    const secret = await shown.inputValue();
    expect(secret).toMatch(/^sk_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}$/);
    expect(await adminPage.getByTestId("shown-once").innerText()).toContain("shown only this once");
    await screenshot(adminPage, "admin-api-keys-created");

    // the copy button puts exactly the key on the clipboard
    await adminPage.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
    await adminPage.getByTestId("shown-once").getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => adminPage.getByTestId("shown-once").getByRole("button", { name: "Copied" }).count()).toBe(1);
    expect(await adminPage.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    // shown once: a reload shows the prefix only
    await adminPage.reload();
    const prefix = secret.slice(0, 11);
    const row = adminPage.getByTestId(`api-key-${prefix}`);
    expect(await row.innerText()).toContain(name);
    expect(await adminPage.content()).not.toContain(secret);

    const call = () => adminPage.request.get(`${baseUrl()}/api/v1/customers?limit=1`, { headers: { Authorization: `Bearer ${secret}` } });
    const before = await call();
    expect(before.status()).toBe(200);

    await row.getByRole("button", { name: "Revoke" }).click();
    await screenshot(adminPage, "admin-api-keys-confirm-revoke");
    await row.getByRole("button", { name: "Revoke key" }).click();
    await expect.poll(() => row.innerText()).toContain("Revoked");
    expect(await row.getByRole("button", { name: "Revoke" }).count()).toBe(0);

    const after = await call();
    expect(after.status()).toBe(401);
    await open(adminPage, "/admin/api-keys");
    expect(await adminPage.getByTestId(`api-key-${prefix}`).innerText()).toMatch(/Revoked/);
  });

  test("a key without a name or scopes is refused with the fields named, and nothing is created", async ({ adminPage }) => {
    await open(adminPage, "/admin/api-keys");
    const rows = await adminPage.locator('[data-testid^="api-key-"]').count();
    const form = adminPage.locator("form#create-api-key");
    await form.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => form.getByText("Name: give the key a name").isVisible()).toBe(true);
    expect(await form.getByText("Scopes: choose at least one.").isVisible()).toBe(true);
    await adminPage.reload();
    expect(await adminPage.locator('[data-testid^="api-key-"]').count()).toBe(rows);
  });
});
