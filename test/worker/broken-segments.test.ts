// Issue 13, item 1: a segment that another one uses keeps that user working when it is renamed
// (through the API or the console's editor), so deleting it is still refused; and a segment whose
// definition cannot be evaluated is skipped, shown and logged once, while live updates go on for
// the others. Waits poll with a deadline; nothing sleeps.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { evaluationReasonText } from "../../segments/evaluation-reason";
import { createFormedSegment, startWorkerAppWith, type api, eventKinds, isMember, until } from "./support";

const BOUND_MS = 2_000;

describe(`segments naming other segments, renamed or broken, with the worker on ${testDialect}`, () => {
  let app: TestApp;
  let call: ReturnType<typeof api>;
  let ids: Map<string, number>;

  beforeAll(async () => {
    ({ app, call, ids } = await startWorkerAppWith([
      { externalId: "anna", country: "BG" },
      { externalId: "boris", country: "DE" },
      { externalId: "cveta", country: "DE" },
      { externalId: "dora", country: "DE" },
    ]));
  });
  afterAll(() => app?.close());

  const createSegment = (definition: object) => createFormedSegment(app, call, definition);


  async function moveTo(externalId: string, country: string): Promise<number> {
    const res = await call.post("/customers", { externalId, country });
    expect(res.status, res.text).toBe(200);
    return Date.now();
  }

  const inCountry = (code: string, country: string) => ({ name: `Segment ${code}`, code, type: "dynamic", criteria: [{ field: "country", values: [{ value: country }] }] });

  it("renaming a used segment in the console's editor keeps its user working, and deleting it is still refused naming the user", async () => {
    const refA = await createSegment(inCountry("ref-a", "BG"));
    const refB = await createSegment({ name: "Uses ref-a", code: "ref-b", type: "dynamic", criteria: [{ field: "segment", segment: "ref-a", isMember: true }] });
    expect(await isMember(app.db, refB, ids.get("anna")!)).toBe(true);
    const marketer = await signIn(app, "marketer");
    const edited = await marketer.submit(`/segments/${refA}/edit`, { intent: "save", definition: JSON.stringify(inCountry("ref-a-renamed", "BG")) });
    expect(edited.status).toBe(302);
    expect((await call.get("/segments/ref-b")).body.criteria).toEqual([{ field: "segment", segment: "ref-a-renamed", isMember: true }]);

    const fromList = await marketer.submit("/segments?index", { intent: "delete", segmentId: String(refA) }, "/segments");
    expect(fromList.status).toBe(409);
    expect(await fromList.text()).toContain("Uses ref-a");
    const fromApi = await call.delete("/segments/ref-a-renamed");
    expect(fromApi.status).toBe(409);
    expect(fromApi.body.error.fields).toEqual([{ field: "code", reason: "is used by segment ref-b (Uses ref-a)" }]);
    expect(await app.db.models.Segment.count({ where: { id: refA, deletedAt: null } })).toBe(1);

    // the user still follows changes live
    const boris = ids.get("boris")!;
    const returned = await moveTo("boris", "BG");
    await until(async () => isMember(app.db, refB, boris), returned + BOUND_MS, "boris in ref-b through the renamed ref-a");
    expect(await eventKinds(app.db, refB, boris)).toEqual(["entered"]);
  });

  it("a segment whose definition cannot be evaluated is shown so and logged once, and live updates go on for the others", async () => {
    const errors = vi.spyOn(app.services.log, "error");
    const sound = await createSegment(inCountry("in-france", "FR"));
    const broken = await createSegment(inCountry("broken", "FR"));
    // written around the checks: it names a segment that does not exist
    await app.db.models.Segment.update({ criteria: JSON.stringify([{ field: "segment", segment: "gone", isMember: true }]) }, { where: { id: broken } });

    const cveta = ids.get("cveta")!;
    const first = await moveTo("cveta", "FR");
    await until(async () => isMember(app.db, sound, cveta), first + BOUND_MS, "cveta in the sound segment");
    const dora = ids.get("dora")!;
    const second = await moveTo("dora", "FR");
    await until(async () => isMember(app.db, sound, dora), second + BOUND_MS, "dora in the sound segment");
    expect(await eventKinds(app.db, sound, dora)).toEqual(["entered"]);
    expect(await isMember(app.db, broken, dora)).toBe(false);

    // the row keeps the reason's key, in no language (segments/evaluation-reason.ts)
    expect(evaluationReasonText((await app.db.models.Segment.findByPk(broken, { raw: true }))!.evaluationError!)).toBe("unknown segment gone");
    const reports = errors.mock.calls.filter(([, message]) => String(message).includes("cannot be evaluated"));
    expect(reports).toHaveLength(1);
    expect(reports[0][0]).toMatchObject({ segmentId: broken, reason: "unknown segment gone" });
    const page = await (await signIn(app, "marketer")).get(`/segments/${broken}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("This segment cannot be evaluated: unknown segment gone.");
    errors.mockRestore();
  });
});
