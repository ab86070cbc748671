import { Sequelize } from "sequelize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SequelizeBackend } from "../../jobs/sequelize-backend";
import { createTestDatabase, testDialect } from "../support/db";
import { newJob } from "./support";

interface IndexInfo {
  name: string;
  unique: boolean;
  fields: Array<{ attribute: string; order?: string }>;
}

describe(`the job tables on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  async function shape(table: string) {
    const qi = db.sequelize.getQueryInterface();
    const columns = await qi.describeTable(table);
    const indexes = ((await qi.showIndex(table)) as IndexInfo[])
      .filter((index) => index.name !== "PRIMARY" && !index.name.startsWith("sqlite_autoindex"))
      .map((index) => ({
        name: index.name.slice(table.length),
        unique: Boolean(index.unique),
        fields: index.fields.map((f) => `${f.attribute}${f.order === "DESC" ? " DESC" : ""}`),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { columns, indexes };
  }

  it("connect() creates the same tables and indexes as the migration, and again changes nothing", async () => {
    const backend = new SequelizeBackend({ sequelize: db.sequelize, tableName: "outside_jobs", logsTableName: "outside_job_logs" });
    await backend.connect();
    await backend.connect();
    expect(await shape("outside_jobs")).toEqual(await shape("agenda_jobs"));
    expect(await shape("outside_job_logs")).toEqual(await shape("agenda_job_logs"));
    const saved = await backend.repository.saveJob(newJob({ name: "outside" }), undefined);
    expect((await backend.repository.getJobById(saved._id!))?.name).toBe("outside");
    expect(await new SequelizeBackend({ sequelize: db.sequelize }).repository.getJobById(saved._id!)).toBeNull();
  });

  it("connect() from several processes' worth of backends at once creates each table once", async () => {
    await Promise.all(
      Array.from({ length: 4 }, () => new SequelizeBackend({ sequelize: db.sequelize, tableName: "racing_jobs", logsTableName: "racing_job_logs" }).connect()),
    );
    expect((await shape("racing_jobs")).indexes).toHaveLength(3);
  });

  it("the app's models read the rows the backend writes", async () => {
    const backend = new SequelizeBackend({ sequelize: db.sequelize });
    const saved = await backend.repository.saveJob(newJob({ name: "recompute-segment", data: { segmentId: 9 }, priority: 5 }), { lastModifiedBy: "web" });
    await backend.logger.log({ timestamp: new Date(), level: "info", event: "start", jobId: saved._id, jobName: "recompute-segment", message: "job started" });
    const row = await db.models.AgendaJob.findByPk(Number(saved._id));
    expect(row?.get({ plain: true })).toMatchObject({ name: "recompute-segment", priority: 5, data: '{"segmentId":9}', lastModifiedBy: "web", disabled: false });
    expect(await db.models.AgendaJobLog.count({ where: { jobId: String(saved._id) } })).toBe(1);
  });

  // On MariaDB the tables above were created by connect() on a database whose migrations know nothing of them.
  it.runIf(testDialect === "sqlite")("works on a bare Sequelize that no migration has touched, and disconnect() leaves it open", async () => {
    const bare = new Sequelize({ dialect: "sqlite", storage: ":memory:", logging: false });
    const backend = new SequelizeBackend({ sequelize: bare });
    await backend.connect();
    const saved = await backend.repository.saveJob(newJob(), undefined);
    expect(await backend.repository.getNextJobToRun(saved.name, new Date(Date.now() + 1_000), new Date(0), undefined, undefined)).toMatchObject({ _id: saved._id });
    await backend.disconnect();
    await expect(bare.query("SELECT 1")).resolves.toBeDefined();
    await bare.close();
  });
});
