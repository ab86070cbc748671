import type { Page } from "playwright-core";
import { describe } from "vitest";
import { baseUrl, expect, open, test, type Role } from "./fixtures";

const COMMON = ["/", "/segments", "/customers", "/notifications", "/account"];
const PAGES: Record<Role, string[]> = {
  admin: [...COMMON, "/segments/new", "/campaigns", "/campaigns/new", "/outbox", "/imports", "/imports/new", "/admin/users", "/admin/api-keys", "/admin/audit", "/admin/jobs", "/admin/store", "/admin/channels"],
  marketer: [...COMMON, "/segments/new", "/campaigns", "/campaigns/new", "/outbox", "/imports", "/imports/new"],
  manager: COMMON,
};

/** Collects every Content-Security-Policy violation and console error of the page's documents from now on. */
async function watchPolicy(page: Page) {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  await page.exposeFunction("reportPolicyViolation", (line: string) => problems.push(line));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportPolicyViolation: (line: string) => void }).reportPolicyViolation;
      void report(`CSP violation on ${location.pathname}: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return problems;
}

/** The first link on `listPath` to one of its items, e.g. /segments/12. */
async function firstItemPath(page: Page, listPath: string): Promise<string> {
  await open(page, listPath);
  const hrefs = await page.locator(`main a[href^="${listPath}/"]`).evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  const item = hrefs.find((href) => new RegExp(`^${listPath}/\\d+$`).test(href));
  if (!item) throw new Error(`no item link on ${listPath}`);
  return item;
}

/** The notification bell opens its panel only through React: it proves the page hydrated and runs. */
async function bellWorks(page: Page) {
  const bell = page.getByTestId("notification-bell");
  await bell.click();
  await expect.poll(() => page.getByTestId("notification-panel").isVisible()).toBe(true);
  await bell.click();
  await expect.poll(() => page.getByTestId("notification-panel").isVisible()).toBe(false);
}

async function visitEveryPage(page: Page, role: Role) {
  const problems = await watchPolicy(page);
  const segment = await firstItemPath(page, "/segments");
  const customer = await firstItemPath(page, "/customers");
  const paths = [...PAGES[role], segment, customer, ...(role === "manager" ? [] : [`${segment}/edit`])];
  for (const pathname of paths) {
    const response = await open(page, pathname);
    expect({ pathname, status: response!.status() }).toEqual({ pathname, status: 200 });
    const policy = response!.headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    await bellWorks(page);
  }
  expect(problems).toEqual([]);
}

describe("the Content-Security-Policy", () => {
  test("the login page is served under a nonce policy that forbids framing, plugins, foreign forms and base changes, and still works", async ({ page }) => {
    const problems = await watchPolicy(page);
    const response = await open(page, "/login");
    const policy = response!.headers()["content-security-policy"];
    for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "default-src 'self'"]) expect(policy).toContain(directive);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    // every inline script carries this response's nonce
    const nonce = /'nonce-([^']+)'/.exec(policy)![1];
    const scripts = await page.locator("script:not([src])").evaluateAll((nodes) => nodes.map((s) => (s as HTMLScriptElement).nonce));
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.every((n) => n === nonce)).toBe(true);
    // an inline script without the nonce is refused by the browser
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.injected = true";
      document.body.append(s);
    });
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
    await expect.poll(() => problems.some((p) => p.includes("script-src"))).toBe(true);
    // another response, another nonce
    const again = await page.request.get(`${baseUrl()}/login`);
    expect(again.headers()["content-security-policy"]).not.toContain(nonce);
  });

  test("an admin opens every main page without a policy violation, and each page hydrates", async ({ adminPage }) => {
    await visitEveryPage(adminPage, "admin");
  }, 240_000);

  test("a marketer opens every main page without a policy violation, and each page hydrates", async ({ marketerPage }) => {
    await visitEveryPage(marketerPage, "marketer");
  }, 240_000);

  test("a manager opens every main page without a policy violation, and each page hydrates", async ({ managerPage }) => {
    await visitEveryPage(managerPage, "manager");
  }, 240_000);
});
