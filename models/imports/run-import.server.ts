import fs from "node:fs/promises";
import path from "node:path";
import { Op, type Transaction } from "sequelize";
import type { Database } from "../db";
import type { Import } from "../models";
import type { CustomerInput } from "../ingest/schemas";
import { upsertCustomers } from "../ingest/customers.server";
import { getStoreSettings } from "../store.server";
import { storeCountry } from "../customers/store-country";
import { loadTargetCatalogue } from "./catalogue.server";
import { customerFromRow, rowErrorOf, type RowError, type RowPlan } from "./customer-from-row";
import { ErrorReportWriter } from "./error-report.server";
import { ImportFileError, isBlankRow, readCsvRows, type CsvRow } from "./read-csv.server";
import { isDelimiter, isEncoding, type ImportStatus } from "./formats";
import { msg } from "../messages";
import { languageOf } from "../i18n.server";
import { inRequestScope } from "../request-scope.server";

export type RunMode = "check" | "import";

export interface ImportProgress {
  processedRows: number;
  processedBytes: number;
  createdRows: number;
  updatedRows: number;
  unchangedRows: number;
  errorRows: number;
}

export interface RunOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting stops the run after the batch under way; the import is then marked failed and can be run again. */
  signal?: AbortSignal;
  /** The clock: change-log and customer timestamps, and the import's own. */
  now?: () => Date;
  /** Rows per upsert call. */
  batchSize?: number;
}

export type RunOutcome = { ok: true; status: ImportStatus; progress: ImportProgress } | { ok: false; reason: string };

const DEFAULT_BATCH = 1000;

/**
 * The dry run: reads the whole file and checks every row as the import would, references included,
 * writing no customer data. Its errors go to the error report; a file that cannot be read to the end
 * fails with the row where it breaks. An import needs a passed dry run.
 */
export async function checkImport(db: Database, importId: number, options: RunOptions = {}): Promise<RunOutcome> {
  return inStartersLanguage(db, importId, async () => {
    const claimed = await claimImport(db, importId, "check", (options.now ?? (() => new Date()))());
    return claimed.ok ? processImport(db, claimed.row, "check", options) : claimed;
  });
}

/**
 * Imports the file: valid rows are upserted by external id in batches, each batch in its own
 * transaction; invalid rows are left out and reported. Safe to run again after a failure, since a row
 * written twice is the same upsert.
 */
export async function runImport(db: Database, importId: number, options: RunOptions = {}): Promise<RunOutcome> {
  return inStartersLanguage(db, importId, async () => {
    const claimed = await claimImport(db, importId, "import", (options.now ?? (() => new Date()))());
    return claimed.ok ? processImport(db, claimed.row, "import", options) : claimed;
  });
}

/**
 * Runs `work` (a run outside any request: the worker's job) in the language of the user who
 * uploaded the file, their own choice else the store's, so that the row errors and the failure it
 * stores read in their language on the import page and in the error report.
 */
async function inStartersLanguage<T>(db: Database, importId: number, work: () => Promise<T>): Promise<T> {
  const row = await db.models.Import.findByPk(importId, { attributes: ["userId"] });
  const [user, store] = await Promise.all([
    row?.userId != null ? db.models.User.findByPk(row.userId, { attributes: ["locale"] }) : null,
    getStoreSettings(db),
  ]);
  return inRequestScope(work, languageOf(user, store));
}

/**
 * Marks the import queued for a dry run or an import and, in the same transaction, calls `enqueue`
 * to create the job that will run it: both happen or neither. It is one conditional UPDATE, so of
 * two requests (or two processes) that start the same file at once, exactly one goes ahead.
 */
export async function queueImportRun(
  db: Database,
  importId: number,
  mode: RunMode,
  enqueue: (transaction: Transaction) => Promise<unknown>,
  now = new Date(),
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const queued = await db.sequelize.transaction(async (transaction) => {
    const [changed] = await db.models.Import.update(
      {
        status: "queued",
        ...(mode === "check" ? { checkedAt: null, totalRows: null } : {}),
        ...FRESH_RUN,
        startedAt: null,
        finishedAt: null,
        updatedAt: now,
      },
      { where: startCondition(importId, mode, STARTABLE[mode]), transaction },
    );
    if (changed) await enqueue(transaction);
    return changed > 0;
  });
  return queued ? { ok: true } : { ok: false, reason: await refusal(db, importId, mode) };
}

/**
 * What the import job runs: a queued dry run or import, or, when a worker died in the middle of
 * one, the same run again from the start (rows upsert by external id, so nothing is written twice).
 * A run stopped while it waited in the queue ends as failed without reading the file.
 */
