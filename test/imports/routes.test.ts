import fs from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { signIn } from "./http";

const PAGE_DATA = `?_data=${encodeURIComponent("routes/imports.$id")}`;

/** The store's data, without the bookkeeping a dry run leaves (its job, the audit entry): what a dry run must not change. */
function storeRows(counts: Record<string, number>) {
  const { AuditEntry: _audit, AgendaJob: _job, AgendaJobLog: _jobLog, ...rest } = counts;
  return rest;
}

describe(`import pages over HTTP on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Awaited<ReturnType<typeof signIn>>;
  let uploads: string;

  beforeAll(async () => {
    app = await startTestApp({ worker: true });
    marketer = await signIn(app, "marketer");
    uploads = path.join(app.services.config.dataDir, "imports");
  });
  afterAll(() => app?.close());

  const filesOnDisk = () => (fs.existsSync(uploads) ? fs.readdirSync(uploads).filter((f) => !f.includes("-errors")) : []);

  async function upload(content: Buffer | string, fileName = "customers.csv", token?: string | null) {
    const form = new FormData();
    const csrf = token === undefined ? await marketer.tokenFrom("/imports/new") : token;
    if (csrf !== null) form.set("csrf", csrf);
    form.set("file", new Blob([typeof content === "string" ? content : new Uint8Array(content)]), fileName);
    return marketer.post("/imports/new", form);
  }

  async function waitForStatus(id: number, status: string) {
    await vi.waitFor(
      async () => {
        const summary = (await (await marketer.get(`/imports/${id}/progress`)).json()) as { status: string };
        expect(summary.status).toBe(status);
      },
      { timeout: 15_000, interval: 25 },
    );
  }

  it("only admins and marketers reach the import pages", async () => {
    const manager = await signIn(app, "manager");
    for (const p of ["/imports", "/imports/new", "/imports/1", "/imports/1/progress", "/imports/1/errors.csv"]) {
      expect((await manager.get(p)).status, p).toBe(403);
    }
    const anonymous = await fetch(`${app.url}/imports`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/login?redirectTo=%2Fimports");
    expect((await marketer.get("/imports")).status).toBe(200);
    expect((await (await signIn(app, "admin")).get("/imports/new")).status).toBe(200);
  });

  it("each form field's help text is linked to it by aria-describedby, apart from its label", async () => {
    const admin = await signIn(app, "admin");
    for (const [path, labels] of [["/imports/new", ["file"]], ["/admin/store", ["timeZone", "currency", "locale"]]] as const) {
      const html = await (await admin.get(path)).text();
      for (const name of labels) {
        const control = new RegExp(`<(?:input|select)[^>]*name="${name}"[^>]*>`).exec(html)?.[0] ?? "";
        const id = /\sid="([^"]+)"/.exec(control)?.[1];
        const describedBy = /aria-describedby="([^"]+)"/.exec(control)?.[1];
        expect(describedBy, `${path} ${name}`).toBe(`${id}-help`);
        const help = new RegExp(`<p[^>]*id="${describedBy}"[^>]*>([^<]+)</p>`).exec(html)?.[1];
        expect(help, `${path} ${name}`).toBeTruthy();
        const label = new RegExp(`<label[^>]*for="${id}"[^>]*>([^<]*)</label>`).exec(html)?.[1] ?? "";
        expect(label.trim().length, `${path} ${name}`).toBeGreaterThan(0);
        expect(label).not.toContain(help!);
      }
    }
  });

  it("walks a Windows-1251 semicolon file from upload through the dry run to the import and its error report", async () => {
    const csv = iconv.encode(
      ["Клиентски номер;Имейл;Име;Фамилия;Град;Абонамент за имейл", "K1;k1@shop.bg;Иван;Петров;София;да", "K2;грешен;Мария;Иванова;Варна;не", "K3;k3@shop.bg;=1+2;Георгиев;Русе;не"].join("\r\n"),
      "win1251",
    );
    const res = await upload(csv, "клиенти.csv");
    expect(res.status).toBe(302);
    const id = Number(res.headers.get("location")!.split("/").pop());
    expect(filesOnDisk()).toHaveLength(1);

    const page = await marketer.get(`/imports/${id}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain("клиенти.csv");
    expect(html).toContain("Петров");
    expect(html).toMatch(/<option value="windows-1251" selected/);

    const data = (await (await marketer.get(`/imports/${id}${PAGE_DATA}`)).json()) as { detail: { targets: string[]; delimiter: string; encoding: string } };
    expect(data.detail).toMatchObject({ encoding: "windows-1251", delimiter: ";" });
    expect(data.detail.targets).toEqual(["externalId", "email", "firstName", "lastName", "city", "channels.email.subscribed"]);

    const mapping = Object.fromEntries(data.detail.targets.map((t, i) => [`targets[${i}]`, t]));
    expect((await marketer.submit(`/imports/${id}${PAGE_DATA}`, { intent: "mapping", ...mapping }, `/imports/${id}`)).status).toBe(200);
    const before = await rowCounts(app.db);
    expect((await marketer.submit(`/imports/${id}${PAGE_DATA}`, { intent: "check" }, `/imports/${id}`)).status).toBe(200);
    await waitForStatus(id, "checked");
    expect(storeRows(await rowCounts(app.db))).toEqual(storeRows(before));

    expect((await marketer.submit(`/imports/${id}${PAGE_DATA}`, { intent: "import" }, `/imports/${id}`)).status).toBe(200);
    await waitForStatus(id, "done");
    const summary = await (await marketer.get(`/imports/${id}/progress`)).json();
    expect(summary).toMatchObject({ processedRows: 3, createdRows: 2, errorRows: 1, percent: 100 });
    expect((await app.db.models.Customer.findOne({ where: { externalId: "K3" } }))?.firstName).toBe("=1+2");

    const report = await marketer.get(`/imports/${id}/errors.csv`);
    expect(report.status).toBe(200);
    expect(report.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(report.headers.get("content-disposition")).toContain("filename*=UTF-8''%D0%BA%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%D0%B8-errors.csv");
    const bytes = Buffer.from(await report.arrayBuffer());
    // the byte order mark is what makes Excel read the report as UTF-8
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8")).toBe("row,column,value,reason\n3,Имейл,грешен,must be an email address\n");

    const list = await (await marketer.get("/imports")).text();
    expect(list).toContain("клиенти.csv");
    expect(list).toContain("Marketer Person");
  });

  it("a file that breaks halfway fails its dry run with the row named, and the import will not start", async () => {
    const res = await upload(`externalId,firstName\n${Array.from({ length: 50 }, (_, i) => `Q${i},Name${i}`).join("\n")}\nQ50,"never closed\nQ51,Last\n`);
    const id = Number(res.headers.get("location")!.split("/").pop());
    const before = await rowCounts(app.db);
    const post = (fields: Record<string, string>) => marketer.submit(`/imports/${id}${PAGE_DATA}`, fields, `/imports/${id}`);
    expect((await post({ intent: "mapping", "targets[0]": "externalId", "targets[1]": "firstName" })).status).toBe(200);
    expect((await post({ intent: "check" })).status).toBe(200);
    await waitForStatus(id, "failed");
    const summary = await (await marketer.get(`/imports/${id}/progress`)).json();
    expect(summary.error).toBe('Row 52: a quoted cell starts here and its closing quote (") never comes. Fix the quotes in the file and upload it again.');
    const page = await marketer.get(`/imports/${id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Row 52: a quoted cell starts here");
    const refused = await post({ intent: "import" });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(await refused.json())).toContain("Run the dry run first");
    expect(storeRows(await rowCounts(app.db))).toEqual(storeRows(before));
  });

  it("a form posted without its CSRF token is refused before the file is written", async () => {
    const before = await rowCounts(app.db);
    const files = filesOnDisk().length;
    expect((await upload("externalId\nC1\n", "x.csv", null)).status).toBe(403);
    expect((await upload("externalId\nC1\n", "x.csv", "forged-token")).status).toBe(403);
    expect(filesOnDisk()).toHaveLength(files);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("bad uploads are answered with a clear message, not kept, and change nothing", async () => {
    const before = await rowCounts(app.db);
    const files = filesOnDisk().length;
    const cases: Array<[Buffer | string, number, string]> = [
      ["", 422, "The file is empty."],
      [Buffer.concat([Buffer.from("PK\u0003\u0004"), Buffer.alloc(200, 1)]), 422, "This is an Excel workbook, not a CSV."],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]), 422, "This file is not text"],
    ];
    for (const [content, status, message] of cases) {
      const res = await upload(content);
      expect(res.status).toBe(status);
      expect(await res.text()).toContain(message);
    }
    const noFile = new FormData();
    noFile.set("csrf", await marketer.tokenFrom("/imports/new"));
    const missing = await marketer.post("/imports/new", noFile);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Choose a CSV file to upload.");
    expect(filesOnDisk()).toHaveLength(files);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("a file over the size limit is refused with the limit named, and nothing of it stays on disk", async () => {
    process.env.IMPORT_MAX_BYTES = "4096";
    try {
      const before = await rowCounts(app.db);
      const files = filesOnDisk().length;
      const res = await upload(`externalId,note\n${"C1,xxxxxxxxxx\n".repeat(2000)}`);
      expect(res.status).toBe(413);
      expect(await res.text()).toContain("The file is larger than 4 KB.");
      expect(filesOnDisk()).toHaveLength(files);
      expect(await rowCounts(app.db)).toEqual(before);
    } finally {
      delete process.env.IMPORT_MAX_BYTES;
    }
  });

  it("bad form posts on the import page get 4xx with the field named, never a 500", async () => {
    const res = await upload("externalId,email\nC9,c9@shop.test\n");
    const id = Number(res.headers.get("location")!.split("/").pop());
    const before = await rowCounts(app.db);
    const post = (fields: Record<string, string>) => marketer.submit(`/imports/${id}${PAGE_DATA}`, fields, `/imports/${id}`);

    const noId = await post({ intent: "mapping", "targets[0]": "ignore", "targets[1]": "email" });
    expect(noId.status).toBe(400);
    expect(JSON.stringify(await noId.json())).toContain("One column must be the external id");

    const twice = await post({ intent: "mapping", "targets[0]": "externalId", "targets[1]": "externalId" });
    expect(twice.status).toBe(400);
    expect((await twice.json()).result.error["targets[1]"]).toEqual(["is mapped twice: column 1 already becomes this field"]);

    const unknown = await post({ intent: "mapping", "targets[0]": "externalId", "targets[1]": "customFields.nope" });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).result.error["targets[1]"]).toEqual(['"customFields.nope" is not a customer field of this store']);

    const garbage = await post({ intent: "mapping", "targets[0]": "externalId", "targets[1]": "<script>" });
    expect(garbage.status).toBe(400);
    expect((await garbage.json()).result.error["targets[1]"]).toEqual(["is not a customer field"]);

    const tooFew = await post({ intent: "mapping", "targets[0]": "externalId" });
    expect(tooFew.status).toBe(400);

    expect((await post({ intent: "format", encoding: "koi8-u", delimiter: "comma" })).status).toBe(400);
    expect((await post({ intent: "format", encoding: "utf-8", delimiter: "," })).status).toBe(400);
    expect((await post({ intent: "launch" })).status).toBe(400);
    const early = await post({ intent: "import" });
    expect(early.status).toBe(409);
    expect(JSON.stringify(await early.json())).toContain("Save the column mapping first.");
    expect((await post({ intent: "stop" })).status).toBe(409);
    expect(await rowCounts(app.db)).toEqual(before);

    for (const p of ["/imports/abc", "/imports/0", "/imports/99999", "/imports/99999/progress", "/imports/99999/errors.csv", `/imports/${id}/errors.csv`]) {
      expect((await marketer.get(p)).status, p).toBe(404);
    }
  });
});
