// The rewrite of one CSV file without an erased customer's values (models/privacy/scrub-files.server.ts):
// in each encoding an import may have been read in, every byte but the values' stays as it was;
// their own record loses its other values cell by cell; a file without the values is not touched;
// chunk boundaries and a record too long to hold do not hide a value.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, describe, expect, it } from "vitest";
import { erasedValuesOf, scrubCsvFile, type CsvLayout } from "../../models/privacy/scrub-files.server";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scrub-files-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ZQ = {
  externalId: "ZQX-Scrub-4471",
  firstName: "Зефиринка",
  lastName: 'Quattle"baumova',
  email: "zephyrinka.q@scrub-test.example",
  phone: "+359887771234",
  country: "BG",
  city: "Влахородище",
  birthday: "1987-11-23",
};
const values = erasedValuesOf(
  ZQ,
  [
    { channel: "email", address: ZQ.email },
    { channel: "viber", address: "VbZq9931xQ==" },
    { channel: "sms", address: ZQ.phone },
  ],
  [{ valueText: "Prefers Xylophonic-Wrapping", valueNumber: null, valueDate: null }],
);

let n = 0;
function fileOf(bytes: Buffer): string {
  const p = path.join(dir, `f-${n++}.csv`);
  fs.writeFileSync(p, bytes);
  return p;
}

/** Writes `text` in the encoding, scrubs it, and checks the bytes are exactly `expected` in the same encoding. */
async function expectScrubbed(text: string, expected: string, layout: CsvLayout, bom = "", erased = values) {
  const encode = (t: string) => iconv.encode(t, layout.encoding, { addBOM: false });
  const file = fileOf(Buffer.concat([Buffer.from(bom, "binary"), encode(text)]));
  const outcome = await scrubCsvFile(file, erased, layout);
  expect(outcome.changed).toBe(true);
  const after = fs.readFileSync(file);
  expect(after.equals(Buffer.concat([Buffer.from(bom, "binary"), encode(expected)])), iconv.decode(after, layout.encoding)).toBe(true);
  expect(outcome.size).toBe(after.length);
  // no temporary file is left beside it
  expect(fs.readdirSync(dir).filter((f) => f.endsWith(".scrub"))).toEqual([]);
}

