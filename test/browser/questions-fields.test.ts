// Custom fields and registration questions in a real browser: an admin makes a select field and a
// question with two options (one moved above the other), both show up among the segment builder's
// criteria without a restart, and the pages fit a phone.
import type { Page } from "playwright-core";
import { describe } from "vitest";
import { expect, open, screenshot, submit, test } from "./fixtures";

async function pageScroll(page: Page) {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
}

describe("custom fields and registration questions", () => {
  test("an admin makes a select field and a question with two options; the builder offers both; the pages fit 390 px", async ({ adminPage: page, marketerPage }) => {
    const suffix = Date.now().toString(36);
    const fieldKey = `skin_${suffix}`;
    const questionKey = `budget_${suffix}`;
    const fieldLabel = `Skin type ${suffix}`;
    const questionText = `What is your budget? ${suffix}`;

    // a select field with its options, one a line
    await open(page, "/admin/fields");
    const form = page.getByTestId("new-field-form");
    await form.getByLabel("Key").fill(fieldKey);
    await form.getByLabel("Label").fill(fieldLabel);
    await form.getByLabel("Type").selectOption("select");
    // a select without options is refused, naming the field
    expect(await submit(page, form.getByRole("button", { name: "Add field" }))).toBe(400);
    await expect.poll(() => page.getByTestId("form-errors").innerText()).toContain("a select field needs at least one option");
    await page.getByTestId("new-field-form").getByLabel("Options, one a line").fill("dry\noily\nnormal");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("created") === fieldKey), page.getByTestId("new-field-form").getByRole("button", { name: "Add field" }).click()]);
    await expect.poll(() => page.getByTestId(`field-${fieldKey}`).innerText()).toContain("oily");
    await screenshot(page, "admin-fields");

    // a question with two options, texts in English and Bulgarian, the second option moved up
    await open(page, "/admin/questions/new");
    await page.getByLabel("Key", { exact: true }).first().fill(questionKey);
    await page.getByLabel("Question · English (required)").fill(questionText);
    await page.getByLabel("Question · Bulgarian").fill(`Какъв е бюджетът ви? ${suffix}`);
    const row = (i: number) => page.getByTestId(`option-row-${i}`);
    await row(0).getByLabel("Key").fill("low");
    await row(0).getByLabel("English").fill("Low");
    await row(1).getByLabel("Key").fill("high");
    await row(1).getByLabel("English").fill("High");
    await row(1).getByLabel("Bulgarian").fill("Висок");
    await row(1).getByRole("button", { name: "Move up: option 2" }).click();
    expect(await row(0).getByLabel("Key").inputValue()).toBe("high");
    await Promise.all([page.waitForURL((u) => /\/admin\/questions\/\d+/.test(u.pathname)), page.getByTestId("save-question").click()]);
    const questionPath = new URL(page.url()).pathname;
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe(questionText);
    expect(await row(0).innerText()).toContain("high");
    expect(await row(1).innerText()).toContain("low");
    await screenshot(page, "admin-question");
    await open(page, "/admin/questions");
    await expect.poll(() => page.getByTestId(`question-${questionKey}`).innerText()).toContain("BG");
    await screenshot(page, "admin-questions");

    // the segment builder lists the new field and question with their options, no restart needed
    await open(page, "/segments/new");
    await page.getByTestId("criterion-0-field").selectOption("registrationAnswer");
    await page.getByTestId("criterion-0").getByLabel("Question").selectOption({ label: questionText });
    const choices = page.getByTestId("criterion-0").locator("fieldset label");
    await expect.poll(() => choices.allInnerTexts()).toEqual(["High", "Low"]);
    await page.getByTestId("criterion-0").getByLabel("High").check();
    await page.getByTestId("criterion-0-field").selectOption("customField");
    const fieldChoice = page.getByTestId("criterion-0").locator(`option[value="${fieldKey}"]`);
    expect(await fieldChoice.innerText()).toBe(`${fieldLabel} (choice)`);
    await fieldChoice.locator("xpath=..").selectOption(fieldKey);
    await expect.poll(() => page.getByTestId("criterion-0").innerText()).toContain("oily");
    await screenshot(page, "segment-builder-new-question");

    // a marketer reads the pages without a way to change them
    await open(marketerPage, questionPath);
    expect(await marketerPage.getByTestId("save-question").count()).toBe(0);
    expect(await marketerPage.getByLabel("Question · English (required)").isDisabled()).toBe(true);

    // at a phone's width nothing scrolls sideways
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/admin/fields", "/admin/questions", "/admin/questions/new", questionPath]) {
      await open(page, path);
      const { scroll, width } = await pageScroll(page);
      expect(scroll, path).toBeLessThanOrEqual(width);
    }
    await open(page, questionPath);
    await screenshot(page, "admin-question-390");
    await open(page, "/admin/fields");
    await screenshot(page, "admin-fields-390");
  });
});
