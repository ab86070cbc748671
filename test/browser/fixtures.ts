import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { expect, inject, test as base } from "vitest";
import type { FirstLogin } from "./server.global";

export { expect };

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOTS = "test-results/screenshots";

export type Role = FirstLogin["role"];

export interface Credentials {
  email: string;
  password: string;
}

/** The first-start login of a role, as the server printed it. */
export function loginOf(role: Role): FirstLogin {
  const login = inject("logins").find((l) => l.role === role);
  if (!login) throw new Error(`the server printed no ${role} login`);
  return login;
}

export const baseUrl = () => inject("baseUrl");

/** Waits until React has hydrated the page, so buttons that work through React respond to clicks. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith("__reactFiber")), undefined, { timeout: 15_000 });
}

export async function open(page: Page, pathname: string) {
  const response = await page.goto(baseUrl() + pathname);
  await hydrated(page);
  return response;
}

/** Signs in through the login form and waits for the page it leads to. */
export async function signIn(page: Page, who: Credentials) {
  await open(page, "/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await Promise.all([page.waitForURL((url) => url.pathname !== "/login", { timeout: 15_000 }), page.getByRole("button", { name: "Sign in" }).click()]);
  await hydrated(page);
}

/** Clicks a submit button and waits for the server's answer to the form's POST; returns its status. */
export async function submit(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), button.click()]);
  return response.status();
}

/** A full-page picture of what the user sees, for people to look at (not compared by the tests). */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** What does not fit: the page's own sideways scroll, and elements that clip their text. */
export async function overflowAt(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const cut: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("main *, aside *"))) {
      // a closed dialog, and what only screen readers get (a chart's table of figures), is not on the screen
      if (el.closest("dialog:not([open])") || el.closest(".sr-only")) continue;
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden" || el.offsetWidth <= 1) continue;
      const clips = style.overflowX === "hidden" || style.overflowX === "clip" || style.textOverflow === "ellipsis";
      if (!clips || !el.innerText?.trim()) continue;
      if (el.scrollWidth > el.clientWidth + 1) cut.push(`${el.tagName.toLowerCase()} "${el.innerText.trim().slice(0, 40)}" (${el.scrollWidth} > ${el.clientWidth})`);
    }
    // text that runs out of its card (overflow visible, but over the card's edge), outside scrolling tables
    for (const el of Array.from(document.querySelectorAll<HTMLElement>(".card *"))) {
      if (el.closest(".table-box") || el.closest(".sr-only") || el.children.length > 0 || !el.innerText?.trim() || el.offsetWidth <= 1) continue;
      const card = el.closest(".card")!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      if (box.right > card.right + 1 || box.left < card.left - 1) cut.push(`${el.tagName.toLowerCase()} "${el.innerText.trim().slice(0, 40)}" runs out of its card`);
    }
    return { pageScrollWidth: root.scrollWidth, viewportWidth: root.clientWidth, cut };
  });
}

/** What each page showed when a test failed, to read a failure in CI. */
async function keepFailureScreens(testName: string, contexts: BrowserContext[]) {
  const dir = path.join("test-results", "failures");
  fs.mkdirSync(dir, { recursive: true });
  const slug = testName.replace(/[^a-z0-9]+/gi, "-").slice(0, 80);
  const pages = contexts.flatMap((c) => c.pages());
  await Promise.all(pages.map((p, i) => p.screenshot({ path: path.join(dir, `${slug}-${i}.png`), fullPage: true }).catch(() => {})));
}

interface FileFixtures {
  browser: Browser;
}

interface TestFixtures {
  /** A fresh browser profile (cookies and storage of its own) for this test; more via newContext(). */
  newContext: () => Promise<BrowserContext>;
  /** A page in a fresh context, signed in as nobody. */
  page: Page;
  /** Pages signed in as each first-start user, each in a context of its own. */
  adminPage: Page;
  marketerPage: Page;
  managerPage: Page;
}

export const test = base.extend<TestFixtures & FileFixtures>({
  browser: [
    // playwright gives each launch a fresh temporary user-data directory and removes it on close
    async ({}, use) => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      await use(browser);
      await browser.close();
    },
    { scope: "file" },
  ],
  newContext: async ({ browser, task }, use) => {
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    await use(async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-GB" });
      context.setDefaultTimeout(15_000);
      context.on("page", (page) => {
        page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
        page.on("console", (message) => {
          if (message.type() === "error") problems.push(`console error on ${page.url()}: ${message.text()}`);
        });
      });
      contexts.push(context);
      return context;
    });
    if (task.result?.state === "fail" || task.result?.errors?.length) {
      await keepFailureScreens(task.name, contexts);
      if (problems.length) console.error(`what the browser reported during "${task.name}":\n  ${problems.join("\n  ")}`);
    }
    await Promise.all(contexts.map((c) => c.close()));
  },
  page: async ({ newContext }, use) => {
    await use(await (await newContext()).newPage());
  },
  adminPage: async ({ newContext }, use) => {
    const page = await (await newContext()).newPage();
    await signIn(page, loginOf("admin"));
    await use(page);
  },
  marketerPage: async ({ newContext }, use) => {
    const page = await (await newContext()).newPage();
    await signIn(page, loginOf("marketer"));
    await use(page);
  },
  managerPage: async ({ newContext }, use) => {
    const page = await (await newContext()).newPage();
    await signIn(page, loginOf("manager"));
    await use(page);
  },
});
