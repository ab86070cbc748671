// Server code of the custom field and question pages and endpoints (docs/decisions/0002).
export { listCustomFields, getCustomField, createCustomField, updateCustomField, deleteCustomField } from "../../models/registration/fields.server";
export type { CustomFieldView, DefinitionOutcome } from "../../models/registration/fields.server";
export { listQuestions, getQuestion, createQuestion, updateQuestion, deleteQuestion } from "../../models/registration/questions.server";
export type { QuestionView } from "../../models/registration/questions.server";
export { questionsToAsk } from "../../models/registration/unanswered.server";
export { getStoreSettings, updateStoreSettings } from "../../models/store.server";
export { segmentsUsingField, segmentsUsingQuestion } from "../../models/registration/usage.server";
