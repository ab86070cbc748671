// The store's registration questions are written in its customers' languages (decision 0039): the
// console shows each reader the question and its options in their language where the store wrote
// it, else English — in the builder's vocabulary and on a customer's page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import type { Database } from "../../models/db";
import { seedDemoStore } from "../../models/demo/seed";
import { segmentVocabulary } from "../../models/segments/vocabulary.server";
import { getCustomerProfile } from "../../models/customers/profile.server";
import { inRequestScope } from "../../models/request-scope.server";

let db: Database & { drop(): Promise<void> };
beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoStore(db, { customers: 60, seed: 7, now: new Date("2026-11-20T10:00:00Z"), log: () => {} });
});
afterAll(async () => {
  await db?.drop();
});

describe(`questions in the reader's language on ${testDialect}`, () => {
  it("the builder's vocabulary names the demo's questions and options in each language", async () => {
    const english = await segmentVocabulary(db);
    const heard = (v: typeof english) => v.questions.find((q) => q.key === "heard_from")!;
    expect(heard(english).text).toBe("How did you hear about us?");
    const russian = await inRequestScope(() => segmentVocabulary(db), "ru");
    expect(heard(russian).text).toBe("Как вы о нас узнали?");
    expect(heard(russian).options.find((o) => o.key === "friend")?.label).toBe("От друзей");
    const greek = await inRequestScope(() => segmentVocabulary(db), "el");
    expect(heard(greek).text).toBe("Πώς μάθατε για εμάς;");
  });

  it("a customer's answers read in the reader's language", async () => {
    const answer = await db.models.RegistrationAnswer.findOne({ raw: true });
    expect(answer).toBeTruthy();
    const profile = (language: string) => inRequestScope(() => getCustomerProfile(db, answer!.customerId), language);
    const [en, bg] = await Promise.all([profile("en"), profile("bg")]);
    const english = en!.answers.find((a) => a.questionId === answer!.questionId)!;
    const bulgarian = bg!.answers.find((a) => a.questionId === answer!.questionId)!;
    expect(english.question).toMatch(/[A-Za-z]/);
    expect(bulgarian.question).toMatch(/[А-Яа-я]/);
    expect(bulgarian.question).not.toBe(english.question);
  });
});
