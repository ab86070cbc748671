// Takes the README's screenshots of a running console: `node --import tsx docs/take-screenshots.ts
// http://localhost:3000 marketer@demo.store <password> admin@demo.store <password>`. Needs Debian's
// chromium at /usr/bin/chromium (or CHROMIUM_PATH).
import { chromium, type Page } from "playwright-core";

const [base = "http://localhost:3000", marketerEmail, marketerPassword, adminEmail, adminPassword] = process.argv.slice(2);
if (!marketerEmail || !marketerPassword) throw new Error("usage: take-screenshots.ts <url> <marketer email> <password> [<admin email> <password>]");
const out = new URL("./screenshots/", import.meta.url).pathname;

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== "/login"), page.getByRole("button", { name: "Sign in" }).click()]);
}

async function shoot(page: Page, path: string, name: string, ready?: (page: Page) => Promise<void>) {
  await page.goto(base + path);
  await page.waitForLoadState("networkidle");
  await ready?.(page);
  await page.screenshot({ path: `${out}${name}.png`, fullPage: false });
  console.log(`  ${name}.png  ${path}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  const page = await context.newPage();
  await signIn(page, marketerEmail, marketerPassword);
  await shoot(page, "/", "dashboard");
  await shoot(page, "/segments", "segments");
  const first = await page.locator('a[href^="/segments/"]').filter({ hasNotText: /new/i }).first().getAttribute("href");
  let customer: string | null = null;
  if (first) {
    await shoot(page, first, "segment");
    // a member of the segment: a customer with a history worth showing
    customer = await page.locator('a[href^="/customers/"]').first().getAttribute("href");
  }
  await shoot(page, "/segments/new", "segment-editor");
  await shoot(page, "/customers", "customers");
  customer ??= await page.locator('a[href^="/customers/"]').first().getAttribute("href");
  if (customer) await shoot(page, customer, "customer");
  await shoot(page, "/imports/new", "import");
  if (adminEmail && adminPassword) {
    const admin = await (await browser.newContext({ viewport: { width: 1360, height: 860 } })).newPage();
    await signIn(admin, adminEmail, adminPassword);
    await shoot(admin, "/admin/users", "admin-users");
    await shoot(admin, "/admin/jobs", "admin-jobs");
  }
} finally {
  await browser.close();
}
