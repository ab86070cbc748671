import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";

describe(`/api/v1/categories/bulk and /api/v1/products/bulk on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await app.apiKey(["catalog:write"])).secret;
  });
  afterAll(() => app.close());

  const post = (path: string, body: unknown) => request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${key}`).send(body as object);
  const tree = async () => {
    const rows = await app.db.models.Category.findAll({ raw: true });
    const ext = new Map(rows.map((r) => [r.id, r.externalId]));
    const pathOf = (p: string) => p.split("/").filter(Boolean).map((id) => ext.get(Number(id))).join("/");
    return Object.fromEntries(rows.map((r) => [r.externalId, pathOf(r.path)]));
  };

  it("creates a tree whose parents come later in the same batch, with materialised paths", async () => {
    const res = await post("/categories/bulk", {
      categories: [
        { externalId: "boots", name: "Boots", parentExternalId: "shoes" },
        { externalId: "shoes", name: "Shoes", parentExternalId: "clothing" },
        { externalId: "clothing", name: "Clothing" },
        { externalId: "hats", name: "Hats", parentExternalId: "clothing" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ created: 4, updated: 0, unchanged: 0 });
    expect(await tree()).toEqual({ clothing: "clothing", shoes: "clothing/shoes", boots: "clothing/shoes/boots", hats: "clothing/hats" });
  });

  it("moving a category moves the paths of everything below it", async () => {
    const res = await post("/categories/bulk", { categories: [{ externalId: "shoes", name: "Shoes", parentExternalId: "hats" }] });
    expect(res.body.results[0].status).toBe("updated");
    expect(await tree()).toEqual({ clothing: "clothing", hats: "clothing/hats", shoes: "clothing/hats/shoes", boots: "clothing/hats/shoes/boots" });
    const top = await post("/categories/bulk", { categories: [{ externalId: "shoes", name: "Shoes", parentExternalId: null }] });
    expect(top.status).toBe(200);
    expect(await tree()).toMatchObject({ shoes: "shoes", boots: "shoes/boots" });
  });

  it("refuses a parent that would make a cycle or is unknown, writing nothing", async () => {
    const before = await rowCounts(app.db);
    const res = await post("/categories/bulk", {
      categories: [
        { externalId: "shoes", name: "Shoes", parentExternalId: "boots" },
        { externalId: "socks", name: "Socks", parentExternalId: "nowhere" },
        { externalId: "self", name: "Self", parentExternalId: "self" },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { index: 1, field: "parentExternalId", reason: "is not the external id of a known category or one in this batch" },
      { index: 2, field: "parentExternalId", reason: "must not be the category itself" },
    ]);
    const cycle = await post("/categories/bulk", { categories: [{ externalId: "shoes", name: "Shoes", parentExternalId: "boots" }] });
    expect(cycle.status).toBe(422);
    expect(cycle.body.error.fields).toEqual([{ index: 0, field: "parentExternalId", reason: "would put the category below itself" }]);
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("creates products with variants, and an update keeps variants not listed", async () => {
    const res = await post("/products/bulk", {
      products: [
        { externalId: "P-1", name: "Boot", categoryExternalId: "boots", variants: [{ externalId: "V-1", name: "42", price: 9900 }, { externalId: "V-2", name: "43", sku: "B-43", price: 9900 }] },
        { externalId: "P-2", name: "Cap" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ created: 2, updated: 0, unchanged: 0 });
    const boots = await app.db.models.Category.findOne({ where: { externalId: "boots" } });
    expect(await app.db.models.Product.findOne({ where: { externalId: "P-1" }, raw: true })).toMatchObject({ name: "Boot", categoryId: boots!.id });
    const update = await post("/products/bulk", { products: [{ externalId: "P-1", name: "Boot", variants: [{ externalId: "V-1", name: "42", price: 8900 }] }] });
    expect(update.body.results[0].status).toBe("updated");
    expect(await app.db.models.ProductVariant.count()).toBe(2);
    expect(Number((await app.db.models.ProductVariant.findOne({ where: { externalId: "V-1" } }))!.price)).toBe(8900);
    expect(await app.db.models.Product.findOne({ where: { externalId: "P-1" }, raw: true })).toMatchObject({ categoryId: boots!.id });
  });

  it("refuses an unknown category and a variant that belongs to another product", async () => {
    const before = await rowCounts(app.db);
    const res = await post("/products/bulk", {
      products: [
        { externalId: "P-3", name: "Sock", categoryExternalId: "socks" },
        { externalId: "P-2", name: "Cap", variants: [{ externalId: "V-1", name: "stolen", price: 1 }] },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { index: 0, field: "categoryExternalId", reason: "is not the external id of a known category" },
      { index: 1, field: "variants[0].externalId", reason: "is a variant of another product" },
    ]);
    expect(await rowCounts(app.db)).toEqual(before);
  });
});
