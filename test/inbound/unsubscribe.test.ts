// The unsubscribe link through the real app: GET shows a page and changes nothing (mail scanners
// follow links); POST with RFC 8058's body unsubscribes exactly the customer and channel the signed
// token names.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { addChannel, addCustomers } from "../customers/factory";
import { unsubscribeToken } from "../../campaigns/inbound/unsubscribe-token";
import { changesOf, eventsOf, identity, snapshot, startInboundApp } from "./support";

let app: TestApp;
const customer: Record<string, number> = {};
const link = (customerId: number, channel: "email" | "sms" | "messenger" | "viber" = "email") =>
  `/unsubscribe/${unsubscribeToken(app.services.config.sessionSecret, customerId, channel)}`;

beforeAll(async () => {
  app = await startInboundApp();
  const names = ["irina", "georgi", "nadia", "oleg", "zoe"];
  const ids = await addCustomers(app.db, names.map((name) => ({ externalId: name, email: `${name}@shop.test` })));
  names.forEach((name, i) => (customer[name] = ids[i]));
  for (const name of names) await addChannel(app.db, customer[name], "email", true, `${name}@shop.test`);
  await addChannel(app.db, customer.irina, "sms", true, "+359888000009");
});
afterAll(() => app?.close());

async function changesNothing(send: () => Promise<request.Response>, status: number) {
  const before = await snapshot(app.db);
  const res = await send();
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(await snapshot(app.db)).toEqual(before);
  return res;
}

const oneClick = (path: string) => request(app.url).post(path).type("form").send("List-Unsubscribe=One-Click");

describe(`the unsubscribe link on ${testDialect}`, () => {
  it("GET shows a confirmation page with a button, public and unindexed, and changes nothing", async () => {
    const res = await changesNothing(() => request(app.url).get(link(customer.irina)), 200);
    expect(res.text).toContain("Unsubscribe from email messages?");
    expect(res.text).toMatch(/<form method="post"[^>]*>/);
    expect(res.text).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["x-robots-tag"]).toBe("noindex");
    expect((await identity(app.db, customer.irina, "email"))?.isSubscribed).toBe(true);
  });

  it("POST List-Unsubscribe=One-Click unsubscribes that customer on that channel only, with an event and a change-log entry", async () => {
    const before = await changesOf(app.db, customer.irina);
    const res = await oneClick(link(customer.irina));
    expect(res.status).toBe(200);
    expect(res.text).toContain("You are unsubscribed");
    expect(await identity(app.db, customer.irina, "email")).toMatchObject({ isSubscribed: false, address: "irina@shop.test" });
    expect((await identity(app.db, customer.irina, "sms"))?.isSubscribed).toBe(true);
    expect((await identity(app.db, customer.georgi, "email"))?.isSubscribed).toBe(true);
    expect((await changesOf(app.db, customer.irina)).slice(before.length)).toEqual([{ source: "webhook", fields: { channels: ["email"] } }]);
    expect((await eventsOf(app.db, "unsubscribe-link")).filter((e) => e.eventKey.startsWith(`${customer.irina}:email:`))).toHaveLength(1);

    // a second click, or the mail client's retry: answered the same, nothing more written
    const again = await changesNothing(() => oneClick(link(customer.irina)), 200);
    expect(again.text).toContain("You are unsubscribed");
    // and the page now says so
    const page = await changesNothing(() => request(app.url).get(link(customer.irina)), 200);
    expect(page.text).toContain("You are unsubscribed");
  });

  it("a mail client's multipart post from its own site works as well (no session, no form token, any Origin)", async () => {
    const res = await request(app.url).post(link(customer.georgi)).set("Origin", "https://mail.example.net").field("List-Unsubscribe", "One-Click");
    expect(res.status).toBe(200);
    expect((await identity(app.db, customer.georgi, "email"))?.isSubscribed).toBe(false);
  });

  it("the link can unsubscribe another channel than email when it names it", async () => {
    await oneClick(link(customer.irina, "sms")).expect(200);
    expect((await identity(app.db, customer.irina, "sms"))?.isSubscribed).toBe(false);
  });

  it("a customer without an identity on the channel is recorded as unsubscribed there", async () => {
    await oneClick(link(customer.oleg, "viber")).expect(200);
    expect(await identity(app.db, customer.oleg, "viber")).toMatchObject({ isSubscribed: false });
  });

  it("a POST without RFC 8058's body gets 400 and changes nothing", async () => {
    const empty = await changesNothing(() => request(app.url).post(link(customer.nadia)), 400);
    expect(empty.text).toContain("Nothing was changed");
    await changesNothing(() => request(app.url).post(link(customer.nadia)).type("form").send("List-Unsubscribe=Yes"), 400);
    await changesNothing(() => request(app.url).post(link(customer.nadia)).set("Content-Type", "application/json").send('{"List-Unsubscribe":"One-Click"}'), 400);
    expect((await identity(app.db, customer.nadia, "email"))?.isSubscribed).toBe(true);
  });

  it("a changed or made-up token gets a 404 page on GET and POST, and changes nothing", async () => {
    const token = unsubscribeToken(app.services.config.sessionSecret, customer.nadia, "email");
    const altered = token.slice(0, 10) + (token[10] === "A" ? "B" : "A") + token.slice(11);
    for (const path of [`/unsubscribe/${altered}`, "/unsubscribe/not-a-token", `/unsubscribe/${token}x`]) {
      const page = await changesNothing(() => request(app.url).get(path), 404);
      expect(page.text).toContain("This unsubscribe link does not work");
      const posted = await changesNothing(() => oneClick(path), 404);
      expect(posted.text).toContain("This unsubscribe link does not work");
    }
    expect((await identity(app.db, customer.nadia, "email"))?.isSubscribed).toBe(true);
  });

  it("a token for one customer cannot unsubscribe another: its customer id rewritten, it names no one", async () => {
    const bytes = Buffer.from(unsubscribeToken(app.services.config.sessionSecret, customer.zoe, "email"), "base64url");
    bytes.writeUInt32BE(customer.nadia, 2);
    await changesNothing(() => oneClick(`/unsubscribe/${bytes.toString("base64url")}`), 404);
    expect((await identity(app.db, customer.nadia, "email"))?.isSubscribed).toBe(true);
    expect((await identity(app.db, customer.zoe, "email"))?.isSubscribed).toBe(true);
    // Zoe's own link unsubscribes Zoe, and only Zoe
    await oneClick(link(customer.zoe)).expect(200);
    expect((await identity(app.db, customer.zoe, "email"))?.isSubscribed).toBe(false);
    expect((await identity(app.db, customer.nadia, "email"))?.isSubscribed).toBe(true);
  });

  it("a token signed with another secret, or for a customer who no longer exists, gets 404", async () => {
    const foreign = unsubscribeToken("another-secret-that-is-also-long-enough", customer.nadia, "email");
    await changesNothing(() => oneClick(`/unsubscribe/${foreign}`), 404);
    await changesNothing(() => request(app.url).get(link(987654)), 404);
    await changesNothing(() => oneClick(link(987654)), 404);
  });
});
