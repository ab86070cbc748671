// "Why isn't this customer in?" through the real app: the customer page's picker asks
// /customers/:id/why-not for one segment and gets each criterion with the customer's own value; a
// manager asks only about their own customers; and the editor's preview judges a picked customer
// against a definition that is not saved, unfinished criteria left out.
import i18next, { type TFunction } from "i18next";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { i18nConfig, resources } from "../../app/i18n";
import { describeCriterion, describeValue, wordingFrom } from "../../app/components/segments/words";
import type { Criterion } from "../../segments/definition";
import type { CriterionReason } from "../../segments/evaluate";
import { recomputeSegment } from "../../segments/recompute.server";
import { saveSegment } from "../../segments/store.server";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { signIn } from "../imports/http";
import { STORE, writeSmallStore } from "./store";

type Visitor = Awaited<ReturnType<typeof signIn>>;

interface Verdict {
  segment: { id: number; name: string; type: string; match: string; criteria: Criterion[] };
  isMember: boolean;
  explanation: { matched: boolean; reasons: CriterionReason[] } | null;
  evaluationError: string | null;
}

describe(`why a customer is not in a segment, on ${testDialect}`, () => {
  let app: TestApp;
  let ids: Map<string, number>;
  let marketer: Visitor;
  let admin: Visitor;
  let owner: Visitor;
  let otherManager: Visitor;
  let big = 0;
  let byHand = 0;
  let t: TFunction<"segments">;

  const whyNot = (who: Visitor, customer: string | number, segment: number | string) =>
    who.get(`/customers/${typeof customer === "number" ? customer : ids.get(customer)}/why-not?segment=${segment}`);

  beforeAll(async () => {
    app = await startTestApp();
    ids = await writeSmallStore(app.db);
    marketer = await signIn(app, "marketer");
    admin = await signIn(app, "admin");
    owner = await signIn(app, "manager");
    otherManager = await signIn(app, "manager");
    const [ownerRow] = await app.db.models.User.findAll({ where: { role: "manager" }, order: [["id", "ASC"]], raw: true });
    // vera and ana are the first manager's; the second manager has nobody
    await app.db.models.Customer.update({ managerId: ownerRow.id }, { where: { externalId: ["vera", "ana"] } });

    const saved = await saveSegment(
      app.db,
      { name: "Big spenders in Bulgaria", code: "big-bg", type: "dynamic", criteria: [{ field: "totalSpent", min: 50000 }, { field: "country", values: [{ value: "BG" }] }] },
      { userId: null },
    );
    const manual = await saveSegment(app.db, { name: "Picked by hand", code: "by-hand", type: "manual", criteria: [] }, { userId: null });
    if (!saved.ok || !manual.ok) throw new Error("segments not saved");
    big = saved.segment.id;
    byHand = manual.segment.id;
    await recomputeSegment(app.services.segments, big, new Date(), "save");

    const i18n = i18next.createInstance();
    await i18n.init({ ...i18nConfig, lng: "en", resources });
    t = i18n.getFixedT("en", "segments");
  });
  afterAll(() => app?.close());

  it("the customer page offers the segments the customer is not in", async () => {
    const page = async (name: string) => {
      const res = await marketer.get(`/customers/${ids.get(name)}?_data=${encodeURIComponent("routes/customers.$id")}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { segments: { notIn: Array<{ id: number; name: string }> } }).segments.notIn.map((s) => s.name);
    };
    expect(await page("vera")).toEqual(["Big spenders in Bulgaria", "Picked by hand"]);
    expect(await page("ana")).toEqual(["Picked by hand"]);
  });

  it("a customer not in a segment gets the criterion they fail with their own value", async () => {
    const res = await whyNot(marketer, "vera", big);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { verdict, names } = (await res.json()) as { verdict: Verdict; names: Parameters<typeof wordingFrom>[1] };
    expect(verdict).toMatchObject({ segment: { id: big, name: "Big spenders in Bulgaria", type: "dynamic", match: "all" }, isMember: false, evaluationError: null });
    expect(verdict.explanation).toEqual({
      matched: false,
      reasons: [
        { index: 0, field: "totalSpent", matched: false, actual: 12000 },
        { index: 1, field: "country", matched: false, actual: "GR" },
      ],
    });
    // in the words the card shows
    const wording = wordingFrom(STORE, names);
    const [spent, country] = verdict.explanation!.reasons;
    expect([describeCriterion(verdict.segment.criteria[0], t, wording), describeValue(verdict.segment.criteria[0], spent, t, wording)]).toEqual(["Total spent at least €500.00", "€120.00"]);
    expect([describeCriterion(verdict.segment.criteria[1], t, wording), describeValue(verdict.segment.criteria[1], country, t, wording)]).toEqual(["Country is Bulgaria", "Greece"]);

    // gosho is in Bulgaria but has spent nothing: only the money fails
    const gosho = ((await (await whyNot(admin, "gosho", big)).json()) as { verdict: Verdict }).verdict;
    expect(gosho.explanation!.reasons.map((r) => [r.field, r.matched, r.actual])).toEqual([
      ["totalSpent", false, 0],
      ["country", true, "BG"],
    ]);
  });

  it("a member is told so, and a manual segment says members are added by hand", async () => {
    const ana = ((await (await whyNot(marketer, "ana", big)).json()) as { verdict: Verdict }).verdict;
    expect(ana).toMatchObject({ isMember: true, explanation: { matched: true } });
    const manual = ((await (await whyNot(marketer, "vera", byHand)).json()) as { verdict: Verdict }).verdict;
    expect(manual).toMatchObject({ segment: { type: "manual" }, isMember: false, explanation: null });
  });

  it("a manager asks about their own customers; about another's they get 403 and no values", async () => {
    const own = await whyNot(owner, "vera", big);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { verdict: Verdict }).verdict.explanation!.reasons[0].actual).toBe(12000);

    const before = await rowCounts(app.db);
    const refused = await whyNot(otherManager, "vera", big);
    expect(refused.status).toBe(403);
    const body = await refused.text();
    expect(JSON.parse(body)).toEqual({ problem: "forbidden" });
    expect(body).not.toMatch(/12000|GR|Greece|totalSpent|Big spenders/);
    // the first manager may not ask about a customer nobody assigned them either
    expect((await whyNot(owner, "gosho", big)).status).toBe(403);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("names the field of a bad request, and answers 404 for a customer or segment that is not there", async () => {
    const bad = await whyNot(marketer, "vera", "big");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ problem: "bad-request", field: "segment", reason: "must be a segment id" });
    expect((await marketer.get(`/customers/${ids.get("vera")}/why-not`)).status).toBe(400);
    expect(await (await whyNot(marketer, "vera", 987654)).json()).toEqual({ problem: "segment-not-found" });
    expect((await whyNot(marketer, 987654, big)).status).toBe(404);
    expect((await whyNot(marketer, "x1", big)).status).toBe(404);
    // signed out: to the login page
    const anonymous = await fetch(`${app.url}/customers/${ids.get("vera")}/why-not?segment=${big}`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
  });
});

describe(`the editor's preview judges a picked customer against the unsaved draft, on ${testDialect}`, () => {
  let app: TestApp;
  let ids: Map<string, number>;
  let marketer: Visitor;

  interface Checked {
    customerId: number;
    isFound: boolean;
    matched: boolean;
    reasons: CriterionReason[];
  }
  const preview = async (definition: unknown, customerId: number | undefined, incomplete = "") => {
    const before = await rowCounts(app.db);
    const res = await marketer.submit("/segments/preview", { definition: JSON.stringify(definition), incomplete, customerId: customerId === undefined ? "" : String(customerId) }, "/segments/new");
    expect(res.status).toBe(200);
    expect(await rowCounts(app.db)).toEqual(before);
    return ((await res.json()) as { result: { counted: number[]; count: number; checked: Checked | null } | null }).result;
  };
  const draft = (match: "all" | "any", criteria: unknown[]) => ({ name: "", code: "", type: "dynamic", match, criteria });

  beforeAll(async () => {
    app = await startTestApp();
    ids = await writeSmallStore(app.db);
    marketer = await signIn(app, "marketer");
  });
  afterAll(() => app?.close());

  it("each criterion of the draft with the customer's value, and whether they would be in", async () => {
    const result = await preview(draft("all", [{ field: "totalSpent", min: 50000 }, { field: "city", values: [{ value: "София" }] }]), ids.get("vera"));
    expect(result!.checked).toEqual({
      customerId: ids.get("vera"),
      isFound: true,
      matched: false,
      reasons: [
        { index: 0, field: "totalSpent", matched: false, actual: 12000 },
        { index: 1, field: "city", matched: false, actual: "Αθήνα" },
      ],
    });
    const ana = await preview(draft("all", [{ field: "totalSpent", min: 50000 }, { field: "city", values: [{ value: "София" }] }]), ids.get("ana"));
    expect(ana!.checked).toMatchObject({ isFound: true, matched: true });
    // edited to any, with a lower bound: her 120.00 is enough without Sofia
    expect((await preview(draft("any", [{ field: "totalSpent", min: 10000 }, { field: "city", values: [{ value: "София" }] }]), ids.get("vera")))!.checked).toMatchObject({
      matched: true,
      reasons: [{ matched: true, actual: 12000 }, { matched: false }],
    });
  });

  it("an unfinished criterion is not counted: the verdict is of the finished ones, by their place in the draft", async () => {
    // criterion 2 (index 1) is a total spent with no bounds yet, criterion 3 is being typed in the browser
    const result = await preview(draft("all", [{ field: "country", values: [{ value: "BG" }] }, { field: "totalSpent" }, { field: "orderCount", min: 1 }]), ids.get("gosho"), "2");
    expect(result!.counted).toEqual([0]);
    expect(result!.checked).toEqual({ customerId: ids.get("gosho"), isFound: true, matched: true, reasons: [{ index: 0, field: "country", matched: true, actual: "BG" }] });
  });

  it("no customer picked, no verdict; a customer who is not there is said to be missing", async () => {
    const definition = draft("all", [{ field: "country", values: [{ value: "BG" }] }]);
    expect((await preview(definition, undefined))!.checked).toBeNull();
    expect((await preview(definition, 987654))!.checked).toEqual({ customerId: 987654, isFound: false, matched: false, reasons: [] });
    const res = await marketer.submit("/segments/preview", { definition: JSON.stringify(definition), customerId: "someone" }, "/segments/new");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ field: "customerId", reason: "must be a customer id" }], result: null });
  });
});
