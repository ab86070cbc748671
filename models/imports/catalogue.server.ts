import type { Database } from "../db";
import type { TargetCatalogue } from "./targets";

/** The store's custom fields and registration questions with their options: targets for import columns. */
export async function loadTargetCatalogue(db: Database): Promise<TargetCatalogue> {
  const { CustomField, RegistrationQuestion, RegistrationOption } = db.models;
  const [fields, questions, options] = await Promise.all([
    CustomField.findAll({ order: [["position", "ASC"], ["id", "ASC"]], raw: true }),
    RegistrationQuestion.findAll({ order: [["position", "ASC"], ["id", "ASC"]], raw: true }),
    RegistrationOption.findAll({ order: [["position", "ASC"], ["id", "ASC"]], raw: true }),
  ]);
  return {
    customFields: fields.map((f) => ({ key: f.key, label: f.label, type: f.type, options: f.options ? (JSON.parse(f.options) as string[]) : [] })),
    questions: questions.map((q) => ({
      key: q.key,
      text: q.text,
      options: options.filter((o) => o.questionId === q.id).map((o) => ({ key: o.key, label: o.label })),
    })),
  };
}
