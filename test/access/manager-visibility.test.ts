// A manager walks every route of the build with ?_data= (what the browser fetches on navigation)
// and as a page: another manager's customers may appear by name, never with their email, phone,
// ids or a link to their page; the manager's own customers appear with them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createUser } from "../../models/users.server";
import { saveSegment } from "../../segments/store.server";
import { addMembers } from "../../segments/manual.server";
import { addCustomers, addOrder } from "../customers/factory";
import { createCampaign } from "../../campaigns/campaigns.server";
import { createAutomation } from "../../automations/automations.server";
import { addDeliveries } from "../campaigns/support";
import { addImport, builtRoutes, fillPattern, Visitor, type BuiltRoute } from "./console";
import { unsubscribeToken } from "../../campaigns/inbound/unsubscribe-token";

const password = "a-password-for-the-access-tests";
const OWN = 12;
const THEIRS = 30;
/** Another manager's and nobody's customers get ids from here up, so a leaked id is found by its number. */
const THEIR_IDS_FROM = 700_000;

let app: TestApp;
const visitors: Record<string, Visitor> = {};
const own: Array<{ id: number; externalId: string; email: string; phone: string }> = [];
const theirs: Array<{ id: number; externalId: string; email: string; phone: string }> = [];
let segmentId = 0;
let segmentCode = "";
let importId = 0;
let campaignId = 0;
let automationId = 0;
let fieldId = 0;
let questionId = 0;
let outboxId = 0;
let productId = 0;
/** The manager's task about their own customer, the other manager's about theirs, and one about the other's customer given to the manager. */
let taskIds: number[] = [];

