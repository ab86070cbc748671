// Signing in and out, form tokens and passwords through the real Express app and Remix build (run
// `npx remix build` first; `npm test` does).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { createUser, verifyLogin } from "../../models/users.server";
import { generatePassword } from "../../models/passwords";
import { passwordWeakness } from "../../models/password-strength";
import { getStoreSettings } from "../../models/store.server";

let app: TestApp;
const password = "a-password-for-the-auth-tests";

/** A browser stand-in: keeps its cookies, reads form tokens from pages, posts forms. */
function visitor() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (res: request.Response) => {
    for (const line of (res.headers["set-cookie"] as unknown as string[] | undefined) ?? []) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === "" || /expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const get = async (path: string, cookies = cookie()) => remember(await request(app.url).get(path).set("Cookie", cookies));
  const tokenFrom = async (path: string) => {
    const html = (await get(path)).text;
    const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? /value="([^"]+)" name="csrf"/.exec(html)?.[1];
    if (!token) throw new Error(`no form token on ${path}`);
    return token;
  };
  const post = async (path: string, fields: Record<string, string>, cookies = cookie()) =>
    remember(await request(app.url).post(path).set("Cookie", cookies).type("form").send(fields));
  return { jar, cookie, get, post, tokenFrom };
}

async function signedIn(email: string, redirectTo = "/") {
  const v = visitor();
  const res = await v.post("/login", { email, password, csrf: await v.tokenFrom("/login"), redirectTo });
  expect(res.status).toBe(302);
  return { ...v, location: res.headers.location as string };
}

beforeAll(async () => {
  app = await startTestApp();
  await createUser(app.db, { email: "admin@auth.test", name: "Ada Admin", password, role: "admin" });
  await createUser(app.db, { email: "other@auth.test", name: "Otto Other", password, role: "admin" });
  await createUser(app.db, { email: "marketer@auth.test", name: "Mia Marketer", password, role: "marketer" });
});

afterAll(async () => {
  await app?.close();
});

describe(`after signing in, on ${testDialect}`, () => {
  const elsewhere = [
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "/\t/evil.example/",
    "\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/\u3000/evil.example/",
    "/\u00a0/evil.example/",
    "/\u200b/evil.example/",
    "/ /evil.example/",
    "/.//evil.example/",
    "/./\\evil.example/",
    "///evil.example/",
    "https:evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
  ];
  const onSite = ["/%09/evil.example/", "/%2F%2Fevil.example", "/%5Cevil.example", "/segments?sort=name#top", "/admin/audit"];

  it.each([...elsewhere, ...onSite])("a redirectTo of %j leads to a page of this site", async (redirectTo) => {
    const { location } = await signedIn("admin@auth.test", redirectTo);
    const target = new URL(location, app.url);
    expect(target.origin).toBe(app.url);
    // what the browser is sent is a plain path: no second slash that would name a host
    expect(location).toMatch(/^\/(?![/\\])/);
  });

  it("an ordinary page asked for is where the user lands, unchanged", async () => {
    expect((await signedIn("admin@auth.test", "/segments?sort=name#top")).location).toBe("/segments?sort=name#top");
    expect((await signedIn("admin@auth.test", "//evil.example/")).location).toBe("/");
    expect((await signedIn("admin@auth.test", "/\u3000/evil.example/")).location).toBe("/");
  });
});

describe(`forms that are not forms, on ${testDialect}`, () => {
  it("a login posted as JSON or as plain text is answered 415 with what a form must be", async () => {
    const json = await request(app.url).post("/login").set("Content-Type", "application/json").send(JSON.stringify({ email: "admin@auth.test", password }));
    expect(json.status).toBe(415);
    expect(json.text).toContain("application/x-www-form-urlencoded");
    const text = await request(app.url).post("/login").set("Content-Type", "text/plain").send(`email=admin@auth.test`);
    expect(text.status).toBe(415);
    expect(text.text).toContain("text/plain");
  });

  it("a signed-in admin's settings form posted as JSON is answered 415 and changes nothing", async () => {
    const admin = await signedIn("admin@auth.test");
    const token = await admin.tokenFrom("/admin/store");
    const before = (await getStoreSettings(app.db)).name;
    const res = await request(app.url)
      .post("/admin/store")
      .set("Cookie", admin.cookie())
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ csrf: token, name: "Hijacked", timeZone: "UTC", currency: "USD", locale: "en" }));
    expect(res.status).toBe(415);
    expect((await getStoreSettings(app.db)).name).toBe(before);
  });

  it("POST /logout with no body is answered 400 and the session goes on", async () => {
    const admin = await signedIn("admin@auth.test");
    const res = await request(app.url).post("/logout").set("Cookie", admin.cookie());
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/no form/);
    expect((await admin.get("/admin/store")).status).toBe(200);
  });

  it("a multipart body that cannot be read is answered 400", async () => {
    const res = await request(app.url).post("/login").set("Content-Type", "multipart/form-data; boundary=x").send("not multipart at all");
    expect(res.status).toBe(400);
  });
});

