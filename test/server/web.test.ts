import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp } from "../support/app";
import { testDialect } from "../support/db";

/** A raw request, so headers and paths reach the server exactly as written. */
function raw(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string; location?: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, headers, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"] ?? ""), body, location: res.headers.location }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe(`the web server on ${testDialect}`, () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("answers the health check", async () => {
    const res = await raw(app.url, "/healthz");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: "ok" });
  });

  it("refuses a Host header that is not a host name, as JSON on the API and text on pages", async () => {
    const api = await raw(app.url, "/api/v1/customers", { Host: "[bad" });
    expect(api.status).toBe(400);
    expect(JSON.parse(api.body).error.fields).toEqual([{ field: "Host", reason: "is not a valid host name" }]);
    const page = await raw(app.url, "/login", { Host: "exa mple" });
    expect(page.status).toBe(400);
    expect(page.body).toContain("Host");
  });

  it("refuses a path with a broken %-escape", async () => {
    const res = await raw(app.url, "/api/v1/customers/%E0%A4%A");
    expect(res.status).toBe(400);
    expect(res.type).toContain("application/json");
    expect(JSON.parse(res.body).error.fields[0].field).toBe("path");
  });

  it("does not let Remix's _data parameter reach the API", async () => {
    const res = await raw(app.url, "/api/v1/customers?_data=routes%2Fapi.v1.customers");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.fields[0].field).toBe("_data");
  });

  it("sends browsers asking for /favicon.ico to the icon", async () => {
    const res = await raw(app.url, "/favicon.ico");
    expect(res.status).toBe(301);
    expect(res.location).toBe("/favicon.svg");
    expect((await raw(app.url, "/favicon.svg")).status).toBe(200);
  });
});
