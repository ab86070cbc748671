// Segment error messages reach each reader in their own language through the real app: the API
// by Accept-Language (English without it), the console by the user's chosen language, a feed's
// reader by Accept-Language; and the reason a segment cannot be evaluated, stored by a recompute
// that ran for nobody, is shown to each reader in theirs.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUserLocale } from "../../models/users.server";
import { recomputeSegment } from "../../segments/recompute.server";
import { saveSegment } from "../../segments/store.server";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { enableThroughPage, readFeed } from "../feeds/support";
import { writeSmallStore } from "./store";

type Visitor = Awaited<ReturnType<typeof signIn>>;

describe(`segment error messages in the reader's language, on ${testDialect}`, () => {
  let app: TestApp;
  let writer: string;
  let ids: Map<string, number>;

  const api = (method: "get" | "post", path: string, language?: string) => {
    const r = request(app.url)[method](`/api/v1${path}`).set("Authorization", `Bearer ${writer}`);
    return language ? r.set("Accept-Language", language) : r;
  };
  /** A definition wrong in the schema (its code, one criterion's bounds) and, once past it, in what it names. */
  const badShape = { name: "Bad", code: "Bad Code", type: "dynamic", criteria: [{ field: "totalSpent", min: 500, max: 100 }, { field: "segment", segment: "ghost", isMember: true }] };
  const badReference = { name: "Bad", code: "bad", type: "dynamic", criteria: [{ field: "segment", segment: "ghost", isMember: true }] };

  async function userIn(role: "admin" | "marketer", locale: string): Promise<Visitor> {
    const user = await signIn(app, role);
    expect(await setUserLocale(app.db, user.id, locale)).toBe(true);
    return user;
  }

  beforeAll(async () => {
    app = await startTestApp();
    ids = await writeSmallStore(app.db);
    writer = (await app.apiKey(["segments:read", "segments:write"])).secret;
  });
  afterAll(() => app?.close());

  it("the API answers a bad definition in the Accept-Language it speaks, and in English without one", async () => {
    // the schema's reasons (its message is the API's own, of every endpoint)
    const english = await api("post", "/segments").send(badShape);
    expect(english.status).toBe(422);
    expect(english.body.error.code).toBe("validation_failed");
    expect(english.body.error.fields).toEqual(
      expect.arrayContaining([
        { field: "code", reason: "must be 1–64 lower-case letters, digits, - or _, starting and ending with a letter or digit" },
        { index: 0, field: "min", reason: "must not be greater than max" },
      ]),
    );

    const russian = await api("post", "/segments", "ru-RU,ru;q=0.9,en;q=0.5").send(badShape);
    expect(russian.status).toBe(422);
    // the code stays English; the words are Russian
    expect(russian.body.error.code).toBe("validation_failed");
    expect(russian.body.error.fields).toEqual(
      expect.arrayContaining([
        { field: "code", reason: "должно состоять из 1–64 строчных латинских букв, цифр, - или _ и начинаться и заканчиваться буквой или цифрой" },
        { index: 0, field: "min", reason: "не может быть больше max" },
      ]),
    );

    // the checks against the store, and the segment endpoint's message, speak the caller's language too
    const greek = await api("post", "/segments", "el").send(badReference);
    expect(greek.status).toBe(422);
    expect(greek.body.error).toEqual({
      code: "validation_failed",
      message: "Ο ορισμός έχει σφάλματα· δεν αποθηκεύτηκε τίποτα.",
      fields: [{ index: 0, field: "segment", reason: "το «ghost» δεν είναι γνωστό τμήμα" }],
      requestId: expect.any(String),
    });
    expect((await api("post", "/segments").send(badReference)).body.error).toMatchObject({
      message: "The definition has errors; nothing was saved.",
      fields: [{ index: 0, field: "segment", reason: '"ghost" is not a known segment' }],
    });
  });

  it("the API's plural reasons and not-found answers follow the language too", async () => {
    const five = Array.from({ length: 5 }, () => ({ field: "orderCount", min: 1 }));
    const ukrainian = await api("post", "/segments", "uk").send({ name: "Many", code: "many", type: "dynamic", criteria: five });
    expect(ukrainian.body.error.fields).toEqual([{ field: "criteria", reason: "сегмент має щонайбільше 4 критерії" }]);

    const missing = await api("get", "/segments/nothing-such/members", "bg");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "not_found", message: "Няма сегмент с този код.", fields: [{ field: "code", reason: "не е код на сегмент" }] });

    expect((await api("post", "/segments").send({ name: "Sound", code: "sound", type: "dynamic", criteria: [{ field: "orderCount", min: 1 }] })).status).toBe(201);
    const oneUnknown = await api("get", "/segments/sound/members?fields=email,shoeSize", "ru");
    expect(oneUnknown.body.error.fields).toEqual([{ field: "fields", reason: expect.stringMatching(/^shoeSize — не поле; выберите из: id, externalId/) }]);
    const twoUnknown = await api("get", "/segments/sound/members?fields=shoeSize,hat");
    expect(twoUnknown.body.error.fields).toEqual([{ field: "fields", reason: expect.stringMatching(/^shoeSize, hat are not fields; choose from id, externalId/) }]);
  });

  it("a console user who chose Ukrainian gets the editor's and the preview's errors in Ukrainian", async () => {
    const marketer = await userIn("marketer", "uk");
    const save = (definition: string) => marketer.submit("/segments/new?_data=routes%2Fsegments.new", { intent: "save", definition });
    const saved = await save(JSON.stringify(badShape));
    expect(saved.status).toBe(422);
    const { errors } = (await saved.json()) as { errors: Array<{ index?: number; field: string; reason: string }> };
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: "code", reason: "має складатися з 1–64 малих латинських літер, цифр, - або _ і починатися й закінчуватися літерою або цифрою" },
        { index: 0, field: "min", reason: "не може бути більшим за max" },
      ]),
    );
    const notJson = await save("{");
    expect(await notJson.json()).toMatchObject({ errors: [{ field: "(body)", reason: "визначення не є коректним JSON" }] });

    const preview = await marketer.submit("/segments/preview", { definition: JSON.stringify(badReference), customerId: "someone" }, "/segments/new");
    expect(preview.status).toBe(400);
    expect(await preview.json()).toEqual({ errors: [{ field: "customerId", reason: "має бути ID клієнта" }], result: null });

    const whyNot = await marketer.get(`/customers/${ids.get("vera")}/why-not?segment=big`);
    expect(await whyNot.json()).toEqual({ problem: "bad-request", field: "segment", reason: "має бути ID сегмента" });

    // the same request from a user who kept English
    const english = await signIn(app, "marketer");
    const again = await english.submit("/segments/preview", { definition: JSON.stringify(badReference), customerId: "someone" }, "/segments/new");
    expect(await again.json()).toEqual({ errors: [{ field: "customerId", reason: "must be a customer id" }], result: null });
  });

  it("the comparison page and the feed panel refuse in the user's language", async () => {
    const marketer = await userIn("marketer", "bg");
    const page = await (await marketer.get("/segments/compare?code=sound")).text();
    expect(page).toContain("посочете поне 2 сегмента за сравнение");
    expect(page).not.toContain("segments to compare");

    const admin = await userIn("admin", "el");
    const sound = (await app.db.models.Segment.findOne({ where: { code: "sound" }, raw: true }))!.id;
    const refused = await admin.submit(`/segments/${sound}/feed`, { intent: "enable" }, `/segments/${sound}`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ ok: false, field: "formats", error: "formats: επιλέξτε τουλάχιστον μία μορφή" });
    await enableThroughPage(admin, sound);
    const twice = await admin.submit(`/segments/${sound}/feed`, { intent: "enable", formats: "json" }, `/segments/${sound}`);
    expect(twice.status).toBe(409);
    expect(await twice.json()).toEqual({ ok: false, error: "Η ροή είναι ήδη ενεργή: αντικαταστήστε το URL της για να πάρετε νέο." });
  });

  it("a feed's reader gets a bad query's reason in its Accept-Language, else in English", async () => {
    const sound = (await app.db.models.Segment.findOne({ where: { code: "sound" }, raw: true }))!.id;
    const admin = await signIn(app, "admin");
    await app.db.models.SegmentFeed.destroy({ where: { segmentId: sound } });
    const token = await enableThroughPage(admin, sound);
    const english = await readFeed(app, `${token}/members.json?limit=0`);
    expect(english.status).toBe(400);
    expect(await english.text()).toBe("limit must be a whole number from 1 to 1000.\n");
    const russian = await fetch(`${app.url}/feeds/${token}/events.json?since=x`, { headers: { "Accept-Language": "ru" } });
    expect(russian.status).toBe(400);
    expect(await russian.text()).toBe("since: не является курсором, выданным этим фидом.\n");
  });

  it("why a segment cannot be evaluated, found by the worker, is shown to each user in their language", async () => {
    const out = await saveSegment(app.db, { name: "Broken", code: "broken", type: "dynamic", criteria: [{ field: "orderCount", min: 1 }] }, { userId: null });
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    // written around the checks: it names a segment that does not exist
    await app.db.models.Segment.update({ criteria: JSON.stringify([{ field: "segment", segment: "gone", isMember: true }]) }, { where: { id: out.segment.id } });
    expect(await recomputeSegment(app.services.segments, out.segment.id, new Date())).toMatchObject({ status: "skipped", reason: "unevaluable", error: "unknown segment gone" });

    const ukrainian = await userIn("marketer", "uk");
    const page = await (await ukrainian.get(`/segments/${out.segment.id}`)).text();
    expect(page).toContain("Цей сегмент неможливо обчислити: невідомий сегмент gone.");
    const english = await signIn(app, "marketer");
    expect(await (await english.get(`/segments/${out.segment.id}`)).text()).toContain("This segment cannot be evaluated: unknown segment gone.");
  });
});