describe(`form tokens, on ${testDialect}`, () => {
  it("another session's form token, even with its token cookie, is refused beside this session's cookie and changes nothing", async () => {
    const victim = await signedIn("admin@auth.test");
    const attacker = await signedIn("marketer@auth.test");
    const attackerToken = await attacker.tokenFrom("/customers");
    const before = (await getStoreSettings(app.db)).name;
    // the victim's session cookie, and every other cookie (a token cookie included) from the attacker's session
    const mixed = [`__session=${victim.jar.get("__session")}`, ...[...attacker.jar].filter(([k]) => k !== "__session").map(([k, v]) => `${k}=${v}`)].join("; ");
    const res = await victim.post("/admin/store", { csrf: attackerToken, name: "Hijacked", timeZone: "UTC", currency: "USD", locale: "en" }, mixed);
    expect(res.status).toBe(403);
    expect((await getStoreSettings(app.db)).name).toBe(before);
    // the victim's own token still works
    const own = await victim.post("/admin/store", { csrf: await victim.tokenFrom("/admin/store"), name: before, timeZone: "UTC", currency: "USD", locale: "en" });
    expect(own.status).toBe(200);
  });

  it("the login form of an anonymous visitor carries a token, and a login without it is refused", async () => {
    const v = visitor();
    const token = await v.tokenFrom("/login");
    expect((await v.post("/login", { email: "admin@auth.test", password, redirectTo: "/" })).status).toBe(403);
    expect((await v.post("/login", { email: "admin@auth.test", password, csrf: `${token}x`, redirectTo: "/" })).status).toBe(403);
    expect((await v.post("/login", { email: "admin@auth.test", password, csrf: token, redirectTo: "/" })).status).toBe(302);
  });
});

describe(`signing out, on ${testDialect}`, () => {
  it("a copy of the session cookie taken before logging out no longer signs anyone in", async () => {
    const admin = await signedIn("admin@auth.test");
    const copy = admin.cookie();
    expect((await admin.get("/admin/store", copy)).status).toBe(200);
    const out = await admin.post("/logout", { csrf: await admin.tokenFrom("/admin/store") });
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe("/login");
    const replay = await request(app.url).get("/admin/store").set("Cookie", copy);
    expect(replay.status).toBe(302);
    expect(replay.headers.location).toMatch(/^\/login/);
    const data = await request(app.url).get("/?_data=root").set("Cookie", copy);
    expect(data.body.user).toBeNull();
  });

  it("signing out one session leaves the user's other sessions signed in", async () => {
    const first = await signedIn("other@auth.test");
    const second = await signedIn("other@auth.test");
    await first.post("/logout", { csrf: await first.tokenFrom("/admin/store") });
    expect((await second.get("/admin/store")).status).toBe(200);
  });
});

