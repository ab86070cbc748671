// The segment list's search and filters (query string, answered by the server) and duplicating a
// segment (the new-segment page prefilled from another, under a free code), through the real app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveSegment } from "../../segments/store.server";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { writeSmallStore } from "./store";

describe(`searching, filtering and duplicating segments on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Awaited<ReturnType<typeof signIn>>;
  const ids = new Map<string, number>();

  beforeAll(async () => {
    app = await startTestApp();
    marketer = await signIn(app, "marketer");
    const make = async (name: string, code: string, type: string, isActive: boolean, criteria: unknown[]) => {
      const saved = await saveSegment(app.db, { name, code, type, isActive, criteria }, { userId: null });
      if (!saved.ok) throw new Error(JSON.stringify(saved));
      ids.set(code, saved.segment.id);
    };
    await make("ВИП клиенти", "vip", "dynamic", true, [{ field: "totalSpent", min: 50000, timeFrame: { lastDays: 90 } }]);
    await make("Бивши ВИП", "former-vip", "manual", false, []);
    await make("Newsletter", "newsletter", "accumulating", true, [{ field: "subscribedOn", channel: "email" }]);
    await make("Vip copy taken", "vip-copy", "snapshot", true, [{ field: "country", values: [{ value: "BG" }] }]);
  });
  afterAll(() => app?.close());

  const list = async (query: string) => {
    const res = await marketer.get(`/segments?index&_data=routes%2Fsegments._index${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { segments: Array<{ code: string }>; total: number };
    return { codes: body.segments.map((s) => s.code).sort(), total: body.total };
  };

  it("finds segments by a part of the name in any case and script, or by the code", async () => {
    expect(await list("&q=%D0%B2%D0%B8%D0%BF")).toEqual({ codes: ["former-vip", "vip"], total: 4 }); // "вип", lower case
    expect(await list("&q=VIP")).toEqual({ codes: ["former-vip", "vip", "vip-copy"], total: 4 });
    expect(await list("&q=news")).toEqual({ codes: ["newsletter"], total: 4 });
    expect(await list("&q=nobody")).toEqual({ codes: [], total: 4 });
  });

  it("filters by type and by active, together with the text, and ignores values it does not know", async () => {
    expect(await list("&type=manual")).toEqual({ codes: ["former-vip"], total: 4 });
    expect(await list("&active=no")).toEqual({ codes: ["former-vip"], total: 4 });
    expect(await list("&active=yes&q=vip")).toEqual({ codes: ["vip", "vip-copy"], total: 4 });
    expect(await list("&type=dynamic&active=yes&q=vip")).toEqual({ codes: ["vip"], total: 4 });
    expect(await list("&type=everything&active=maybe")).toEqual({ codes: ["former-vip", "newsletter", "vip", "vip-copy"], total: 4 });
  });

  it("opens the new-segment editor as a copy: the same definition under a code nobody has", async () => {
    const res = await marketer.get(`/segments/new?from=${ids.get("vip")}&_data=routes%2Fsegments.new`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { copyOf: Record<string, unknown> };
    // vip-copy is taken by another segment
    expect(body.copyOf).toMatchObject({
      name: "ВИП клиенти",
      code: "vip-copy-2",
      type: "dynamic",
      criteria: [{ field: "totalSpent", min: 50000, timeFrame: { lastDays: 90 } }],
    });
    const plain = (await (await marketer.get(`/segments/new?from=${ids.get("newsletter")}&_data=routes%2Fsegments.new`)).json()) as { copyOf: { code: string } };
    expect(plain.copyOf.code).toBe("newsletter-copy");
    expect((await marketer.get(`/segments/new?from=987654&_data=routes%2Fsegments.new`)).status).toBe(404);
    const fresh = (await (await marketer.get(`/segments/new?_data=routes%2Fsegments.new`)).json()) as { copyOf: unknown };
    expect(fresh.copyOf).toBeNull();
  });
});

describe(`the editor's preview while a criterion is unfinished, on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    app = await startTestApp();
    marketer = await signIn(app, "marketer");
    await writeSmallStore(app.db);
  });
  afterAll(() => app?.close());

  const preview = async (definition: unknown, incomplete = "") => {
    const res = await marketer.submit("/segments/preview", { definition: JSON.stringify(definition), incomplete }, "/segments/new");
    expect(res.status).toBe(200);
    return (await res.json()) as { errors: Array<{ index?: number; field: string }>; result: { count: number; perCriterion: number[]; counted: number[] } | null };
  };
  const draft = (criteria: unknown[]) => ({ name: "", code: "", type: "dynamic", match: "all", criteria });

  it("counts the finished criteria and says which it leaves out, with the server's errors for the rest", async () => {
    // criterion 3 (index 2) is a new total spent with no bounds yet
    const answer = await preview(draft([{ field: "country", values: [{ value: "BG" }] }, { field: "totalSpent", min: 50000 }, { field: "totalSpent" }]));
    expect(answer.errors).toContainEqual(expect.objectContaining({ index: 2, field: "min" }));
    expect(answer.result).toMatchObject({ count: 3, perCriterion: [4, 3], counted: [0, 1] });
  });

  it("leaves out a criterion the browser reports as unfinished, though it is well-formed", async () => {
    // the browser could not read the max of criterion 1, so the min alone would count the wrong people
    const answer = await preview(draft([{ field: "totalSpent", min: 10000 }, { field: "country", values: [{ value: "GR" }] }]), "0");
    expect(answer.result).toMatchObject({ count: 1, perCriterion: [1], counted: [1] });
    expect((await preview(draft([{ field: "totalSpent", min: 10000 }]), "0")).result).toBeNull();
  });

  it("still answers a manual segment whose name is not typed yet, which has no criteria to count", async () => {
    const answer = await preview({ name: "", code: "", type: "manual", criteria: [] });
    expect(answer.result).toMatchObject({ count: null, counted: [] });
  });
});
