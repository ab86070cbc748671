// Deleting a segment from the segment list page, through the real app and its form action.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveSegment } from "../../segments/store.server";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { signIn } from "../imports/http";

describe(`deleting a segment from the list page on ${testDialect}`, () => {
  let app: TestApp;
  let marketer: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    app = await startTestApp();
    marketer = await signIn(app, "marketer");
  });
  afterAll(() => app?.close());

  const remove = async (segmentId: number) => {
    const res = await marketer.submit("/segments?index&_data=routes%2Fsegments._index", { intent: "delete", segmentId: String(segmentId) }, "/segments");
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("answers 404 for a segment that does not exist, and for one already deleted", async () => {
    expect(await remove(987654)).toEqual({ status: 404, body: { notFound: true } });
    const saved = await saveSegment(app.db, { name: "Бивши клиенти", code: "former", type: "manual", criteria: [] }, { userId: null });
    if (!saved.ok) throw new Error(JSON.stringify(saved));
    expect(await remove(saved.segment.id)).toEqual({ status: 200, body: { deleted: "Бивши клиенти" } });
    expect(await remove(saved.segment.id)).toEqual({ status: 404, body: { notFound: true } });
  });
});