describe(`passwords, on ${testDialect}`, () => {
  const weak = [
    ["aaaaaaaaaa", "oneCharacter"],
    ["1234567890", "common"],
    ["password12", "common"],
    ["          ", "blank"],
    ["qwertyuiop", "common"],
  ] as const;

  it.each(weak)("an admin cannot give a new user the password %j, and is told why", async (typed, reason) => {
    const admin = await signedIn("admin@auth.test");
    const email = `weak-${Math.random().toString(36).slice(2)}@auth.test`;
    const res = await admin.post("/admin/users?_data=routes%2Fadmin.users", {
      csrf: await admin.tokenFrom("/admin/users"),
      intent: "create",
      name: "Mia Marketer",
      email,
      role: "marketer",
      passwordMode: "typed",
      password: typed,
    });
    expect(res.status).toBe(400);
    expect(res.body.result.error.password).toEqual([`admin:users.errors.passwordWeak.${reason}`]);
    expect(await app.db.models.User.count({ where: { email } })).toBe(0);
  });

  it("a user cannot change their own password to a common one, and the old one keeps working", async () => {
    const marketer = await signedIn("marketer@auth.test");
    const res = await marketer.post("/account?_data=routes%2Faccount", {
      csrf: await marketer.tokenFrom("/account"),
      intent: "password",
      currentPassword: password,
      newPassword: "password12",
      repeatPassword: "password12",
    });
    expect(res.status).toBe(400);
    expect(res.body.result.error.newPassword).toEqual(["auth:account.errors.newWeak.common"]);
    expect(await verifyLogin(app.db, "marketer@auth.test", password)).not.toBeNull();
  });

  it("a strong typed password is accepted, and every generated password passes the same check", async () => {
    const admin = await signedIn("admin@auth.test");
    const email = `strong-${Math.random().toString(36).slice(2)}@auth.test`;
    const res = await admin.post("/admin/users?_data=routes%2Fadmin.users", {
      csrf: await admin.tokenFrom("/admin/users"),
      intent: "create",
      name: "Sam Strong",
      email,
      role: "manager",
      passwordMode: "typed",
      password: "copper kettle under moonlight",
    });
    expect(res.status).toBe(200);
    expect(await verifyLogin(app.db, email, "copper kettle under moonlight")).not.toBeNull();
    for (let i = 0; i < 200; i++) expect(passwordWeakness(generatePassword())).toBeNull();
  });
});

// Last in this file: they spend this address's login allowance.
describe(`login attempts are counted before the password is checked, on ${testDialect}`, () => {
  it("of 20 wrong passwords for one account sent at once, at most 5 reach the password check; the rest wait with Retry-After", async () => {
    const v = visitor();
    const csrf = await v.tokenFrom("/login");
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => v.post("/login", { email: "marketer@auth.test", password: `wrong-password-${i}`, csrf, redirectTo: "/" })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 429).length).toBe(20);
    for (const r of answers.filter((a) => a.status === 429)) expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
    // in the words of the catalogue: the wait in minutes, singular or plural as the number asks
    expect(answers.find((a) => a.status === 429)!.text).toMatch(/Too many attempts\. Try again in (1 minute|([2-9]|1[0-5]) minutes)\./);
    expect(answers.find((a) => a.status === 401)!.text).toContain("Wrong email or password.");
    // the right password waits too
    expect((await v.post("/login", { email: "marketer@auth.test", password, csrf, redirectTo: "/" })).status).toBe(429);
  }, 120_000);

  it("of 70 attempts on different accounts from one address sent at once, at most 50 reach the password check", async () => {
    const v = visitor();
    const csrf = await v.tokenFrom("/login");
    const answers = await Promise.all(
      Array.from({ length: 70 }, (_, i) => v.post("/login", { email: `sprayed-${i}@auth.test`, password: "Summer2024!", csrf, redirectTo: "/" })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(50);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    for (const r of answers.filter((a) => a.status === 429)) expect(Number(r.headers["retry-after"])).toBeGreaterThan(0);
  }, 120_000);
});

describe(`errors in the reader's language, on ${testDialect}`, () => {
  it("the login form answers an anonymous visitor in the browser's language, and English without one", async () => {
    const loginWith = async (language: string | null) => {
      const v = visitor();
      const csrf = await v.tokenFrom("/login");
      const r = request(app.url).post("/login").set("Cookie", v.cookie()).type("form");
      return (language ? r.set("Accept-Language", language) : r).send({ email: "not-an-email", password: "", csrf, redirectTo: "/" });
    };
    const uk = await loginWith("uk-UA,uk;q=0.9,en;q=0.4");
    expect(uk.status).toBe(400);
    expect(uk.text).toContain("Введіть правильну адресу email.");
    expect(uk.text).toContain("Введіть пароль.");
    const en = await loginWith(null);
    expect(en.status).toBe(400);
    expect(en.text).toContain("Enter a valid email address.");
    expect(en.text).toContain("Enter your password.");
  });
});