beforeAll(async () => {
  app = await startTestApp();
  const { db } = app;
  const mine = await createUser(db, { email: "mine@access.test", name: "Mine", password, role: "manager" });
  const other = await createUser(db, { email: "other@access.test", name: "Other", password, role: "manager" });
  const admin = await createUser(db, { email: "admin@access.test", name: "Admin", password, role: "admin" });
  await createUser(db, { email: "marketer@access.test", name: "Marketer", password, role: "marketer" });
  const person = (kind: "own" | "theirs", i: number) => ({
    externalId: `${kind}-${i}`,
    email: `${kind}-${i}@access.test`,
    // national numbers that nothing else in a page spells
    phone: `+3598877${kind === "own" ? "1" : "2"}${String(i).padStart(4, "0")}`,
  });
  const specs = [
    ...Array.from({ length: OWN }, (_, i) => ({ ...person("own", i), firstName: "Owned", lastName: `Client ${i}`, country: "BG", managerId: mine.id })),
    ...Array.from({ length: THEIRS }, (_, i) => ({ ...person("theirs", i), firstName: "Foreign", lastName: `Shopper ${i}`, country: "BG", managerId: i % 3 === 0 ? null : other.id })),
  ];
  await addCustomers(db, specs);
  await db.models.Customer.update({ id: db.sequelize.literal(`id + ${THEIR_IDS_FROM}`) as unknown as number }, { where: { externalId: specs.filter((s) => s.externalId.startsWith("theirs")).map((s) => s.externalId) } });
  const rows = await db.models.Customer.findAll({ attributes: ["id", "externalId", "email", "phone"], raw: true });
  for (const r of rows) (r.externalId.startsWith("own") ? own : theirs).push({ id: r.id, externalId: r.externalId, email: r.email!, phone: r.phone! });
  expect(own).toHaveLength(OWN);
  expect(theirs.every((c) => c.id > THEIR_IDS_FROM)).toBe(true);

  await addOrder(db, own[0].id, { externalId: "o-own", total: 12_345, placedAt: new Date("2026-01-10T10:00:00Z") });
  await addOrder(db, theirs[0].id, { externalId: "o-theirs", total: 98_765, placedAt: new Date("2026-01-11T10:00:00Z") });
  const saved = await saveSegment(db, { name: "Everyone by hand", code: "everyone", type: "manual", criteria: [] }, { userId: admin.id });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  segmentId = saved.segment.id;
  segmentCode = saved.segment.code;
  // one at a time, theirs and own in turn, so the latest movements hold both
  const order = [...theirs.slice(OWN).map((t) => t.id), ...own.flatMap((c, i) => [theirs[i].id, c.id])];
  let at = new Date("2026-02-01T10:00:00Z").getTime();
  for (const id of order) await addMembers(db, segmentId, [id], new Date((at += 60_000)), { userId: admin.id });
  importId = await addImport(db, admin.id, ["external_id,email,phone", ...theirs.slice(0, 3).map((t) => `${t.externalId},${t.email},${t.phone}`)]);
  // a campaign that reached both kinds of customer, and a message of it in the outbox
  const campaign = await createCampaign(db, { name: "To everyone", channels: ["email"], includeSegmentIds: [segmentId], templates: { email: { subject: "Hi", htmlBody: "<p>Hi</p>" } } }, { userId: admin.id }, new Date());
  if (!campaign.ok) throw new Error(JSON.stringify(campaign));
  campaignId = campaign.campaign.id;
  await addDeliveries(db, campaignId, [
    { customerId: own[0].id, status: "sent", address: own[0].email },
    { customerId: theirs[0].id, status: "sent", address: theirs[0].email },
  ]);
  // an automation that fired for both kinds of customer, more than a page of them
  const automation = await createAutomation(db, { name: "Welcome", trigger: { segmentId, kind: "entered" }, action: { kind: "notify", userId: admin.id } }, { userId: admin.id }, new Date());
  if (!automation.ok) throw new Error(JSON.stringify(automation));
  automationId = automation.automation.id;
  fieldId = (await db.models.CustomField.create({ key: "walked", label: "Walked", type: "text", options: null })).id;
  const asked = await db.models.RegistrationQuestion.create({ key: "walked", text: "Walked?" });
  await db.models.RegistrationOption.create({ questionId: asked.id, key: "yes", label: "Yes" });
  questionId = asked.id;
  const fired = new Date("2026-02-03T10:00:00Z");
  const firedFor = [...own, ...theirs].map((c) => c.id);
  await db.models.AutomationFiring.bulkCreate(firedFor.map((customerId, i) => ({ automationId, segmentEventId: 500_000 + i, customerId, eventKind: "entered" as const, eventAt: fired, status: "done" as const, dueAt: fired, actedAt: fired, createdAt: fired, updatedAt: fired })));
  const written = new Date("2026-02-02T10:00:00Z");
  outboxId = Number(
    (await db.models.OutboxMessage.create({ channel: "email", purpose: "campaign", recipient: theirs[0].email, customerId: theirs[0].id, userId: null, subject: "Hi", textBody: "Hi", htmlBody: "<p>Hi</p>", status: "stored", createdAt: written, updatedAt: written })).id,
  );
  const task = async (assigneeId: number, customerId: number, title: string) =>
    Number((await db.models.Task.create({ customerId, assigneeId, title, description: null, dueAt: written, status: "open", automationId: null, firingId: null, createdById: null, createdAt: written, updatedAt: written })).id);
  taskIds = [await task(mine.id, own[0].id, "Call my customer"), await task(other.id, theirs[1].id, "Call their customer"), await task(mine.id, theirs[2].id, "Cover for a colleague")];
  productId = (await db.models.Product.create({ externalId: "p-1", name: "Boot", categoryId: null })).id;
  await db.models.ProductVariant.create({ externalId: "p-1-42", productId, name: "42", sku: null, price: 9000 });
  for (const role of ["mine", "admin", "marketer"]) visitors[role] = await Visitor.signIn(app.url, `${role}@access.test`, password);
});

afterAll(async () => {
  await app?.close();
});

/** Values for a route's parameters: the seeded store's real ids and codes; both kinds of customer where one is named. */
function paramValues(route: BuiltRoute): Array<Record<string, string | number>> {
  const byParam = (param: string): Array<string | number> => {
    if (param === "id" && route.pattern.startsWith("/customers/")) return [own[0].id, theirs[0].id];
    if (param === "id" && route.pattern.startsWith("/segments/")) return [segmentId];
    if (param === "id" && route.pattern.startsWith("/imports/")) return [importId];
    if (param === "id" && (route.pattern.startsWith("/campaigns/") || route.pattern.startsWith("/api/v1/campaigns/"))) return [campaignId];
    if (param === "id" && route.pattern.startsWith("/outbox/")) return [outboxId];
    if (param === "id" && (route.pattern.startsWith("/tasks/") || route.pattern.startsWith("/api/v1/tasks/"))) return taskIds;
    if (param === "id" && (route.pattern.startsWith("/automations/") || route.pattern.startsWith("/api/v1/automations/"))) return [automationId];
    if (param === "id" && route.pattern.startsWith("/admin/fields/")) return [fieldId];
    if (param === "id" && route.pattern.startsWith("/admin/questions/")) return [questionId];
    if (param === "key" && route.pattern.startsWith("/api/v1/custom-fields/")) return ["walked"];
    if (param === "key" && route.pattern.startsWith("/api/v1/questions/")) return ["walked"];
    if (param === "id" && route.pattern.startsWith("/products/")) return [productId];
    if (param === "variantExternalId") return ["p-1-42"];
    if (param === "id" && (route.pattern.startsWith("/exports/") || route.pattern.startsWith("/api/v1/exports/"))) return [1];
    if (param === "code") return [segmentCode];
    if (param === "externalId") return [own[0].externalId, theirs[0].externalId];
    if (param === "*") return ["customers"];
    // the public unsubscribe page of another manager's customer shows nothing of them
    if (param === "token") return [unsubscribeToken(app.services.config.sessionSecret, theirs[0].id, "email")];
    throw new Error(`route ${route.id} (${route.pattern}): give its parameter "${param}" a value in paramValues`);
  };
  let combos: Array<Record<string, string | number>> = [{}];
  for (const param of route.params) combos = combos.flatMap((c) => byParam(param).map((v) => ({ ...c, [param]: v })));
  return combos;
}

