// Error messages follow the reader: zod's own messages and the API's answers come out in the
// language of the request they are written for (models/messages.ts), English outside any request,
// and two requests in different languages at the same time do not mix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app";
import { testDialect } from "../support/db";
import { z } from "../../models/zod";
import { inRequestScope } from "../../models/request-scope.server";
import "../../models/i18n.server";
import { allResources } from "../../app/locales/all.server";

const errorsOf = (language: string) => allResources[language].errors as { generic: { format: { email: string } }; api: Record<string, string> };
const email = z.string().email();
const reasonOf = () => email.safeParse("not an address").error!.issues[0].message;

describe("messages in the reader's language", () => {
  it("a schema without words of its own speaks English outside a request, and each scope's language inside one", async () => {
    expect(reasonOf()).toBe("must be an email address");
    for (const language of ["bg", "el", "ru", "uk"]) {
      const text = inRequestScope(reasonOf, language);
      expect(text, language).toBe(errorsOf(language).generic.format.email);
      expect(text).not.toBe("must be an email address");
    }
  });

  it("two requests in different languages at once each keep their own", async () => {
    const pause = () => new Promise((r) => setTimeout(r, Math.random() * 5));
    const run = (language: string) =>
      inRequestScope(async () => {
        const seen: string[] = [];
        for (let i = 0; i < 5; i++) {
          await pause();
          seen.push(reasonOf());
        }
        return seen;
      }, language);
    const [bg, el] = await Promise.all([run("bg"), run("el")]);
    expect(new Set(bg)).toEqual(new Set([errorsOf("bg").generic.format.email]));
    expect(new Set(el)).toEqual(new Set([errorsOf("el").generic.format.email]));
  });
});

describe(`the API's messages by Accept-Language on ${testDialect}`, () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await startTestApp();
    key = (await app.apiKey(["customers:write"])).secret;
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = (body: string, language?: string) =>
    fetch(`${app.url}/api/v1/customers`, {
      method: "POST",
      body,
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", ...(language ? { "Accept-Language": language } : {}) },
    });

  it("answers in English without the header, and in the language it asks for (codes stay English)", async () => {
    const english = (await (await post("{")).json()) as { error: { code: string; message: string } };
    expect(english.error).toMatchObject({ code: "malformed_json", message: "The body is not valid JSON." });
    for (const language of ["bg", "el", "ru", "uk"]) {
      const res = await post("{", `${language}-XX,${language};q=0.9,en;q=0.5`);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { error: { code: string; message: string } };
      expect(answer.error.code).toBe("malformed_json");
      expect(answer.error.message, language).toBe(errorsOf(language).api.notJson);
    }
  });

  it("a record's field reasons are in the asked language too", async () => {
    const res = await post(JSON.stringify({ externalId: "m-1", email: "not an address" }), "ru");
    expect(res.status).toBe(422);
    const answer = (await res.json()) as { error: { message: string; fields: Array<{ field: string; reason: string }> } };
    expect(answer.error.message).toBe(errorsOf("ru").api.recordErrors);
    expect(answer.error.fields.find((f) => f.field === "email")?.reason).toMatch(/[а-я]/);
  });

  it("a language the console does not speak falls back to English", async () => {
    const answer = (await (await post("{", "de-DE,fr;q=0.8")).json()) as { error: { message: string } };
    expect(answer.error.message).toBe("The body is not valid JSON.");
  });
});
