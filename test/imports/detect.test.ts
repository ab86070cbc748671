import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { inspectFile, problemOf, sniffDelimiter, sniffEncoding } from "../../models/imports/detect-format.server";
import { previewFile } from "../../models/imports/read-csv.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-detect-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (bytes: Buffer | string) => {
  const p = path.join(dir, `f${n++}.csv`);
  fs.writeFileSync(p, bytes);
  return p;
};

const cyrillic = "externalId;Имейл;Фамилия;Град\nC1;ivan@x.bg;Петров;София\nC2;maria@x.bg;Георгиева;Пловдив\n";

describe("encoding and delimiter detection on real bytes", () => {
  it("reads plain UTF-8 with commas", async () => {
    const p = file("id,email,Име\n1,a@x.bg,Иван\n");
    expect(await inspectFile(p)).toEqual({ ok: true, encoding: "utf-8", delimiter: "," });
    expect((await previewFile(p, { encoding: "utf-8", delimiter: "," })).header).toEqual(["id", "email", "Име"]);
  });

  it("reads UTF-8 with a byte order mark, and the mark does not end up in the first header", async () => {
    const p = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("externalId;Τηλέφωνο\nC1;+30 691 234 5678\n")]));
    expect(await inspectFile(p)).toEqual({ ok: true, encoding: "utf-8", delimiter: ";" });
    const preview = await previewFile(p, { encoding: "utf-8", delimiter: ";" });
    expect(preview.header).toEqual(["externalId", "Τηλέφωνο"]);
    expect(preview.rows[0]).toEqual({ rowNumber: 2, cells: ["C1", "+30 691 234 5678"] });
  });

  it("reads a Windows-1251 Excel export of Bulgarian names with semicolons", async () => {
    const p = file(iconv.encode(cyrillic, "win1251"));
    expect(await inspectFile(p)).toEqual({ ok: true, encoding: "windows-1251", delimiter: ";" });
    const preview = await previewFile(p, { encoding: "windows-1251", delimiter: ";" });
    expect(preview.header).toEqual(["externalId", "Имейл", "Фамилия", "Град"]);
    expect(preview.rows[1].cells).toEqual(["C2", "maria@x.bg", "Георгиева", "Пловдив"]);
  });

  it("calls a short Windows-1251 sample Cyrillic even where chardet guesses a Latin code page", () => {
    expect(sniffEncoding(iconv.encode("id,email,name\n1,a@b.c,Жора\n", "win1251"))).toBe("windows-1251");
  });

  it("tells Greek Windows-1253 from Cyrillic, and Latin-1 French from both", () => {
    expect(sniffEncoding(iconv.encode("id;Όνομα;Πόλη\n1;Γιώργος;Αθήνα\n2;Ελένη;Θεσσαλονίκη\n", "win1253"))).toBe("windows-1253");
    expect(sniffEncoding(iconv.encode("id;nom;ville\n1;Hélène;Besançon\n", "win1252"))).toBe("windows-1252");
  });

  it("reads Excel's Unicode text: UTF-16 with tabs", async () => {
    const p = file(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode("externalId\tГород\nC1\tКиїв\n", "utf-16le")]));
    expect(await inspectFile(p)).toEqual({ ok: true, encoding: "utf-16le", delimiter: "\t" });
    expect((await previewFile(p, { encoding: "utf-16le", delimiter: "\t" })).rows[0].cells).toEqual(["C1", "Київ"]);
  });

  it("finds tabs and bars", () => {
    expect(sniffDelimiter("a\tb\tc\n1\t2\t3\n")).toBe("\t");
    expect(sniffDelimiter("a|b\n1|2\n")).toBe("|");
  });

  it("respects quotes: commas inside quoted addresses do not make it a comma file", () => {
    const text = 'id;name;address\n1;Ivan;"Sofia, bul. Vitosha 1, fl. 2"\n2;Maria;"Plovdiv, Main St. 5"\n';
    expect(sniffDelimiter(text)).toBe(";");
    expect(sniffDelimiter('id,"note; with semicolons; inside"\n1,"x;y;z"\n')).toBe(",");
  });

  it("a single column stays a comma file", () => {
    expect(sniffDelimiter("externalId\nC1\nC2\n")).toBe(",");
  });

  it("refuses empty files, workbooks and binary files with the reason", async () => {
    expect(await inspectFile(file(""))).toEqual({ ok: false, problem: "empty" });
    expect(problemOf(Buffer.from([0xef, 0xbb, 0xbf]))).toBe("empty");
    expect(problemOf(Buffer.from("PK\u0003\u0004xl/workbook.xml", "latin1"))).toBe("spreadsheet");
    expect(problemOf(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]))).toBe("spreadsheet");
    expect(problemOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).toBe("binary");
    expect(problemOf(Buffer.from("id,name\n1,Ivan\n"))).toBeNull();
  });
});