/** Searches the routes that take one are also asked, for both kinds of customer. */
const searches = (): Record<string, string[]> => ({
  "routes/customers._index": ["q=Foreign", "q=access.test", "q=%2B35988772", "q=Owned", `segment=${segmentId}`, `notSegment=${segmentId}&q=access.test`],
  "routes/segments.customers": ["q=Foreign", "q=access.test", "q=%2B35988772"],
  "routes/segments.$id": ["after=bogus"],
  "routes/customers.$id_.why-not": [`segment=${segmentId}`],
});

const digitsPattern = (phone: string) => new RegExp(phone.replace(/^\+359/, "").split("").join("[\\s()-]*"));

/** The details of another manager's customers found in a response body: emails, external ids, phones, ids, links. */
function leaksIn(body: string): string[] {
  const found: string[] = [];
  const theirIds = new Set(theirs.map((t) => t.id));
  for (const t of theirs) {
    if (body.includes(t.email)) found.push(t.email);
    if (new RegExp(`\\b${t.externalId}\\b`).test(body)) found.push(t.externalId);
    if (digitsPattern(t.phone).test(body)) found.push(t.phone);
  }
  for (const m of body.matchAll(/(?<![\w-])(\d{6,})(?![\w-])/g)) if (theirIds.has(Number(m[1]))) found.push(`id ${m[1]}`);
  return [...new Set(found)];
}

interface Answer {
  url: string;
  status: number;
  body: string;
}

/** Every GET loader as this visitor: its ?_data= answer and its page, following next-page links a few pages deep. */
async function walk(visitor: Visitor): Promise<Answer[]> {
  const answers: Answer[] = [];
  const routes = (await builtRoutes()).filter((r) => r.hasLoader);
  expect(routes.length).toBeGreaterThan(20);
  for (const route of routes) {
    for (const values of paramValues(route)) {
      const base = fillPattern(route.pattern, values);
      for (const search of ["", ...(searches()[route.id] ?? [])]) {
        let next: string | null = search ? `${base}?${search}` : base;
        for (let page = 0; next && page < 5; page++) {
          const sep = next.includes("?") ? "&" : "?";
          const data = await request(app.url).get(`${next}${sep}_data=${encodeURIComponent(route.id)}`).set("Cookie", visitor.cookieHeader);
          answers.push({ url: `${next} (_data)`, status: data.status, body: data.text });
          const html: request.Response = await request(app.url).get(next).set("Cookie", visitor.cookieHeader);
          answers.push({ url: next, status: html.status, body: html.text });
          const link: string | undefined = /<a [^>]*rel="next"[^>]*>/.exec(html.text)?.[0];
          next = link ? (/href="([^"]+)"/.exec(link)?.[1]?.replace(/&amp;/g, "&").replace(/#.*$/, "") ?? null) : null;
        }
      }
    }
  }
  return answers;
}

