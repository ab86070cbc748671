// The import pages in the signed-in user's own language: the mapping form's errors come back in it,
// and so do the row errors the worker's dry run stores, which it writes outside any request, in the
// language of the user who uploaded the file.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { setUserLocale } from "../../models/users.server";
import { signIn } from "./http";

const PAGE_DATA = `?_data=${encodeURIComponent("routes/imports.$id")}`;

describe(`the import pages in the user's language on ${testDialect}`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ worker: true });
  });
  afterAll(() => app?.close());

  async function dryRunOf(marketer: Awaited<ReturnType<typeof signIn>>, csv: string) {
    const form = new FormData();
    form.set("csrf", await marketer.tokenFrom("/imports/new"));
    form.set("file", new Blob([csv]), "customers.csv");
    const uploaded = await marketer.post("/imports/new", form);
    expect(uploaded.status).toBe(302);
    const id = Number(uploaded.headers.get("location")!.split("/").pop());
    const post = (fields: Record<string, string>) => marketer.submit(`/imports/${id}${PAGE_DATA}`, fields, `/imports/${id}`);
    return { id, post };
  }

  async function firstErrorsWhenChecked(marketer: Awaited<ReturnType<typeof signIn>>, id: number) {
    let detail: { status: string; firstErrors: Array<{ row: number; column: string; value: string; reason: string }> } | undefined;
    await vi.waitFor(
      async () => {
        detail = ((await (await marketer.get(`/imports/${id}${PAGE_DATA}`)).json()) as { detail: typeof detail }).detail;
        expect(detail!.status).toBe("checked");
      },
      { timeout: 15_000, interval: 50 },
    );
    return detail!.firstErrors;
  }

  it("a marketer who chose Russian gets the mapping form's errors and the dry run's row errors in Russian", async () => {
    const marketer = await signIn(app, "marketer");
    expect(await setUserLocale(app.db, marketer.id, "ru")).toBe(true);
    const { id, post } = await dryRunOf(marketer, "Customer ID,Email\nC1,not-an-email\nC2,c2@shop.test,surprise\n");

    const noId = await post({ intent: "mapping", "targets[0]": "ignore", "targets[1]": "email" });
    expect(noId.status).toBe(400);
    expect((await noId.json()).result.error.targets).toEqual(["Один из столбцов должен быть внешним ID: по нему строки сопоставляются с клиентами."]);
    const twice = await post({ intent: "mapping", "targets[0]": "externalId", "targets[1]": "externalId" });
    expect((await twice.json()).result.error["targets[1]"]).toEqual(["сопоставлен дважды: столбец 1 уже становится этим полем"]);

    expect((await post({ intent: "mapping", "targets[0]": "externalId", "targets[1]": "email" })).status).toBe(200);
    expect((await post({ intent: "check" })).status).toBe(200);
    expect(await firstErrorsWhenChecked(marketer, id)).toEqual([
      { row: 2, column: "Email", value: "not-an-email", reason: "должно быть адресом электронной почты" },
      { row: 3, column: "Столбец 3", value: "surprise", reason: "находится правее последнего столбца заголовка (в заголовке 2 столбца)" },
    ]);
  });

  it("a marketer with no language of their own gets the store's, English here", async () => {
    const marketer = await signIn(app, "marketer");
    const { id, post } = await dryRunOf(marketer, "Customer ID,Email\nC1,not-an-email\n");
    const noId = await post({ intent: "mapping", "targets[0]": "ignore", "targets[1]": "email" });
    expect((await noId.json()).result.error.targets).toEqual(["One column must be the external id: it is how rows are matched to customers."]);
    expect((await post({ intent: "mapping", "targets[0]": "externalId", "targets[1]": "email" })).status).toBe(200);
    expect((await post({ intent: "check" })).status).toBe(200);
    expect(await firstErrorsWhenChecked(marketer, id)).toEqual([{ row: 2, column: "Email", value: "not-an-email", reason: "must be an email address" }]);
  });
});