export async function runQueuedImport(db: Database, importId: number, mode: RunMode, options: RunOptions = {}): Promise<RunOutcome> {
  return inStartersLanguage(db, importId, () => runQueued(db, importId, mode, options));
}

async function runQueued(db: Database, importId: number, mode: RunMode, options: RunOptions): Promise<RunOutcome> {
  const now = (options.now ?? (() => new Date()))();
  const claimed = await claimImport(db, importId, mode, now, ["queued", WORKING[mode]]);
  if (claimed.ok) return processImport(db, claimed.row, mode, options);
  // stopped while it waited, or while a worker that then died was running it: nobody runs it now
  const row = await db.models.Import.findByPk(importId);
  if (row?.status !== "stopping") return claimed;
  const error = !row.startedAt ? msg("ingest.import.stoppedBeforeStart") : stoppedAfter(mode, row.processedRows);
  await db.models.Import.update({ status: "failed", error, finishedAt: now, updatedAt: now }, { where: { id: importId, status: "stopping" } });
  return { ok: true, status: "failed", progress: { ...FRESH_RUN, processedRows: row.processedRows } };
}

const STARTABLE: Record<RunMode, ImportStatus[]> = {
  check: ["mapped", "checked", "done", "failed"],
  import: ["checked", "done", "failed"],
};

const WORKING: Record<RunMode, ImportStatus> = { check: "checking", import: "running" };

const FRESH_RUN: ImportProgress = { processedRows: 0, processedBytes: 0, createdRows: 0, updatedRows: 0, unchangedRows: 0, errorRows: 0 };

function startCondition(id: number, mode: RunMode, from: ImportStatus[]) {
  return {
    id,
    status: { [Op.in]: from },
    mapping: { [Op.ne]: null },
    ...(mode === "import" ? { checkedAt: { [Op.ne]: null }, totalRows: { [Op.gt]: 0 } } : {}),
  };
}

/** What a run stopped on request says: how far it got, and for an import, what to do next. */
function stoppedAfter(mode: RunMode, rows: number): string {
  return mode === "import" ? msg("ingest.import.importStopped", { count: rows }) : msg("ingest.import.checkStopped", { count: rows });
}

/** Why a file could not be started. */
async function refusal(db: Database, id: number, mode: RunMode): Promise<string> {
  const row = await db.models.Import.findByPk(id);
  if (!row) return msg("ingest.import.notFound");
  if (["queued", "checking", "running", "stopping"].includes(row.status)) return msg("ingest.import.alreadyRunning");
  if (!row.mapping) return msg("ingest.import.mappingFirst");
  if (mode === "import" && !row.checkedAt) return msg("ingest.import.checkFirst");
  if (mode === "import" && !row.totalRows) return msg("ingest.import.noRows");
  return msg("ingest.import.cannotStart");
}

/**
 * Moves the import to checking or running in one conditional UPDATE, so of two requests (or two
 * processes) that start the same file at once, exactly one goes ahead.
 */
async function claimImport(
  db: Database,
  id: number,
  mode: RunMode,
  now: Date,
  from: ImportStatus[] = STARTABLE[mode],
): Promise<{ ok: true; row: Import } | { ok: false; reason: string }> {
  const [claimed] = await db.models.Import.update(
    {
      status: WORKING[mode],
      ...(mode === "check" ? { checkedAt: null, totalRows: null } : {}),
      ...FRESH_RUN,
      startedAt: now,
      finishedAt: null,
      error: null,
      updatedAt: now,
    },
    { where: startCondition(id, mode, from) },
  );
  const row = claimed ? await db.models.Import.findByPk(id) : null;
  if (row) return { ok: true, row };
  return { ok: false, reason: await refusal(db, id, mode) };
}

interface PendingRow {
  row: CsvRow;
  input: CustomerInput;
}

