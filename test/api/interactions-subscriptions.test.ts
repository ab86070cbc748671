import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { rowCounts, testDialect } from "../support/db";

describe(`/api/v1/interactions and /api/v1/subscriptions on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await app.apiKey(["customers:write"])).secret;
    const res = await post("/customers/bulk", {
      customers: [
        { externalId: "C-1", email: "one@shop.test", phone: "+359888000001" },
        { externalId: "C-2", country: "BG" },
      ],
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => app.close());

  function post(path: string, body: unknown) {
    return request(app.url).post(`/api/v1${path}`).set("Authorization", `Bearer ${key}`).send(body as object);
  }
  const customer = (externalId: string) => app.db.models.Customer.findOne({ where: { externalId }, raw: true });
  const moment = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

  it("an interaction sets first and last; later ones move only the side they extend", async () => {
    const res = await post("/interactions", { customerExternalId: "C-1", at: "2024-03-10T12:00:00Z", source: "bot" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ externalId: "C-1", status: "updated" });
    let c = await customer("C-1");
    expect([moment(c!.firstInteractionAt), moment(c!.lastInteractionAt)]).toEqual(["2024-03-10T12:00:00.000Z", "2024-03-10T12:00:00.000Z"]);

    const bulk = await post("/interactions/bulk", {
      interactions: [
        { customerExternalId: "C-1", at: "2024-03-11T12:00:00Z" },
        { customerExternalId: "C-1", at: "2024-01-01T00:00:00+02:00" },
        { customerExternalId: "C-1", at: "2024-02-01T00:00:00Z" },
      ],
    });
    expect(bulk.body.results.map((r: { status: string }) => r.status)).toEqual(["updated", "updated", "unchanged"]);
    c = await customer("C-1");
    expect([moment(c!.firstInteractionAt), moment(c!.lastInteractionAt)]).toEqual(["2023-12-31T22:00:00.000Z", "2024-03-11T12:00:00.000Z"]);
    const changes = await app.db.models.CustomerChange.findAll({ where: { customerId: c!.id, kind: "interaction" }, order: [["id", "ASC"]] });
    expect(changes).toHaveLength(2);
    expect(JSON.parse(changes[1].fields!)).toEqual({ firstInteractionAt: "2023-12-31T22:00:00.000Z", lastInteractionAt: "2024-03-11T12:00:00.000Z", sources: ["site"] });
  });

  it("an interaction inside the known span changes nothing and logs nothing", async () => {
    const before = await rowCounts(app.db);
    const res = await post("/interactions", { customerExternalId: "C-1", at: "2024-02-15T00:00:00Z" });
    expect(res.body.status).toBe("unchanged");
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("subscribing on email uses the customer's email; unsubscribing records when", async () => {
    const res = await post("/subscriptions", { customerExternalId: "C-1", channel: "email", subscribed: true, at: "2024-04-01T00:00:00Z" });
    expect(res.status).toBe(201);
    const c = await customer("C-1");
    let identity = await app.db.models.ChannelIdentity.findOne({ where: { customerId: c!.id, channel: "email" }, raw: true });
    expect(identity).toMatchObject({ address: "one@shop.test" });
    expect(Boolean(identity!.isSubscribed)).toBe(true);
    const off = await post("/subscriptions", { customerExternalId: "C-1", channel: "email", subscribed: false, at: "2024-05-01T00:00:00Z" });
    expect(off.status).toBe(200);
    expect(off.body.status).toBe("updated");
    identity = await app.db.models.ChannelIdentity.findOne({ where: { customerId: c!.id, channel: "email" }, raw: true });
    expect(Boolean(identity!.isSubscribed)).toBe(false);
    expect(moment(identity!.subscriptionChangedAt)).toBe("2024-05-01T00:00:00.000Z");
    const changes = await app.db.models.CustomerChange.findAll({ where: { customerId: c!.id, kind: "channel" } });
    expect(changes.map((x) => JSON.parse(x.fields!))).toEqual([{ channels: ["email"] }, { channels: ["email"] }]);
  });

  it("a change older than the stored state is ignored, so a late webhook cannot undo a newer one", async () => {
    const before = await rowCounts(app.db);
    const res = await post("/subscriptions", { customerExternalId: "C-1", channel: "email", subscribed: true, at: "2024-04-15T00:00:00Z" });
    expect(res.body.status).toBe("unchanged");
    expect(await rowCounts(app.db)).toEqual(before);
  });

  it("applies a bulk of changes in the order they happened and normalises SMS numbers with the customer's country", async () => {
    const res = await post("/subscriptions/bulk", {
      subscriptions: [
        { customerExternalId: "C-2", channel: "sms", subscribed: false, address: "0888 111 222", at: "2024-06-02T00:00:00Z" },
        { customerExternalId: "C-2", channel: "sms", subscribed: true, address: "0888 111 222", at: "2024-06-01T00:00:00Z" },
        { customerExternalId: "C-2", channel: "viber", subscribed: true, address: "viber-user-1" },
      ],
    });
    expect(res.status).toBe(200);
    const c = await customer("C-2");
    const sms = await app.db.models.ChannelIdentity.findOne({ where: { customerId: c!.id, channel: "sms" }, raw: true });
    expect(sms).toMatchObject({ address: "+359888111222" });
    expect(Boolean(sms!.isSubscribed)).toBe(false);
    expect(moment(sms!.subscriptionChangedAt)).toBe("2024-06-02T00:00:00.000Z");
    const changes = await app.db.models.CustomerChange.findAll({ where: { customerId: c!.id, kind: "channel" } });
    expect(changes.map((x) => JSON.parse(x.fields!))).toEqual([{ channels: ["sms", "viber"] }]);
  });

  it("refuses subscribing without an address, a bad email and an unknown customer, writing nothing", async () => {
    const before = await rowCounts(app.db);
    const res = await post("/subscriptions/bulk", {
      subscriptions: [
        { customerExternalId: "C-2", channel: "messenger", subscribed: true },
        { customerExternalId: "C-1", channel: "email", subscribed: true, address: "nope" },
        { customerExternalId: "C-404", channel: "email", subscribed: true },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([
      { index: 0, field: "address", reason: "is needed to subscribe on messenger: the customer has none" },
      { index: 1, field: "address", reason: "must be an email address" },
      { index: 2, field: "customerExternalId", reason: "is not the external id of a known customer" },
    ]);
    expect(await rowCounts(app.db)).toEqual(before);
  });
});