describe("scrubbing one CSV file", () => {
  it("UTF-8 with a byte order mark: the customer's record loses every value of theirs, their quoted name and inert phone included; others' records keep every byte but a copy of the values", async () => {
    const text = [
      "externalId,firstName,lastName,email,phone,city,birthday,note",
      `${ZQ.externalId},${ZQ.firstName},"Quattle""baumova",${ZQ.email},'+359887771234,${ZQ.city},1987-11-23,Prefers Xylophonic-Wrapping`,
      `B-1,Bea,"Multi\nline, ""quoted""",bea@shop.test,'+359888000111,София,1990-01-02,"wrote to ZEPHYRINKA.Q@Scrub-Test.example, twice"`,
      // another customer sharing the city and the first name keeps them: only the erased customer's own record loses them
      `B-2,${ZQ.firstName},Petrova,b2@shop.test,,${ZQ.city},,`,
      "",
    ].join("\r\n");
    const expected = [
      "externalId,firstName,lastName,email,phone,city,birthday,note",
      "[erased],[erased],[erased],[erased],[erased],[erased],[erased],[erased]",
      `B-1,Bea,"Multi\nline, ""quoted""",bea@shop.test,'+359888000111,София,1990-01-02,"wrote to [erased], twice"`,
      `B-2,${ZQ.firstName},Petrova,b2@shop.test,,${ZQ.city},,`,
      "",
    ].join("\r\n");
    await expectScrubbed(text, expected, { encoding: "utf-8", delimiter: "," }, "\xef\xbb\xbf");
  });

  it("windows-1251 with semicolons, as an old Excel export: rewritten in windows-1251, the customer's Cyrillic name and city found in any case", async () => {
    const text = ["Номер;Име;Град;Имейл", `B-1;Мария;Варна;m@shop.bg`, `${ZQ.externalId};ЗЕФИРИНКА;влахородище;${ZQ.email.toUpperCase()}`, `B-2;Иван;${ZQ.city};i@shop.bg`].join("\r\n");
    const expected = ["Номер;Име;Град;Имейл", `B-1;Мария;Варна;m@shop.bg`, "[erased];[erased];[erased];[erased]", `B-2;Иван;${ZQ.city};i@shop.bg`].join("\r\n");
    await expectScrubbed(text, expected, { encoding: "windows-1251", delimiter: ";" });
  });

  it("UTF-16 (Excel's Unicode text) with tabs and its byte order mark", async () => {
    const text = ["externalId\tname\tviber", `B-1\tΕλένη\tVb0000`, `${ZQ.externalId}\t${ZQ.firstName}\tVbZq9931xQ==`, "B-2\tnote ZQX-Scrub-4471 here\t", ""].join("\n");
    const expected = ["externalId\tname\tviber", `B-1\tΕλένη\tVb0000`, "[erased]\t[erased]\t[erased]", "B-2\tnote [erased] here\t", ""].join("\n");
    await expectScrubbed(text, expected, { encoding: "utf-16le", delimiter: "\t" }, "\xff\xfe");
  });

  it("windows-1253 and windows-1252: a value the code page cannot spell is not looked for, the others are", async () => {
    await expectScrubbed(`id;name\nG-1;Γιώργος\n${ZQ.externalId};x\n`, "id;name\nG-1;Γιώργος\n[erased];x\n", { encoding: "windows-1253", delimiter: ";" });
    // 0x81 is no character in windows-1252: a byte the rewrite must keep as it is
    const file = fileOf(Buffer.concat([Buffer.from("id,note\nW-1,caf\xe9 \x81\n", "binary"), Buffer.from(`${ZQ.email},x\n`)]));
    expect((await scrubCsvFile(file, values, { encoding: "windows-1252", delimiter: "," })).changed).toBe(true);
    expect(fs.readFileSync(file).equals(Buffer.from("id,note\nW-1,caf\xe9 \x81\n[erased],x\n", "binary"))).toBe(true);
  });

  it("records as the import reads them: a quote inside a cell is text, a carriage return alone ends a record, a doubled quote stays in its cell", async () => {
    // were the quote in 5" read as opening a cell, the next record would join the customer's and lose its first name
    const text = `id,name,note\r${ZQ.externalId},${ZQ.firstName},5" tall\rB-1,${ZQ.firstName},x"y\rB-2,"a ""quoted"" ${ZQ.firstName}\r",z\r`;
    const expected = `id,name,note\r[erased],[erased],5" tall\rB-1,${ZQ.firstName},x"y\rB-2,"a ""quoted"" ${ZQ.firstName}\r",z\r`;
    await expectScrubbed(text, expected, { encoding: "utf-8", delimiter: "," });
  });

  it("a short external id marks the customer's own record but is not replaced inside others' text; a file where it only stands in text is not rewritten", async () => {
    const short = erasedValuesOf({ ...ZQ, externalId: "42", email: null, phone: null, firstName: "Al", lastName: null }, [], []);
    await expectScrubbed("id,name\n42,Al\n142,Al\n", "id,name\n[erased],[erased]\n142,Al\n", { encoding: "utf-8", delimiter: "," }, "", short);
    const file = fileOf(Buffer.from("id,name\n142,Al\n"));
    const before = fs.statSync(file);
    expect((await scrubCsvFile(file, short, { encoding: "utf-8", delimiter: "," })).changed).toBe(false);
    expect(fs.statSync(file).ino).toBe(before.ino);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".scrub"))).toEqual([]);
  });

  it("a value counts only whole: a numeric external id is not taken out of others' ids, phones or amounts, nor an email out of a longer one", async () => {
    const numeric = erasedValuesOf({ ...ZQ, externalId: "1234", email: "ann@shop.test", phone: null, firstName: "Al", lastName: null }, [], []);
    const text = 'id,phone,total,note\n1234,,10.00,x\nB-12345,+359881234567,1234.50,asked about 1234 and xann@shop.test\nC-1,,"1,234",mail ANN@shop.test.\n';
    const expected = 'id,phone,total,note\n[erased],,10.00,x\nB-12345,+359881234567,1234.50,asked about [erased] and xann@shop.test\nC-1,,"1,234",mail [erased].\n';
    await expectScrubbed(text, expected, { encoding: "utf-8", delimiter: "," }, "", numeric);
  });

  it("a file that holds none of the values is not touched", async () => {
    const file = fileOf(Buffer.from("externalId,email\nB-1,bea@shop.test\n"));
    const before = fs.statSync(file);
    expect(await scrubCsvFile(file, values, { encoding: "utf-8", delimiter: "," })).toEqual({ changed: false, replaced: 0, size: before.size });
    const after = fs.statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("a large file: values on every side of the read's chunk boundaries are all replaced, every other line is the same", async () => {
    // the full name, last name first, as a CSV writer quotes it
    const quotedName = `${ZQ.lastName} ${ZQ.firstName}`.replaceAll('"', '""');
    const lines = ["externalId,email,note"];
    for (let i = 0; i < 120_000; i++) {
      if (i % 9973 === 0) lines.push(`${ZQ.externalId},${ZQ.email},${ZQ.firstName}`);
      else if (i % 7919 === 0) lines.push(`B-${i},b${i}@shop.test,"saw ${ZQ.phone} and ""${quotedName}"""`);
      else lines.push(`B-${i},b${i}@shop.test,some words to fill the line ${i}`);
    }
    const text = lines.join("\n");
    const expected = lines.map((l) => (l.startsWith(ZQ.externalId) ? "[erased],[erased],[erased]" : l.replace(ZQ.phone, "[erased]").replace(quotedName, "[erased]"))).join("\n");
    expect(text.length).toBeGreaterThan(5_000_000);
    await expectScrubbed(text, expected, { encoding: "utf-8", delimiter: "," });
  });

  it("a quote never closed (the rest of the file one record): written on in parts, every value still replaced", async () => {
    const filler = Array.from({ length: 400_000 }, (_, i) => `B-${i},${i % 5000 === 0 ? ZQ.email : "b@shop.test"},text`).join("\n");
    const text = `externalId,email,note\nB-0,x,"never closed\n${filler}\n`;
    expect(text.length).toBeGreaterThan(8 * 1024 * 1024);
    await expectScrubbed(text, text.replaceAll(ZQ.email, "[erased]"), { encoding: "utf-8", delimiter: "," });
  });
});
