// Issue 5, item 4: with the worker running, customers changed through the API (or a CSV import)
// are re-evaluated against the active segments, and their entered/left events are in the database
// within 2 s of the write returning. Waits poll with a deadline; nothing sleeps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startImport } from "../../jobs/run-import";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { importsDir, uploadedImport } from "../imports/support";
import { createFormedSegment, startWorkerAppWith, type api, eventKinds, isMember, until } from "./support";

const BOUND_MS = 2_000;

describe(`incremental recompute through the worker on ${testDialect}`, () => {
  let app: TestApp;
  let call: ReturnType<typeof api>;
  const files = importsDir();
  let ids: Map<string, number>;

  beforeAll(async () => {
    ({ app, call, ids } = await startWorkerAppWith(
      [
        ["anna", "DE"],
        ["boris", "BG"],
        ["cveta", "BG"],
        ["dora", "FR"],
      ].map(([externalId, country]) => ({ externalId, email: `${externalId}@shop.test`, country })),
    ));
  });
  afterAll(async () => {
    await app?.close();
    files.remove();
  });

  const bulgaria = (code: string, type: "dynamic" | "accumulating") => ({ name: `In Bulgaria (${type})`, code, type, criteria: [{ field: "country", values: [{ value: "BG" }] }] });

  const createSegment = (definition: object) => createFormedSegment(app, call, definition);


  /** Changes a customer through the API and returns the moment the call returned. */
  async function moveTo(externalId: string, country: string): Promise<number> {
    const res = await call.post("/customers", { externalId, email: `${externalId}@shop.test`, country });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe("updated");
    return Date.now();
  }

  let dynamicId: number;
  let accumulatingId: number;

  it("a customer changed through the API enters a dynamic segment, with an entered event, within 2 s", async () => {
    dynamicId = await createSegment(bulgaria("bg-dynamic", "dynamic"));
    accumulatingId = await createSegment(bulgaria("bg-accumulating", "accumulating"));
    const anna = ids.get("anna")!;
    expect(await isMember(app.db, dynamicId, anna)).toBe(false);

    const returned = await moveTo("anna", "BG");
    const seen = await until(
      async () => (await isMember(app.db, dynamicId, anna)) && (await eventKinds(app.db, dynamicId, anna)).includes("entered") && (await isMember(app.db, accumulatingId, anna)),
      returned + BOUND_MS,
      "anna in both segments with her entered events",
    );
    console.log(`${testDialect}: entered ${seen.at - returned} ms after the API call returned`);
    expect(await eventKinds(app.db, dynamicId, anna)).toEqual(["entered"]);
    expect(await eventKinds(app.db, accumulatingId, anna)).toEqual(["entered"]);
    // the count follows the members
    expect((await app.db.models.Segment.findByPk(dynamicId))?.memberCount).toBe(3);
  });

  it("a customer who no longer matches leaves the dynamic segment with a left event, and stays in the accumulating one", async () => {
    const boris = ids.get("boris")!;
    expect(await eventKinds(app.db, dynamicId, boris)).toEqual(["entered"]);
    const returned = await moveTo("boris", "RO");
    const seen = await until(
      async () => !(await isMember(app.db, dynamicId, boris)) && (await eventKinds(app.db, dynamicId, boris)).includes("left"),
      returned + BOUND_MS,
      "boris out of the dynamic segment with his left event",
    );
    console.log(`${testDialect}: left ${seen.at - returned} ms after the API call returned`);
    expect(await eventKinds(app.db, dynamicId, boris)).toEqual(["entered", "left"]);
    // the follower has handled that change; the accumulating segment kept him and recorded nothing
    expect(await isMember(app.db, accumulatingId, boris)).toBe(true);
    expect(await eventKinds(app.db, accumulatingId, boris)).toEqual(["entered"]);
    expect((await app.db.models.Segment.findByPk(dynamicId))?.memberCount).toBe(2);
    expect((await app.db.models.Segment.findByPk(accumulatingId))?.memberCount).toBe(3);
  });

  it("customers changed by a CSV import run by the worker are re-evaluated too", async () => {
    const dora = ids.get("dora")!;
    const cveta = ids.get("cveta")!;
    const csv = ["Customer ID;Email;Country", "dora;dora@shop.test;BG", "cveta;cveta@shop.test;GR", "emil;emil@shop.test;BG"].join("\r\n");
    const importId = await uploadedImport(app.db, files.write(csv));
    // the console asks for a dry run before the import; the worker runs both
    expect(await startImport(app.services.jobs, importId, "check")).toEqual({ ok: true });
    await until(async () => (await app.db.models.Import.findByPk(importId, { raw: true }))?.status === "checked", Date.now() + 15_000, "the dry run to finish");
    expect(await startImport(app.services.jobs, importId, "import")).toEqual({ ok: true });
    const done = await until(async () => (await app.db.models.Import.findByPk(importId, { raw: true }))?.status === "done", Date.now() + 15_000, "the import to finish");
    const emil = (await app.db.models.Customer.findOne({ where: { externalId: "emil" }, raw: true }))!.id;
    await until(
      async () =>
        (await isMember(app.db, dynamicId, dora)) &&
        (await isMember(app.db, dynamicId, emil)) &&
        !(await isMember(app.db, dynamicId, cveta)) &&
        (await eventKinds(app.db, dynamicId, cveta)).includes("left"),
      done.at + BOUND_MS,
      "the imported changes in the dynamic segment",
    );
    expect(await eventKinds(app.db, dynamicId, dora)).toEqual(["entered"]);
    expect(await eventKinds(app.db, dynamicId, emil)).toEqual(["entered"]);
    expect(await eventKinds(app.db, dynamicId, cveta)).toEqual(["entered", "left"]);
    expect(await isMember(app.db, accumulatingId, cveta)).toBe(true);
  });
});
