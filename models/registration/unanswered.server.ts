// What the shop's bot should ask a customer at the next interaction: the active questions they
// have not answered, in order, in their language. A question added later reaches every existing
// customer this way, since none has answered it.
import { Op } from "sequelize";
import type { Database } from "../db";
import { getStoreSettings } from "../store.server";
import { languageOf, textIn, type Language } from "./definitions";
import { textsOf } from "./questions.server";

export interface QuestionToAsk {
  key: string;
  text: string;
  options: Array<{ key: string; label: string }>;
}

export interface QuestionsToAsk {
  /** The language of the texts: the customer's locale if the console speaks it, else the store's, else English. */
  language: Language;
  questions: QuestionToAsk[];
}

/** The active questions a customer has not answered; null when no customer has this external id. */
export async function questionsToAsk(db: Database, externalId: string): Promise<QuestionsToAsk | null> {
  const m = db.models;
  const customer = await m.Customer.findOne({ attributes: ["id", "locale"], where: { externalId }, raw: true });
  if (!customer) return null;
  const language = languageOf(customer.locale) ?? languageOf((await getStoreSettings(db)).locale) ?? "en";
  const answered = await m.RegistrationAnswer.findAll({ attributes: ["questionId"], where: { customerId: customer.id }, group: ["questionId"], raw: true });
  const questions = await m.RegistrationQuestion.findAll({
    where: { isActive: true, ...(answered.length ? { id: { [Op.notIn]: answered.map((a) => a.questionId) } } : {}) },
    order: [["position", "ASC"], ["id", "ASC"]],
    raw: true,
  });
  const options = questions.length
    ? await m.RegistrationOption.findAll({ where: { questionId: { [Op.in]: questions.map((q) => q.id) } }, order: [["position", "ASC"], ["id", "ASC"]], raw: true })
    : [];
  return {
    language,
    questions: questions
      .map((q) => ({
        key: q.key,
        text: textIn(textsOf(q.text, q.translations), language),
        options: options.filter((o) => o.questionId === q.id).map((o) => ({ key: o.key, label: textIn(textsOf(o.label, o.translations), language) })),
      }))
      // a question without options cannot be answered
      .filter((q) => q.options.length > 0),
  };
}
