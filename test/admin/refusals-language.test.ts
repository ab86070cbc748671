// The admin pages' refusals of a bad address (the audit log's and the jobs page's query) through
// the real app, in the language the admin chose on their account page, and in English for one who
// chose none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { setUserLocale } from "../../models/users.server";

type Visitor = Awaited<ReturnType<typeof signIn>>;

describe(`the admin pages' refusals in the admin's language, on ${testDialect}`, () => {
  let app: TestApp;
  let russian: Visitor;
  let greek: Visitor;
  let english: Visitor;

  beforeAll(async () => {
    app = await startTestApp();
    [russian, greek, english] = await Promise.all([signIn(app, "admin"), signIn(app, "admin"), signIn(app, "admin")]);
    await setUserLocale(app.db, russian.id, "ru");
    await setUserLocale(app.db, greek.id, "el");
  });
  afterAll(() => app?.close());

  const refusal = async (visitor: Visitor, path: string) => {
    const res = await visitor.get(path);
    expect(res.status, path).toBe(400);
    return res.text();
  };

  it("the audit log names the bad parameter in the admin's language", async () => {
    expect(await refusal(russian, "/admin/audit?before=abc")).toContain("Параметр «before» журнала аудита недопустим.");
    expect(await refusal(greek, "/admin/audit?user=-1")).toContain("Η παράμετρος «user» του αρχείου ενεργειών δεν είναι έγκυρη.");
    expect(await refusal(english, "/admin/audit?before=abc")).toContain("The audit log&#x27;s &quot;before&quot; parameter is not valid.");
  });

  it("the jobs page names the bad parameter in the admin's language", async () => {
    expect(await refusal(russian, "/admin/jobs?state=sleeping")).toContain("Параметр «state» страницы заданий недопустим.");
    expect(await refusal(english, "/admin/jobs?state=sleeping")).toContain("The jobs page&#x27;s &quot;state&quot; parameter is not valid.");
  });
});