describe(`what a manager reads of customers, route by route, on ${testDialect}`, () => {
  it("no loader's data nor page gives a manager the email, phone, ids or page link of a customer who is not theirs", async () => {
    const answers = await walk(visitors.mine);
    const leaks = answers.map((a) => ({ url: a.url, status: a.status, leaks: leaksIn(a.body) })).filter((a) => a.leaks.length > 0);
    expect(leaks).toEqual([]);
    // the walk reached pages that list customers at all
    const segmentPages = answers.filter((a) => a.url.startsWith(`/segments/${segmentId}`) && a.status === 200);
    expect(segmentPages.some((a) => a.body.includes("Foreign Shopper"))).toBe(true);
  }, 120_000);

  it("the manager's own customers come with their details on the segment's members pages, the customer list and the dashboard", async () => {
    const answers = await walk(visitors.mine);
    const ok = answers.filter((a) => a.status === 200);
    const segmentData = ok.filter((a) => a.url.startsWith(`/segments/${segmentId}`) && a.url.endsWith("(_data)")).map((a) => a.body).join("\n");
    for (const c of own) {
      expect(segmentData).toContain(c.email);
      expect(segmentData).toContain(`"id":${c.id}`);
    }
    const list = ok.find((a) => a.url === "/customers (_data)")!;
    for (const c of own) expect(list.body).toContain(c.email);
    const dashboard = (await request(app.url).get("/?_data=routes%2F_index").set("Cookie", visitors.mine.cookieHeader).expect(200)).body as { movements: Array<{ customerId: number | null; customer: string }> };
    expect(dashboard.movements.some((m) => own.some((c) => c.id === m.customerId))).toBe(true);
    // another manager's customers there are named, without an id to follow
    expect(dashboard.movements.filter((m) => m.customer.startsWith("Foreign")).every((m) => m.customerId === null)).toBe(true);
    expect(dashboard.movements.some((m) => m.customer.startsWith("Foreign"))).toBe(true);
    const ownPage = await request(app.url).get(`/customers/${own[0].id}?_data=${encodeURIComponent("routes/customers.$id")}`).set("Cookie", visitors.mine.cookieHeader).expect(200);
    expect(ownPage.text).toContain(own[0].email);
    await request(app.url).get(`/customers/${theirs[0].id}?_data=${encodeURIComponent("routes/customers.$id")}`).set("Cookie", visitors.mine.cookieHeader).expect(403);
  }, 120_000);

  it("a manager opens their own tasks with the customer beside them; another manager's is a 404; a task about another's customer names them only", async () => {
    const [mineTask, theirsTask, covering] = taskIds;
    const as = (id: number) => request(app.url).get(`/tasks/${id}?_data=${encodeURIComponent("routes/tasks.$id")}`).set("Cookie", visitors.mine.cookieHeader);
    expect((await as(mineTask).expect(200)).text).toContain(own[0].email);
    const refused = await as(theirsTask).expect(404);
    expect(refused.text).not.toContain("Call their customer");
    expect(refused.text).not.toContain("Foreign");
    const named = await as(covering).expect(200);
    expect(named.body).toMatchObject({ customer: null, customerState: "notYours", customerName: "Foreign Shopper 2" });
    const inbox = (await request(app.url).get(`/tasks?_data=${encodeURIComponent("routes/tasks._index")}`).set("Cookie", visitors.mine.cookieHeader).expect(200)).body as { tasks: Array<{ id: number }> };
    expect(inbox.tasks.map((t) => t.id).sort()).toEqual([mineTask, covering].sort());
    // the admin opens all three, with each customer's details
    const admin = await request(app.url).get(`/tasks/${theirsTask}?_data=${encodeURIComponent("routes/tasks.$id")}`).set("Cookie", visitors.admin.cookieHeader).expect(200);
    expect(admin.text).toContain(theirs[1].email);
  });

  it("an admin reads every customer's details on the same pages, so the walk above can see a leak", async () => {
    const answers = await walk(visitors.admin);
    const segmentData = answers.filter((a) => a.status === 200 && a.url.startsWith(`/segments/${segmentId}`) && a.url.endsWith("(_data)")).map((a) => a.body).join("\n");
    for (const c of [...own, ...theirs]) expect(segmentData).toContain(c.email);
    expect(leaksIn(segmentData).length).toBeGreaterThan(THEIRS);
  }, 120_000);

  it("the store's revenue is on the dashboard for admins and marketers, not for managers", async () => {
    const overview = async (who: string) =>
      (await request(app.url).get("/?_data=routes%2F_index").set("Cookie", visitors[who].cookieHeader).expect(200)).body.overview as { completedRevenue: number | null; customers: number };
    expect((await overview("admin")).completedRevenue).toBe(12_345 + 98_765);
    expect((await overview("marketer")).completedRevenue).toBe(12_345 + 98_765);
    expect((await overview("mine")).completedRevenue).toBeNull();
    const page = await request(app.url).get("/").set("Cookie", visitors.mine.cookieHeader).expect(200);
    expect(page.text).not.toContain("1,111.10");
    expect((await request(app.url).get("/").set("Cookie", visitors.admin.cookieHeader).expect(200)).text).toContain("1,111.10");
  });
});
