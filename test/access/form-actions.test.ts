// Every route action of the build that changes data, posted as each role and with a missing or
// forged CSRF token: the roles that may not are refused (403, or the login page for a visitor who
// is not signed in) and nothing in the database changes. A route added with an action and no case
// here fails the first test, so it cannot go unchecked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { createUser } from "../../models/users.server";
import { saveSegment } from "../../segments/store.server";
import { createCampaign } from "../../campaigns/campaigns.server";
import { createAutomation } from "../../automations/automations.server";
import type { Role } from "../../models/models";
import { addCustomers } from "../customers/factory";
import { addImport, builtRoutes, tableContents, Visitor } from "./console";

const password = "a-password-for-the-action-tests";
const ROLES: Role[] = ["admin", "marketer", "manager"];
type Who = Role | "signedOut";

/** Routes with an action that this test does not post to, and why. */
const EXEMPT: Array<{ pattern: RegExp; why: string }> = [
  { pattern: /^\/api\//, why: "the integration API takes bearer keys, not sessions and forms" },
  { pattern: /^\/webhooks\//, why: "providers post them signed with their own secrets (test/inbound/webhooks.test.ts)" },
  { pattern: /^\/unsubscribe\//, why: "the signed link is the authority, posted by mail clients without a session (test/inbound/unsubscribe.test.ts)" },
];

interface ActionCase {
  /** Who may post: roles, any signed-in user, or anyone (the login and logout forms). */
  mayPost: Role[] | "signedIn" | "anyone";
  /** Where the form is posted. */
  path: () => string;
  /** The page that shows the form (its hidden csrf input is read), when not the posted path. */
  page?: () => string;
  /** A form that changes something when an allowed user posts it; made afresh for each post. */
  form: (who: { userId: number | null }) => Promise<Record<string, string>>;
  /** Sent as multipart/form-data with this file after the fields. */
  file?: { field: string; name: string; content: string };
  /** False for an action that only answers (the live preview): nothing changes even when allowed. */
  changesData?: boolean;
}

let app: TestApp;
const users: Record<Role, { id: number; email: string }> = {} as never;
const others: Record<Role, { id: number; email: string }> = {} as never;
let dynamicSegment = 0;
let manualSegment = 0;
let importId = 0;
let customerId = 0;
let editedCampaign = 0;
let managersTask = 0;
/** The customer the next allowed erase post erases: each allowed post erases one of its own. */
let erasable = 0;
let editedAutomation = 0;
let editedField = 0;
let editedQuestion = 0;
let productId = 0;
let variantId = 0;
let serial = 0;
const next = () => ++serial;

/** A one-channel campaign as the campaign form posts it (one value per field: the test posts plain forms). */
const campaignFields = (name: string) => ({
  name,
  channels: "sms",
  includeSegmentIds: String(manualSegment),
  scheduleKind: "now",
  quietHoursMode: "store",
  "templates.sms.textBody": "Hello",
});

async function draftCampaign(name: string): Promise<number> {
  const out = await createCampaign(app.db, { name, channels: ["sms"], includeSegmentIds: [manualSegment], templates: { sms: { textBody: "Hello" } } }, { userId: null }, new Date());
  if (!out.ok) throw new Error(JSON.stringify(out));
  return out.campaign.id;
}

/** A notify automation as the automation form posts it. */
const automationFields = (name: string) => ({
  name,
  triggerKind: "entered",
  triggerSegmentId: String(manualSegment),
  delayKind: "none",
  actionKind: "notify",
  notifyUserId: String(users.admin.id),
  capKind: "once",
  firingHoursMode: "any",
  isActive: "on",
});

const definition = (fields: Record<string, unknown>) => JSON.stringify({ isActive: true, match: "all", recomputeEveryMinutes: 60, criteria: [], ...fields });

const CASES: Record<string, ActionCase> = {
  "routes/admin.api-keys": { mayPost: ["admin"], path: () => "/admin/api-keys", form: async () => ({ intent: "create", name: `Key ${next()}`, scopes: "customers:read" }) },
  "routes/admin.users": {
    mayPost: ["admin"],
    path: () => "/admin/users",
    form: async () => ({ intent: "create", name: `Person ${next()}`, email: `person-${serial}@access.test`, role: "marketer", passwordMode: "generate" }),
  },
  "routes/admin.jobs": {
    mayPost: ["admin"],
    path: () => "/admin/jobs",
    form: async () => {
      const job = (await app.db.models.AgendaJob.findOne({ order: [["id", "ASC"]] }))!;
      return { intent: job.disabled ? "enable" : "disable", id: String(job.id) };
    },
  },
  "routes/admin.store": {
    mayPost: ["admin"],
    path: () => "/admin/store",
    form: async () => ({ name: `Store ${next()}`, timeZone: "Europe/Sofia", currency: "EUR", locale: "en" }),
  },
  "routes/admin.channels": {
    mayPost: ["admin"],
    path: () => "/admin/channels",
    form: async () => ({ intent: "save", channel: "viber", authToken: "4453b6ac1s345678-e02c5f12174805f9-daec6bed9a7e7a68", senderName: `Shop ${next()}`, ratePerSecond: "" }),
  },
  "routes/admin.fields._index": {
    mayPost: ["admin"],
    path: () => "/admin/fields",
    form: async () => ({ intent: "create", key: `field_${next()}`, label: `Field ${serial}`, type: "text" }),
  },
  "routes/admin.fields.$id": { mayPost: ["admin"], path: () => `/admin/fields/${editedField}`, form: async () => ({ intent: "save", label: `Field ${next()}`, type: "number" }) },
  "routes/admin.questions._index": {
    mayPost: ["admin"],
    path: () => "/admin/questions",
    form: async () => ({ intent: "activate", id: String(editedQuestion), isActive: (await app.db.models.RegistrationQuestion.findByPk(editedQuestion))!.isActive ? "false" : "true" }),
  },
  "routes/admin.questions.new": {
    mayPost: ["admin"],
    path: () => "/admin/questions/new",
    form: async () => ({ key: `question_${next()}`, "text.en": `Question ${serial}?`, isActive: "on", "option.key": "yes", "option.en": "Yes" }),
  },
  "routes/admin.questions.$id": {
    mayPost: ["admin"],
    path: () => `/admin/questions/${editedQuestion}`,
    form: async () => ({ intent: "save", "text.en": `Asked ${next()}?`, isActive: "on", "option.key": "yes", "option.en": "Yes" }),
  },
  "routes/account": {
    mayPost: "signedIn",
    path: () => "/account",
    form: async ({ userId }) => {
      const user = userId ? await app.db.models.User.findByPk(userId) : null;
      return { intent: "language", locale: user?.locale ? "" : "en" };
    },
  },
  "routes/notifications": {
    mayPost: "signedIn",
    path: () => "/notifications",
    form: async ({ userId }) => {
      const user = userId ? await app.db.models.User.findByPk(userId) : null;
      return { intent: "settings", ...(user?.notifyByEmail ? {} : { notifyByEmail: "on" }) };
    },
  },
  "routes/segments._index": {
    mayPost: ["admin", "marketer"],
    path: () => "/segments",
    form: async () => {
      const saved = await saveSegment(app.db, { name: `Doomed ${next()}`, code: `doomed-${serial}`, type: "manual", criteria: [] }, { userId: null });
      if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
      return { intent: "delete", segmentId: String(saved.segment.id) };
    },
  },
  "routes/segments.$id": { mayPost: ["admin", "marketer"], path: () => `/segments/${dynamicSegment}`, form: async () => ({ intent: "recompute" }) },
  // the secret feed is the admins' alone (docs/decisions/0036): on, then a new URL at each post
  "routes/segments.$id_.feed": {
    mayPost: ["admin"],
    path: () => `/segments/${dynamicSegment}/feed`,
    page: () => `/segments/${dynamicSegment}`,
    form: async (): Promise<Record<string, string>> =>
      (await app.db.models.SegmentFeed.findOne({ where: { segmentId: dynamicSegment }, raw: true }))?.tokenHash ? { intent: "rotate" } : { intent: "enable", formats: "csv" },
  },
  "routes/segments.new": {
    mayPost: ["admin", "marketer"],
    path: () => "/segments/new",
    form: async () => ({ intent: "save", definition: definition({ name: `Made ${next()}`, code: `made-${serial}`, type: "manual" }) }),
  },
  "routes/segments.$id_.edit": {
    mayPost: ["admin", "marketer"],
    path: () => `/segments/${manualSegment}/edit`,
    form: async () => {
      const isMember = (await app.db.models.SegmentMember.count({ where: { segmentId: manualSegment, customerId } })) > 0;
      return { intent: isMember ? "remove" : "add", customerId: String(customerId) };
    },
  },
  "routes/segments.preview": {
    mayPost: ["admin", "marketer"],
    path: () => "/segments/preview",
    page: () => "/segments/new",
    form: async () => ({ definition: definition({ name: "Preview", code: "preview", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG", mode: "include" }] }] }) }),
    changesData: false,
  },
  "routes/campaigns._index": {
    mayPost: ["admin", "marketer"],
    path: () => "/campaigns",
    form: async () => ({ intent: "delete", campaignId: String(await draftCampaign(`Doomed ${next()}`)) }),
  },
  "routes/campaigns.new": {
    mayPost: ["admin", "marketer"],
    path: () => "/campaigns/new",
    form: async () => campaignFields(`Made ${next()}`),
  },
  "routes/campaigns.$id_.edit": {
    mayPost: ["admin", "marketer"],
    path: () => `/campaigns/${editedCampaign}/edit`,
    form: async () => campaignFields(`Renamed ${next()}`),
  },
  "routes/campaigns.$id": { mayPost: ["admin", "marketer"], path: () => `/campaigns/${editedCampaign}`, form: async () => ({ intent: "duplicate" }) },
  "routes/campaigns.preview": {
    mayPost: ["admin", "marketer"],
    path: () => "/campaigns/preview",
    page: () => "/campaigns/new",
    form: async () => ({ customerId: String(customerId), channels: "sms", "templates.sms.textBody": "Hello {{ customer.first_name }}" }),
    changesData: false,
  },
  "routes/campaigns.test-send": {
    mayPost: ["admin", "marketer"],
    path: () => "/campaigns/test-send",
    page: () => "/campaigns/new",
    // no credentials: the test message is kept in the outbox (and audited)
    form: async () => ({ channel: "sms", customerId: String(customerId), to: "+359888123456", "templates.sms.textBody": "Hello {{ customer.first_name }}" }),
  },
  // managers their own tasks, admins every task; marketers read them only
  "routes/tasks.$id": { mayPost: ["admin", "manager"], path: () => `/tasks/${managersTask}`, form: async () => ({ intent: "comment", body: `Note ${next()}` }) },
  "routes/automations.new": { mayPost: ["admin", "marketer"], path: () => "/automations/new", form: async () => automationFields(`Made ${next()}`) },
  "routes/automations.$id_.edit": { mayPost: ["admin", "marketer"], path: () => `/automations/${editedAutomation}/edit`, form: async () => automationFields(`Renamed ${next()}`) },
  "routes/automations.$id": {
    mayPost: ["admin", "marketer"],
    path: () => `/automations/${editedAutomation}`,
    form: async () => ({ intent: (await app.db.models.Automation.findByPk(editedAutomation))!.isActive ? "pause" : "resume" }),
  },
  "routes/imports.new": {
    mayPost: ["admin", "marketer"],
    path: () => "/imports/new",
    form: async () => ({}),
    file: { field: "file", name: "customers.csv", content: "external_id,email\nfrom-upload,upload@access.test\n" },
  },
  "routes/imports.$id": {
    mayPost: ["admin", "marketer"],
    path: () => `/imports/${importId}`,
    form: async () => {
      const row = (await app.db.models.Import.findByPk(importId))!;
      return { intent: "format", encoding: row.encoding === "utf-8" ? "windows-1251" : "utf-8", delimiter: "comma" };
    },
  },
  // which segments see a variant is an admin's setting; marketers read the page
  "routes/products.$id": {
    mayPost: ["admin"],
    path: () => `/products/${productId}`,
    form: async () => {
      const isRestricted = (await app.db.models.VariantSegment.count({ where: { variantId } })) > 0;
      return { intent: "restrict", variantId: String(variantId), ...(isRestricted ? {} : { segmentIds: String(manualSegment) }) };
    },
  },
  // marketers only while the store allows it (off here, as by default); managers never
  "routes/exports.new": {
    mayPost: ["admin"],
    path: () => "/exports/new",
    page: () => "/account",
    // a small export downloads at once and is written to the audit log
    form: async () => ({ source: "segment", segmentId: String(manualSegment), format: "csv", columns: "externalId", delimiter: "comma" }),
  },
  "routes/login": {
    mayPost: "anyone",
    path: () => "/login",
    form: async () => ({ email: users.manager.email, password, redirectTo: "/" }),
  },
  "routes/customers.$id_.erase": {
    mayPost: ["admin"],
    path: () => `/customers/${erasable}/erase`,
    // the admin's customer page holds the erase dialog's form
    page: () => `/customers/${customerId}`,
    form: async () => {
      const externalId = `erasable-${next()}`;
      [erasable] = await addCustomers(app.db, [{ externalId, firstName: "Erin", email: `${externalId}@access.test`, country: "BG" }]);
      return { confirmation: externalId };
    },
  },
  "routes/logout": { mayPost: "anyone", path: () => "/logout", page: () => "/login", form: async () => ({}), changesData: false },
};

const visitors: Partial<Record<Who, Visitor>> = {};
/** A second session of each role: its tokens are the forged ones. */
const strangers: Partial<Record<Who, Visitor>> = {};

beforeAll(async () => {
  app = await startTestApp();
  const { db } = app;
  for (const role of ROLES) {
    users[role] = await createUser(db, { email: `${role}@access.test`, name: `The ${role}`, password, role });
    others[role] = await createUser(db, { email: `${role}-2@access.test`, name: `Another ${role}`, password, role });
  }
  [customerId] = await addCustomers(db, [{ externalId: "c-1", firstName: "Ivan", email: "ivan@access.test", country: "BG", managerId: users.manager.id }]);
  const manual = await saveSegment(db, { name: "By hand", code: "by-hand", type: "manual", criteria: [] }, { userId: null });
  if (!manual.ok) throw new Error(JSON.stringify(manual.errors));
  manualSegment = manual.segment.id;
  importId = await addImport(db, users.admin.id, ["external_id,email", "imported,imported@access.test"]);
  editedCampaign = await draftCampaign("Edited by everyone allowed");
  managersTask = Number((await db.models.Task.create({ customerId, assigneeId: users.manager.id, title: "Call Ivan", description: null, dueAt: null, status: "open", automationId: null, firingId: null, createdById: null, createdAt: new Date(), updatedAt: new Date() })).id);
  const automation = await createAutomation(db, { name: "Changed by everyone allowed", trigger: { segmentId: manualSegment, kind: "entered" }, action: { kind: "notify", userId: users.admin.id } }, { userId: null }, new Date());
  if (!automation.ok) throw new Error(JSON.stringify(automation));
  editedAutomation = automation.automation.id;
  editedField = (await db.models.CustomField.create({ key: "walked", label: "Walked", type: "text", options: null })).id;
  const asked = await db.models.RegistrationQuestion.create({ key: "walked", text: "Walked?" });
  await db.models.RegistrationOption.create({ questionId: asked.id, key: "yes", label: "Yes" });
  editedQuestion = asked.id;
  const product = await db.models.Product.create({ externalId: "p-1", name: "Boot", categoryId: null });
  productId = product.id;
  variantId = (await db.models.ProductVariant.create({ externalId: "p-1-42", productId, name: "42", sku: null, price: 9000 })).id;
  for (const role of ROLES) {
    visitors[role] = await Visitor.signIn(app.url, `${role}@access.test`, password);
    strangers[role] = await Visitor.signIn(app.url, `${role}-2@access.test`, password);
  }
  visitors.signedOut = new Visitor(app.url);
  strangers.signedOut = new Visitor(app.url);
  // a dynamic segment saved through the editor, so its recompute job exists as it does in a store
  const admin = visitors.admin!;
  const csrf = await admin.formToken("/segments/new");
  const res = await request(app.url)
    .post("/segments/new")
    .set("Cookie", admin.cookieHeader)
    .type("form")
    .send({ csrf, intent: "save", definition: definition({ name: "Bulgarians", code: "bulgarians", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG", mode: "include" }] }] }) })
    .expect(302);
  dynamicSegment = Number(/\/segments\/(\d+)/.exec(res.headers.location)![1]);
  expect(await db.models.AgendaJob.count()).toBeGreaterThan(0);
});

afterAll(async () => {
  await app?.close();
});

const mayPost = (c: ActionCase, who: Who): boolean =>
  c.mayPost === "anyone" ? true : who === "signedOut" ? false : c.mayPost === "signedIn" ? true : c.mayPost.includes(who);

/** A token this visitor's browser would send: from the form's page when they may open it, else from a page they may. */
async function tokenOf(visitor: Visitor, c: ActionCase, who: Who): Promise<string> {
  if (mayPost(c, who)) return visitor.formToken(c.page?.() ?? c.path());
  return visitor.formToken(who === "signedOut" ? "/login" : "/account");
}

/** Posts the case's form as this visitor with this csrf field (none when null); the database before and after. */
async function post(c: ActionCase, who: Who, visitor: Visitor, csrf: string | null) {
  const fields = await c.form({ userId: who === "signedOut" ? null : users[who].id });
  const before = await tableContents(app.db);
  const counts = await rowCounts(app.db);
  let req = request(app.url).post(c.path()).set("Cookie", visitor.cookieHeader);
  if (c.file) {
    if (csrf !== null) req = req.field("csrf", csrf);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    req = req.attach(c.file.field, Buffer.from(c.file.content), c.file.name);
  } else {
    req = req.type("form").send({ ...fields, ...(csrf === null ? {} : { csrf }) });
  }
  const res = await req;
  return { res, isUnchanged: (await tableContents(app.db)) === before, counts, countsAfter: await rowCounts(app.db) };
}

const cases = async () => {
  const routes = (await builtRoutes()).filter((r) => r.hasAction && !EXEMPT.some((e) => e.pattern.test(r.pattern)));
  return routes.map((r) => ({ route: r, c: CASES[r.id] }));
};

describe(`who may post each form, and with which token, on ${testDialect}`, () => {
  it("every route action of the build is either posted to here or named as exempt with a reason", async () => {
    const all = await cases();
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((x) => !x.c).map((x) => x.route.id)).toEqual([]);
    // and no case is left for a route that is gone
    expect(Object.keys(CASES).filter((id) => !all.some((x) => x.route.id === id))).toEqual([]);
  });

  it("an allowed user with the page's token changes data; a role that may not is refused and changes nothing", async () => {
    const outcomes: string[] = [];
    for (const { route, c } of await cases()) {
      for (const who of [...ROLES, "signedOut"] as Who[]) {
        if (c.mayPost === "anyone" && who !== "signedOut") continue;
        const visitor = visitors[who]!;
        const { res, isUnchanged, counts, countsAfter } = await post(c, who, visitor, await tokenOf(visitor, c, who));
        const where = `${route.id} as ${who}: ${res.status} ${res.headers.location ?? ""}`;
        if (mayPost(c, who)) {
          const isAccepted = res.status < 400 && !String(res.headers.location ?? "").startsWith("/login?");
          outcomes.push(`${where} → ${isAccepted ? "accepted" : "refused"}, ${isUnchanged ? "unchanged" : "changed"}`);
          expect(isAccepted, where).toBe(true);
          if (c.changesData !== false) expect(isUnchanged, `${where}: an allowed post changes data`).toBe(false);
        } else if (who === "signedOut") {
          expect(res.status, where).toBe(302);
          expect(res.headers.location, where).toMatch(/^\/login/);
          expect(isUnchanged, `${where}: nothing changed`).toBe(true);
          expect(countsAfter, where).toEqual(counts);
        } else {
          expect(res.status, where).toBe(403);
          expect(isUnchanged, `${where}: nothing changed`).toBe(true);
          expect(countsAfter, where).toEqual(counts);
        }
      }
    }
    expect(outcomes.length).toBeGreaterThan(10);
  }, 240_000);

  it("an allowed user's post without a token, with another session's token or with a made-up one is refused and changes nothing", async () => {
    for (const { route, c } of await cases()) {
      const who: Who = c.mayPost === "anyone" ? "signedOut" : c.mayPost === "signedIn" ? "manager" : c.mayPost[0];
      const visitor = visitors[who]!;
      // the visitor holds a token cookie of their own, as after opening the page
      await tokenOf(visitor, c, who);
      const forged = await tokenOf(strangers[who]!, c, who);
      for (const [kind, csrf] of [["no token", null], ["another session's token", forged], ["a made-up token", "forged-token-value"]] as const) {
        const { res, isUnchanged, counts, countsAfter } = await post(c, who, visitor, csrf);
        const where = `${route.id} as ${who} with ${kind}: ${res.status}`;
        expect(res.status, where).toBe(403);
        expect(isUnchanged, `${where}: nothing changed`).toBe(true);
        expect(countsAfter, where).toEqual(counts);
      }
    }
  }, 240_000);
});
