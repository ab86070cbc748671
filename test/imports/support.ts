import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { expect } from "vitest";
import type { Database } from "../../models/db";
import { createImport, saveImportMapping } from "../../models/imports/imports.server";

/** A directory standing in for `<dataDir>/imports/`, removed by `remove()`. */
export function importsDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "imports-"));
  let n = 0;
  return {
    dir,
    write(content: Buffer | string, name = `upload-${n++}.csv`) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Uploads a file as the route would and saves a mapping (the guesses unless `targets` is given). */
export async function uploadedImport(db: Database, filePath: string, targets?: string[]): Promise<number> {
  const created = await createImport(db, { userId: null, fileName: path.basename(filePath), filePath, fileSize: fs.statSync(filePath).size });
  if (!created.ok) throw new Error(`upload refused: ${created.problem}`);
  const row = await db.models.Import.findByPk(created.id);
  const header = JSON.parse(row!.header!) as string[];
  const { guessMapping } = await import("../../models/imports/header-guess");
  const { loadTargetCatalogue } = await import("../../models/imports/catalogue.server");
  const saved = await saveImportMapping(db, created.id, targets ?? guessMapping(header, await loadTargetCatalogue(db)));
  expect(saved).toEqual({ ok: true });
  return created.id;
}

/** Reads a CSV report back as rows of cells (small files only). */
export function readReport(filePath: string): string[][] {
  return parse(fs.readFileSync(filePath), { bom: true });
}