async function processImport(db: Database, row: Import, mode: RunMode, options: RunOptions): Promise<RunOutcome> {
  const clock = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const { Import } = db.models;
  const progress: ImportProgress = { processedRows: 0, processedBytes: 0, createdRows: 0, updatedRows: 0, unchangedRows: 0, errorRows: 0 };
  const reportPath = path.join(path.dirname(row.filePath), `${row.id}-errors.csv`);
  const report = new ErrorReportWriter(reportPath);
  const working = { [Op.in]: [mode === "check" ? "checking" : "running", "stopping"] };
  const save = (values: Record<string, unknown>) => Import.update({ ...progress, ...values, updatedAt: clock() }, { where: { id: row.id, status: working } });

  let stopped = false;
  try {
    const store = await getStoreSettings(db);
    const plan: RowPlan = {
      header: JSON.parse(row.header ?? "[]") as string[],
      targets: JSON.parse(row.mapping ?? "[]") as string[],
      catalogue: await loadTargetCatalogue(db),
      timeZone: store.timeZone,
      storeCountry: storeCountry(store),
      encoding: row.encoding ?? "utf-8",
    };
    const encoding = isEncoding(row.encoding) ? row.encoding : "utf-8";
    const delimiter = isDelimiter(row.delimiter) ? row.delimiter : ",";

    let batch: PendingRow[] = [];
    let idsInBatch = new Set<string>();
    let rowsSinceSave = 0;
    // a row's errors wait for its batch, so the report lists rows in file order
    let waitingErrors: RowError[] = [];
    const send = async () => {
      let pending = batch;
      batch = [];
      idsInBatch = new Set();
      // a batch refused for some rows is sent again without them: the others must still go in
      while (pending.length) {
        const outcome = await upsertCustomers(db, pending.map((p) => p.input), { source: "import", validateOnly: mode === "check", now: clock(), consent: { reference: `import:${row.id}` } });
        if (outcome.ok) {
          for (const r of outcome.results) {
            if (r.status === "created") progress.createdRows++;
            else if (r.status === "updated") progress.updatedRows++;
            else progress.unchangedRows++;
          }
          break;
        }
        const refused = new Set(outcome.errors.map((e) => e.index).filter((i): i is number => i !== undefined && i >= 0 && i < pending.length));
        if (refused.size === 0) throw new Error(`a batch was refused without naming a row: ${JSON.stringify(outcome.errors.slice(0, 3))}`);
        progress.errorRows += refused.size;
        waitingErrors.push(...outcome.errors.filter((e) => e.index !== undefined).map((e) => rowErrorOf(e, pending[e.index!].row, plan)));
        pending = pending.filter((_, i) => !refused.has(i));
      }
      const errors = waitingErrors;
      waitingErrors = [];
      await report.write(errors.sort((a, b) => a.row - b.row));
    };
    /** Sends the batch, records progress (the heartbeat of a running import) and notes a stop request. */
    const checkpoint = async () => {
      await send();
      rowsSinceSave = 0;
      const current = await Import.findByPk(row.id, { attributes: ["status"] });
      if (current?.status !== (mode === "check" ? "checking" : "running") || options.signal?.aborted) stopped = true;
      await save({});
      options.onProgress?.({ ...progress });
    };

    const rows = readCsvRows(row.filePath, { encoding, delimiter, onBytes: (bytes) => (progress.processedBytes = bytes) });
    for await (const csvRow of rows) {
      if (csvRow.rowNumber === 1 || isBlankRow(csvRow.cells)) continue;
      progress.processedRows++;
      rowsSinceSave++;
      const converted = customerFromRow(csvRow, plan);
      if (!converted.ok) {
        progress.errorRows++;
        waitingErrors.push(...converted.errors);
      } else {
        // a later row of the same customer updates the earlier one, as it would in a later batch
        if (idsInBatch.has(converted.input.externalId)) await send();
        batch.push({ row: csvRow, input: converted.input });
        idsInBatch.add(converted.input.externalId);
      }
      if (rowsSinceSave >= batchSize) await checkpoint();
      if (stopped) break;
    }
    // a stop asked for while the last batch was going in comes too late to leave anything out
    const wasStopped = stopped;
    if (!wasStopped) await checkpoint();
    await report.close();
    if (report.count === 0) await fs.rm(reportPath, { force: true });
    const errorReportPath = report.count ? reportPath : null;
    const finishedAt = clock();

    if (wasStopped) {
      await save({ status: "failed", error: stoppedAfter(mode, progress.processedRows), errorReportPath, finishedAt });
      return { ok: true, status: "failed", progress };
    }
    const status: ImportStatus = mode === "check" ? "checked" : "done";
    await save({
      status,
      errorReportPath,
      finishedAt,
      ...(mode === "check" ? { totalRows: progress.processedRows, checkedAt: finishedAt } : {}),
    });
    return { ok: true, status, progress };
  } catch (error) {
    await report.close().catch(() => {});
    const what =
      error instanceof ImportFileError
        ? error.message
        : msg("ingest.import.unexpectedError", { row: progress.processedRows + 1, detail: error instanceof Error ? error.message : String(error) });
    // a sentence of its own: what the rows already written mean for the next run
    const message = mode === "import" && progress.createdRows + progress.updatedRows > 0 ? `${what} ${msg("ingest.import.rowsBeforeWritten")}` : what;
    await save({ status: "failed", error: message, errorReportPath: report.count ? reportPath : null, finishedAt: clock() }).catch(() => {});
    if (error instanceof ImportFileError) return { ok: true, status: "failed", progress };
    throw error;
  }
}
