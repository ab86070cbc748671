// The storefront lookup and the variants' segment restrictions through real HTTP, with bearer keys
// and scopes, on a real database.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";
import { addCustomers } from "../customers/factory";
import { saveSegment } from "../../segments/store.server";
import { addMembers } from "../../segments/manual.server";
import { recomputeSegment } from "../../segments/recompute.server";
import { contract, type EndpointContract } from "../../app/api/contract.server";
import { API_SCOPES, type ApiScope } from "../../models/api-scopes";
import { restrictedVariants, setVariantSegments } from "../../models/storefront/variant-segments.server";

const actor = { userId: null };

describe(`the storefront lookup on ${testDialect}`, () => {
  let app: TestApp;
  let storefront: string;
  let catalogReader: string;
  let catalogWriter: string;
  const ids: Record<string, number> = {};
  const segmentIds: Record<string, number> = {};

  const api = (method: "get" | "put" | "post" | "delete" | "patch", path: string, key: string | null) => {
    const r = request(app.url)[method](`/api/v1${path}`);
    return key ? r.set("Authorization", `Bearer ${key}`) : r;
  };
  const lookup = (externalId: string, query = "") => api("get", `/storefront/customers/${encodeURIComponent(externalId)}${query}`, storefront);
  const restrict = (product: string, variant: string, segments: string[]) => api("put", `/products/${product}/variants/${variant}/segments`, catalogWriter).send({ segments });

  async function manual(code: string, members: string[], isActive = true) {
    const saved = await saveSegment(app.db, { name: `Segment ${code}`, code, type: "manual", isActive, criteria: [] }, actor);
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    segmentIds[code] = saved.segment.id;
    if (members.length) await addMembers(app.db, saved.segment.id, members.map((m) => ids[m]), new Date(), actor);
  }

  beforeAll(async () => {
    app = await startTestApp();
    const { db } = app;
    const people = ["ana", "boris", "cleo", "dora"];
    const made = await addCustomers(db, people.map((p, i) => ({ externalId: `c-${p}`, firstName: p, country: i < 2 ? "BG" : "GR" })));
    people.forEach((p, i) => (ids[p] = made[i]));
    storefront = (await app.apiKey(["storefront"], "shop")).secret;
    catalogReader = (await app.apiKey(["catalog:read"])).secret;
    catalogWriter = (await app.apiKey(["catalog:read", "catalog:write"])).secret;
    await manual("vip", ["ana", "boris"]);
    await manual("gold", ["boris"]);
    await manual("sleepy", ["cleo", "ana"], false);
    const dynamic = await saveSegment(db, { name: "Bulgarians", code: "bulgarians", type: "dynamic", criteria: [{ field: "country", values: [{ value: "BG", mode: "include" }] }] }, actor);
    if (!dynamic.ok) throw new Error(JSON.stringify(dynamic.errors));
    segmentIds.bulgarians = dynamic.segment.id;
    expect(await recomputeSegment(app.services.segments, dynamic.segment.id, new Date(), "manual")).toMatchObject({ status: "done", entered: 2 });
    const products = {
      products: [
        { externalId: "boot", name: "Boot", variants: [{ externalId: "boot-41", name: "41", price: 9000 }, { externalId: "boot-42", name: "42", price: 9000 }, { externalId: "boot-gold", name: "Gold edition", price: 19000 }] },
        { externalId: "hat", name: "Hat", variants: [{ externalId: "hat-s", name: "S", price: 1500 }, { externalId: "hat-vip", name: "VIP", price: 900 }] },
      ],
    };
    const writer = (await app.apiKey(["catalog:write"])).secret;
    expect((await api("post", "/products/bulk", writer).send(products)).status).toBe(200);
  });
  afterAll(() => app?.close());

  it("answers each customer's active segments exactly as the database holds their memberships", async () => {
    const rows = (await app.db.sequelize.query(
      "SELECT c.external_id AS e, s.code AS code FROM segment_members m JOIN customers c ON c.id = m.customer_id JOIN segments s ON s.id = m.segment_id WHERE s.is_active = 1 AND s.deleted_at IS NULL",
      { type: "SELECT" },
    )) as Array<{ e: string; code: string }>;
    for (const p of ["ana", "boris", "cleo", "dora"]) {
      const res = await lookup(`c-${p}`);
      expect(res.status, res.text).toBe(200);
      const expected = rows.filter((r) => r.e === `c-${p}`).map((r) => r.code).sort();
      expect(res.body.segments, p).toEqual(expected);
    }
    expect((await lookup("c-ana")).body.segments).toEqual(["bulgarians", "vip"]);
    expect((await lookup("c-boris")).body.segments).toEqual(["bulgarians", "gold", "vip"]);
    // cleo is a member of an inactive segment only
    expect((await lookup("c-cleo")).body).toEqual({ externalId: "c-cleo", segments: [], restrictedVariants: { visible: [], hidden: [] } });
  });

  it("hides a restricted variant from non-members and shows it to members; unrestricted variants are not listed", async () => {
    expect((await restrict("boot", "boot-gold", ["gold"])).status).toBe(200);
    expect((await restrict("hat", "hat-vip", ["vip", "sleepy"])).status).toBe(200);
    expect((await lookup("c-boris")).body.restrictedVariants).toEqual({ visible: ["boot-gold", "hat-vip"], hidden: [] });
    expect((await lookup("c-ana")).body.restrictedVariants).toEqual({ visible: ["hat-vip"], hidden: ["boot-gold"] });
    // a member of the inactive segment only: an inactive segment lets nobody in
    expect((await lookup("c-cleo")).body.restrictedVariants).toEqual({ visible: [], hidden: ["boot-gold", "hat-vip"] });
    // in no segment at all, the customer still gets every unrestricted variant (by not being told to hide it)
    expect((await lookup("c-dora")).body).toEqual({ externalId: "c-dora", segments: [], restrictedVariants: { visible: [], hidden: ["boot-gold", "hat-vip"] } });
    // a product page asks about its own product
    expect((await lookup("c-ana", "?products=hat")).body.restrictedVariants).toEqual({ visible: ["hat-vip"], hidden: [] });
    expect((await lookup("c-ana", "?products=boot,nothing-such")).body.restrictedVariants).toEqual({ visible: [], hidden: ["boot-gold"] });
    const bad = await lookup("c-ana", "?products=,");
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([{ field: "products", reason: "name at least one product external id, or leave it out" }]);
  });

  it("answers a change of restriction, or of membership, at once", async () => {
    expect((await lookup("c-ana")).body.restrictedVariants.hidden).toContain("boot-gold");
    expect((await restrict("boot", "boot-gold", ["gold", "bulgarians"])).body).toMatchObject({ isRestricted: true, segments: [{ code: "bulgarians" }, { code: "gold" }] });
    expect((await lookup("c-ana")).body.restrictedVariants).toEqual({ visible: ["boot-gold", "hat-vip"], hidden: [] });
    expect((await lookup("c-dora")).body.restrictedVariants.hidden).toEqual(["boot-gold", "hat-vip"]);
    await addMembers(app.db, segmentIds.gold, [ids.dora], new Date(), actor);
    expect((await lookup("c-dora")).body).toMatchObject({ segments: ["gold"], restrictedVariants: { visible: ["boot-gold"], hidden: ["hat-vip"] } });
    // lifted: the variant is everyone's again and no longer listed
    const lifted = await restrict("boot", "boot-gold", []);
    expect(lifted.body).toEqual({ productExternalId: "boot", variantExternalId: "boot-gold", isRestricted: false, segments: [] });
    expect((await lookup("c-dora")).body.restrictedVariants).toEqual({ visible: [], hidden: ["hat-vip"] });
  });

  it("never answers a change from a read of the restricted variants that started before it", async () => {
    const variant = (await app.db.models.ProductVariant.findOne({ where: { externalId: "hat-s" }, raw: true }))!;
    for (const codes of [["gold"], []]) {
      const before = restrictedVariants(app.db);
      const changed = await setVariantSegments(app.db, variant.id, { codes }, actor);
      expect(changed.ok).toBe(true);
      const after = await restrictedVariants(app.db);
      expect(after.some((v) => v.externalId === "hat-s"), `after restricting to ${codes.join(",") || "nothing"}`).toBe(codes.length > 0);
      await before;
    }
  });

  it("answers 404 naming the field for a customer the shop does not have", async () => {
    const res = await lookup("c-nobody");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "not_found", message: "The shop has no customer with this external id.", fields: [{ field: "externalId", reason: "is not the external id of a customer" }] });
    expect((await lookup("=not an id")).status).toBe(404);
  });

  it("answers in the caller's Accept-Language when the console speaks it, else in English", async () => {
    const missing = await lookup("c-nobody").set("Accept-Language", "el-GR,el;q=0.9");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "not_found", message: "Το κατάστημα δεν έχει πελάτη με αυτό το εξωτερικό ID.", fields: [{ field: "externalId", reason: "δεν είναι εξωτερικό ID πελάτη" }] });
    const tooMany = `?products=${Array.from({ length: 51 }, (_, i) => `p-${i}`).join(",")}`;
    expect((await lookup("c-ana", tooMany).set("Accept-Language", "ru")).body.error.fields).toEqual([{ field: "products", reason: "укажите не более 50 товаров" }]);
    expect((await lookup("c-ana", tooMany)).body.error.fields).toEqual([{ field: "products", reason: "name at most 50 products" }]);
    const before = await rowCounts(app.db);
    const unknown = await restrict("hat", "hat-vip", ["vip", "nothing-such"]).set("Accept-Language", "bg");
    expect(unknown.body.error).toMatchObject({ code: "validation_failed", message: "Сегментите съдържат грешки; нищо не е променено.", fields: [{ field: "segments[1]", reason: "nothing-such не е код на сегмент" }] });
    const noVariant = await api("get", "/products/hat/variants/nothing-such/segments", catalogReader).set("Accept-Language", "uk");
    expect(noVariant.body.error).toMatchObject({ code: "not_found", message: "Цей товар не має варіанта з таким зовнішнім ID.", fields: [{ field: "variantExternalId", reason: "не є зовнішнім ID жодного з варіантів товару" }] });
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("a storefront key reads nothing else: every other endpoint answers 403", async () => {
    const others = (Object.values(contract) as EndpointContract[]).filter((c) => c.scope !== null && c.scope !== "storefront");
    expect(others.length).toBeGreaterThan(40);
    const answers: string[] = [];
    for (const c of others) {
      const path = c.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "id" ? "1" : "x-1"));
      const method = c.method.toLowerCase() as "get" | "post" | "put" | "delete" | "patch";
      const res = await api(method, path, storefront).send(c.body ? {} : undefined);
      answers.push(`${c.method} ${c.path} ${res.status} ${res.body?.error?.code}`);
      expect(res.status, `${c.method} ${c.path}`).toBe(403);
      expect(res.body.error.fields).toEqual([{ field: "Authorization", reason: `the key lacks the scope ${c.scope}` }]);
    }
    expect(answers.length).toBe(others.length);
  });

  it("a key with every scope but storefront gets 403 from the lookup", async () => {
    const everything = (await app.apiKey(API_SCOPES.filter((s) => s !== "storefront") as ApiScope[])).secret;
    const res = await api("get", "/storefront/customers/c-ana", everything);
    expect(res.status).toBe(403);
    expect(res.body.error.fields).toEqual([{ field: "Authorization", reason: "the key lacks the scope storefront" }]);
    expect((await api("get", "/storefront/customers/c-ana", null)).status).toBe(401);
  });

  it("reads and changes a variant's restriction through the API, refusing bad input and changing nothing", async () => {
    const read = await api("get", "/products/hat/variants/hat-vip/segments", catalogReader);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      productExternalId: "hat",
      variantExternalId: "hat-vip",
      isRestricted: true,
      segments: [
        { code: "sleepy", name: "Segment sleepy", isActive: false, isDeleted: false },
        { code: "vip", name: "Segment vip", isActive: true, isDeleted: false },
      ],
    });
    // a reader may not write
    expect((await api("put", "/products/hat/variants/hat-vip/segments", catalogReader).send({ segments: [] })).status).toBe(403);
    const before = await rowCounts(app.db);
    const unknown = await restrict("hat", "hat-vip", ["vip", "nothing-such"]);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields).toEqual([{ field: "segments[1]", reason: "nothing-such is not the code of a segment" }]);
    const twice = await restrict("hat", "hat-vip", ["vip", "vip"]);
    expect(twice.status).toBe(422);
    expect(twice.body.error.fields).toEqual([{ field: "segments[1]", reason: "names the same segment as segments[0]" }]);
    const shape = await restrict("hat", "hat-vip", ["Not A Code"]);
    expect(shape.status).toBe(422);
    expect(shape.body.error.fields[0].field).toBe("segments[0]");
    expect((await api("put", "/products/hat/variants/hat-vip/segments", catalogWriter).send({})).body.error.fields).toEqual([{ field: "segments", reason: "is required" }]);
    expect(await rowCounts(app.db)).toEqual(before);
    expect((await api("get", "/products/hat/variants/hat-vip/segments", catalogReader)).body.segments.map((s: { code: string }) => s.code)).toEqual(["sleepy", "vip"]);
    // unknown product, and a variant of another product
    const noProduct = await api("get", "/products/nothing/variants/hat-vip/segments", catalogReader);
    expect([noProduct.status, noProduct.body.error.fields[0].field]).toEqual([404, "externalId"]);
    const otherProducts = await api("get", "/products/boot/variants/hat-vip/segments", catalogReader);
    expect([otherProducts.status, otherProducts.body.error.fields[0].field]).toEqual([404, "variantExternalId"]);
    // a change is audited with the key that made it
    expect((await restrict("hat", "hat-vip", ["vip"])).status).toBe(200);
    const audit = await app.db.models.AuditEntry.findOne({ where: { action: "variant.restrict" }, order: [["id", "DESC"]], raw: true });
    expect(audit).toMatchObject({ targetType: "product_variant" });
    expect(audit!.apiKeyId).not.toBeNull();
    expect(JSON.parse(audit!.detail!)).toMatchObject({ removed: [segmentIds.sleepy], added: [] });
  });

  it("a restriction to a deleted segment lets nobody in and can be lifted", async () => {
    await manual("doomed", ["ana"]);
    expect((await restrict("hat", "hat-s", ["doomed"])).status).toBe(200);
    expect((await lookup("c-ana")).body.restrictedVariants.visible).toContain("hat-s");
    const { deleteSegment } = await import("../../segments/store.server");
    expect(await deleteSegment(app.db, segmentIds.doomed, actor)).toEqual({ ok: true });
    expect((await lookup("c-ana")).body.restrictedVariants.hidden).toContain("hat-s");
    const read = await api("get", "/products/hat/variants/hat-s/segments", catalogReader);
    expect(read.body.segments).toEqual([{ code: "doomed", name: "Segment doomed", isActive: false, isDeleted: true }]);
    // it cannot be named again by its old code
    expect((await restrict("hat", "hat-s", ["doomed"])).status).toBe(422);
    expect((await restrict("hat", "hat-s", [])).status).toBe(200);
    expect((await lookup("c-ana")).body.restrictedVariants).toEqual({ visible: ["hat-vip"], hidden: [] });
  });
});
