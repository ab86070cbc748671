import fs from "node:fs";
import { parse } from "csv-parse/sync";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type Database } from "../../models/db";
import { getExportSettings, updateExportSettings, type ExportSettings } from "../../models/exports/settings.server";
import { expect, open, screenshot, test } from "./fixtures";

// Issue 17's path through the console: an admin follows a segment's member count to the customer
// list filtered by it, adds a "not in" segment, exports the list as CSV from the dialog and gets the
// file in the browser; a larger export runs on the Exports page to its download link. The new pages
// do not scroll sideways on a phone.
describe("exporting customers by segment", () => {
  let db: Database;
  let settings: ExportSettings;
  let segment: { id: number; name: string; code: string };
  let other: { id: number; name: string };

  beforeAll(async () => {
    db = await openDatabase(inject("databaseUrl"));
    settings = await getExportSettings(db);
    const segments = await db.models.Segment.findAll({ where: { deletedAt: null }, order: [["memberCount", "DESC"]], raw: true });
    const big = segments.find((s) => s.memberCount > 20);
    if (!big) throw new Error("the demo store has no segment with members");
    segment = { id: big.id, name: big.name, code: big.code };
    const second = segments.find((s) => s.id !== big.id && s.memberCount > 0)!;
    other = { id: second.id, name: second.name };
  });
  afterAll(async () => {
    await updateExportSettings(db, settings, {}, new Date());
    await db.close();
  });

  /** The members of the segment who are not in the other one, by external id, as the database holds them. */
  async function expectedIds(): Promise<string[]> {
    const members = await db.models.SegmentMember.findAll({ attributes: ["customerId"], where: { segmentId: segment.id }, raw: true });
    const excluded = new Set((await db.models.SegmentMember.findAll({ attributes: ["customerId"], where: { segmentId: other.id }, raw: true })).map((m) => m.customerId));
    const ids = members.map((m) => m.customerId).filter((id) => !excluded.has(id));
    const customers = await db.models.Customer.findAll({ attributes: ["externalId"], where: { id: ids }, raw: true });
    return customers.map((c) => c.externalId).sort();
  }

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  test("an admin filters the customers by a segment and downloads them as CSV", async ({ adminPage: page }) => {
    await updateExportSettings(db, { ...settings, jobFromRows: 50_000 }, {}, new Date());
    await open(page, "/segments");
    // the member count links to the customers in the segment
    await Promise.all([page.waitForURL(`**/customers?segment=${segment.id}`), page.locator(`a[href="/customers?segment=${segment.id}"]`).first().click()]);
    await expect.poll(() => page.getByTestId("segment-filters").innerText()).toContain(`In ${segment.name}`);
    // and another segment left out, from the "Not in segment" menu
    await Promise.all([page.waitForURL(/notSegment=/), page.getByTestId("filter-notSegment").selectOption(String(other.id))]);
    await expect.poll(() => page.getByTestId("segment-filters").innerText()).toContain(`Not in ${other.name}`);
    const expected = await expectedIds();
    await expect.poll(() => page.getByTestId("customer-count").innerText()).toContain(String(expected.length));

    await page.getByTestId("export-open").click();
    const dialog = page.getByTestId("export-dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel("Semicolon ;").check();
    await page.screenshot({ path: "test-results/screenshots/export-dialog.png" });
    const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByTestId("export-submit").click()]);
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d\d-\d\d\.csv$/);
    const text = fs.readFileSync((await download.path())!);
    expect([...text.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(text, { bom: true, delimiter: ";" }) as string[][];
    expect(records[0][0]).toBe("externalId");
    expect(records.slice(1).map((r) => r[0]).sort()).toEqual(expected);
    // the page stayed where it was
    expect(new URL(page.url()).pathname).toBe("/customers");
  });

  test("a larger export runs on the Exports page, with its progress, to a download link", async ({ adminPage: page }) => {
    await updateExportSettings(db, { ...settings, jobFromRows: 5 }, {}, new Date());
    await open(page, `/segments/${segment.id}`);
    await page.getByTestId("export-open").click();
    const dialog = page.getByTestId("export-dialog");
    await dialog.getByLabel("Excel (XLSX)").check();
    await Promise.all([page.waitForURL(/\/exports\?id=\d+/), dialog.getByTestId("export-submit").click()]);
    const link = page.getByTestId("export-download").first();
    await expect.poll(() => link.isVisible(), { timeout: 30_000 }).toBe(true);
    await screenshot(page, "exports-page");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe(`${segment.code}-${new Date().toISOString().slice(0, 10)}.xlsx`);
    expect(fs.statSync((await download.path())!).size).toBeGreaterThan(1000);
  });

  test("the new pages and the dialog do not scroll sideways at 390 px", async ({ adminPage: page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page, "/exports");
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await screenshot(page, "exports-page-390");
    await open(page, `/customers?segment=${segment.id}&notSegment=${other.id}`);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.getByTestId("export-open").click();
    await expect.poll(() => page.getByTestId("export-dialog").isVisible()).toBe(true);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    const box = await page.getByTestId("export-dialog").boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    // the dialog as the phone shows it (the full page behind it is a long list)
    await page.screenshot({ path: "test-results/screenshots/export-dialog-390.png" });
  });
});
