// The products pages through real HTTP with signed-in users: search and paging, the product page's
// restriction form (admins change, marketers read, managers are refused), and that a change made
// there is what the storefront lookup answers next.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { addCustomers } from "../customers/factory";
import { saveSegment } from "../../segments/store.server";
import { addMembers } from "../../segments/manual.server";
import { createUser } from "../../models/users.server";
import { Visitor } from "../access/console";

const password = "a-password-for-the-product-tests";
const actor = { userId: null };

describe(`the products pages on ${testDialect}`, () => {
  let app: TestApp;
  const visitors: Record<string, Visitor> = {};
  let storefront: string;
  let bootId = 0;
  let hatId = 0;
  const variantIds: Record<string, number> = {};
  const segmentIds: Record<string, number> = {};

  const page = (who: string, path: string) => request(app.url).get(path).set("Cookie", visitors[who].cookieHeader);
  const data = async (who: string, path: string, route: string) => (await page(who, `${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`).expect(200)).body;
  const restrictForm = async (who: string, productId: number, fields: Record<string, string | string[]>) => {
    const csrf = await visitors[who].formToken(who === "admin" ? `/products/${productId}` : "/account");
    return request(app.url).post(`/products/${productId}`).set("Cookie", visitors[who].cookieHeader).type("form").send({ csrf, intent: "restrict", ...fields });
  };

  beforeAll(async () => {
    app = await startTestApp();
    const { db } = app;
    for (const role of ["admin", "marketer", "manager"] as const) {
      await createUser(db, { email: `${role}@products.test`, name: role, password, role });
      visitors[role] = await Visitor.signIn(app.url, `${role}@products.test`, password);
    }
    const [ana] = await addCustomers(db, [{ externalId: "c-ana", firstName: "Ana" }, { externalId: "c-ivo", firstName: "Ivo" }]);
    for (const code of ["vip", "gold"]) {
      const saved = await saveSegment(db, { name: code.toUpperCase(), code, type: "manual", criteria: [] }, actor);
      if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
      segmentIds[code] = saved.segment.id;
    }
    await addMembers(db, segmentIds.vip, [ana], new Date(), actor);
    const writer = (await app.apiKey(["catalog:write"])).secret;
    const products = [
      { externalId: "boot", name: "Boot", variants: [{ externalId: "boot-41", name: "41", sku: "BT-41", price: 9000 }, { externalId: "boot-gold", name: "Gold edition", sku: "BT-GOLD", price: 19000 }] },
      { externalId: "hat", name: "Hat", variants: [{ externalId: "hat-s", name: "S", price: 1500 }] },
      ...Array.from({ length: 60 }, (_, i) => ({ externalId: `sock-${String(i).padStart(2, "0")}`, name: `Sock ${String(i).padStart(2, "0")}`, variants: [{ externalId: `sock-${i}-v`, name: "One size", price: 500 }] })),
    ];
    expect((await request(app.url).post("/api/v1/products/bulk").set("Authorization", `Bearer ${writer}`).send({ products })).status).toBe(200);
    bootId = (await db.models.Product.findOne({ where: { externalId: "boot" } }))!.id;
    hatId = (await db.models.Product.findOne({ where: { externalId: "hat" } }))!.id;
    for (const v of await db.models.ProductVariant.findAll({ raw: true })) variantIds[v.externalId] = v.id;
    storefront = (await app.apiKey(["storefront"])).secret;
  });
  afterAll(() => app?.close());

  it("lists products by name a page at a time, found by name, external id or SKU", async () => {
    const first = await data("marketer", "/products", "routes/products._index");
    expect(first.products).toHaveLength(50);
    expect(first.products.slice(0, 2).map((p: { name: string }) => p.name)).toEqual(["Boot", "Hat"]);
    expect(first.products[0]).toMatchObject({ externalId: "boot", variants: 2, restrictedVariants: 0 });
    const second = await data("marketer", `/products?after=${first.nextAfter}`, "routes/products._index");
    expect(second.products).toHaveLength(12);
    expect(second.nextAfter).toBeNull();
    const names = [...first.products, ...second.products].map((p: { name: string }) => p.name);
    expect(new Set(names).size).toBe(62);
    expect((await data("marketer", "/products?q=bt-gold", "routes/products._index")).products.map((p: { externalId: string }) => p.externalId)).toEqual(["boot"]);
    expect((await data("marketer", "/products?q=HAT", "routes/products._index")).products.map((p: { externalId: string }) => p.externalId)).toEqual(["hat"]);
    expect((await data("marketer", "/products?q=sock-0", "routes/products._index")).products).toHaveLength(10);
    // wildcards are searched for as they are
    expect((await data("marketer", "/products?q=%25", "routes/products._index")).products).toEqual([]);
    const html = await page("marketer", "/products").expect(200);
    expect(html.text).toContain('rel="next"');
  });

  it("an admin restricts a variant on the product page; the lookup answers it at once and the list counts it", async () => {
    const before = await request(app.url).get("/api/v1/storefront/customers/c-ivo").set("Authorization", `Bearer ${storefront}`);
    expect(before.body.restrictedVariants).toEqual({ visible: [], hidden: [] });
    const res = await restrictForm("admin", bootId, { variantId: String(variantIds["boot-gold"]), segmentIds: [String(segmentIds.vip), String(segmentIds.gold)] });
    expect(res.status, res.text).toBe(200);
    const answer = (id: string) => request(app.url).get(`/api/v1/storefront/customers/${id}`).set("Authorization", `Bearer ${storefront}`);
    expect((await answer("c-ivo")).body.restrictedVariants).toEqual({ visible: [], hidden: ["boot-gold"] });
    expect((await answer("c-ana")).body.restrictedVariants).toEqual({ visible: ["boot-gold"], hidden: [] });
    const product = await data("admin", `/products/${bootId}`, "routes/products.$id");
    expect(product.canEdit).toBe(true);
    expect(product.product.variants.find((v: { externalId: string }) => v.externalId === "boot-gold").segments.map((s: { code: string }) => s.code)).toEqual(["gold", "vip"]);
    expect((await data("admin", "/products?restricted=yes", "routes/products._index")).products).toEqual([expect.objectContaining({ externalId: "boot", restrictedVariants: 1 })]);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "variant.restrict" }, raw: true });
    expect(audit).toMatchObject({ targetId: String(variantIds["boot-gold"]) });
    expect(audit!.userId).not.toBeNull();
    // nothing ticked lifts it
    expect((await restrictForm("admin", bootId, { variantId: String(variantIds["boot-gold"]) })).status).toBe(200);
    expect((await answer("c-ivo")).body.restrictedVariants).toEqual({ visible: [], hidden: [] });
  });

  it("refuses a segment that does not exist and a variant of another product, changing nothing", async () => {
    const before = await rowCounts(app.db);
    const unknown = await restrictForm("admin", bootId, { variantId: String(variantIds["boot-41"]), segmentIds: [String(segmentIds.vip), "999999"] });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain("segmentIds[1]");
    const bad = await restrictForm("admin", bootId, { variantId: String(variantIds["boot-41"]), segmentIds: ["not-a-number"] });
    expect(bad.status).toBe(400);
    const elsewhere = await restrictForm("admin", bootId, { variantId: String(variantIds["hat-s"]), segmentIds: [String(segmentIds.vip)] });
    expect(elsewhere.status).toBe(404);
    expect(await rowCounts(app.db)).toEqual(before);
    await page("admin", "/products/999999").expect(404);
    await page("admin", "/products/not-a-product").expect(404);
    void hatId;
  });

  it("marketers read the pages without the form and may not post it; managers may not open them", async () => {
    const product = await data("marketer", `/products/${bootId}`, "routes/products.$id");
    expect(product.canEdit).toBe(false);
    expect(product.choices).toEqual([]);
    const html = await page("marketer", `/products/${bootId}`).expect(200);
    expect(html.text).not.toContain('data-testid="restrict-boot-41"');
    expect((await page("admin", `/products/${bootId}`).expect(200)).text).toContain('data-testid="restrict-boot-41"');
    const before = await rowCounts(app.db);
    expect((await restrictForm("marketer", bootId, { variantId: String(variantIds["boot-41"]), segmentIds: [String(segmentIds.vip)] })).status).toBe(403);
    expect((await restrictForm("manager", bootId, { variantId: String(variantIds["boot-41"]), segmentIds: [String(segmentIds.vip)] })).status).toBe(403);
    expect(await rowCounts(app.db)).toEqual(before);
    await page("manager", "/products").expect(403);
    await page("manager", `/products/${bootId}`).expect(403);
    // the navigation offers the pages to those who may open them
    expect((await page("marketer", "/").expect(200)).text).toContain('href="/products"');
    expect((await page("manager", "/").expect(200)).text).not.toContain('href="/products"');
  });
});
