// A worker process for test/jobs/workers.test.ts:
//   node --import tsx test/jobs/worker-process.ts <database url> <worker name>
// It records every run of a job in the job_runs table (job id, worker), then:
//   "count-run" finishes at once; "hang-run" never finishes (the test kills the process).
// It prints "ready" once connected, starts processing on a "start" line on stdin, and on a "stop"
// line stops Agenda, closes the database, prints "stopped" and exits.
import readline from "node:readline";
import { Agenda } from "agenda";
import { QueryTypes } from "sequelize";
import { SequelizeBackend } from "../../jobs/sequelize-backend";
import { openDatabase } from "../../models/db";

const [url, workerName] = process.argv.slice(2);
const db = await openDatabase(url, { pool: { max: 5 } });
const backend = new SequelizeBackend({ sequelize: db.sequelize });
const agenda = new Agenda({
  backend,
  name: workerName,
  processEvery: 200,
  defaultConcurrency: 10,
  maxConcurrency: 20,
  // each poll locks at most this many per name, so two workers share a queue that is already full
  defaultLockLimit: 20,
});
agenda.on("error", (error) => console.error(`[${workerName}] agenda error:`, error));

const recordRun = (jobId: unknown) =>
  db.sequelize.query("INSERT INTO job_runs (job_id, worker) VALUES (:jobId, :worker)", {
    type: QueryTypes.INSERT,
    replacements: { jobId: String(jobId), worker: workerName },
  });

agenda.define("count-run", async (job) => {
  await recordRun(job.attrs._id);
});
agenda.define("hang-run", async (job) => {
  await recordRun(job.attrs._id);
  await new Promise(() => {});
});

await agenda.ready;
console.log("ready");
for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line === "start") {
    await agenda.start();
    console.log("started");
  } else if (line === "stop") {
    await agenda.stop();
    await db.close();
    console.log("stopped");
    process.exit(0);
  }
}
