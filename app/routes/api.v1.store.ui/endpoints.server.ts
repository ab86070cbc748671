// The store's settings, custom fields and registration questions in /api/v1, and the questions a
// customer has yet to answer. A key's changes are audited under the key.
import { contract } from "~/api/contract.server";
import { endpoint, type ApiCall, type Endpoint } from "~/api/endpoint.server";
import { errorReply, reply, type ApiReply } from "~/api/reply.server";
import { writeOnce } from "~/domain/api.server";
import { msg } from "../../../models/messages";
import {
  createCustomField,
  createQuestion,
  deleteCustomField,
  deleteQuestion,
  getCustomField,
  getQuestion,
  getStoreSettings,
  listCustomFields,
  listQuestions,
  questionsToAsk,
  updateCustomField,
  updateQuestion,
  updateStoreSettings,
  type CustomFieldView,
  type DefinitionOutcome,
  type QuestionView,
} from "~/domain/definitions.server";

const contextOf = (call: ApiCall) => ({ actor: { apiKeyId: call.caller?.apiKeyId ?? null }, source: "api" as const, now: call.now });

const fieldRecord = ({ id: _id, ...f }: CustomFieldView) => f;
const questionRecord = ({ id: _id, options, ...q }: QuestionView) => ({
  ...q,
  options: options.map(({ key, labels, chosenBy }) => ({ key, labels, chosenBy })),
});

/** What a definition endpoint acts on, which its refusals name. */
type What = "field" | "question";

const MISSING: Record<What, { message: string; reason: string }> = {
  field: { message: "admin.noFieldWithKey", reason: "admin.notFieldKey" },
  question: { message: "admin.noQuestionWithKey", reason: "admin.notQuestionKey" },
};
const IN_USE: Record<What, string> = { field: "admin.fieldNotChanged", question: "admin.questionNotChanged" };

function failure(call: ApiCall, outcome: Exclude<DefinitionOutcome<unknown>, { ok: true }>, what: What): ApiReply {
  if (outcome.kind === "missing") return errorReply("not_found", msg(MISSING[what].message), [{ field: "key", reason: msg(MISSING[what].reason) }], call.requestId);
  if (outcome.kind === "in_use") return errorReply("conflict", msg(IN_USE[what]), outcome.errors, call.requestId);
  return errorReply("validation_failed", msg("api.recordErrors"), outcome.errors, call.requestId);
}

/** A write kept once per Idempotency-Key (POST), in one transaction with its audit entry. */
async function once<T>(call: ApiCall, write: (ctx: ReturnType<typeof contextOf> & { transaction: import("sequelize").Transaction }) => Promise<DefinitionOutcome<T>>, answer: (value: T) => ApiReply, what: What): Promise<ApiReply> {
  const outcome = await writeOnce(
    call.db,
    call.idempotency,
    async (transaction) => {
      const out = await write({ ...contextOf(call), transaction });
      return out.ok ? { commit: true, ...answer(out.value) } : { commit: false, ...failure(call, out, what) };
    },
    call.now,
  );
  if (outcome.kind === "key_reused") {
    return errorReply(
      "idempotency_key_reused",
      msg("api.idempotencyKeyReused"),
      [{ field: "Idempotency-Key", reason: msg("api.idempotencyKeyReusedReason") }],
      call.requestId,
    );
  }
  return { status: outcome.response.status, body: outcome.response.body, headers: outcome.replayed ? { "Idempotent-Replayed": "true" } : undefined };
}

const keyOf = (call: ApiCall) => ({ key: call.params.key ?? "" });

export function storeEndpoints(): Endpoint[] {
  return [
    endpoint(contract.getStore, async (call) => reply(200, await getStoreSettings(call.db))),
    endpoint(contract.updateStore, async (call) => {
      const current = await getStoreSettings(call.db);
      const next = { ...current, ...Object.fromEntries(Object.entries(call.body).filter(([, v]) => v !== undefined)) };
      await updateStoreSettings(call.db, next, { apiKeyId: call.caller?.apiKeyId ?? null }, call.now);
      return reply(200, await getStoreSettings(call.db));
    }),
  ];
}

export function fieldCollectionEndpoints(): Endpoint[] {
  return [
    endpoint(contract.listCustomFields, async (call) => reply(200, { customFields: (await listCustomFields(call.db)).map(fieldRecord) })),
    endpoint(contract.createCustomField, (call) => once(call, (ctx) => createCustomField(call.db, call.body, ctx), (f) => reply(201, fieldRecord(f)), "field")),
  ];
}

export function fieldEndpoints(): Endpoint[] {
  return [
    endpoint(contract.getCustomField, async (call) => {
      const field = await getCustomField(call.db, keyOf(call));
      return field ? reply(200, fieldRecord(field)) : failure(call, { ok: false, kind: "missing" }, "field");
    }),
    endpoint(contract.updateCustomField, (call) => once(call, (ctx) => updateCustomField(call.db, keyOf(call), call.body, ctx), (f) => reply(200, fieldRecord(f)), "field")),
    endpoint(contract.deleteCustomField, (call) =>
      once(call, (ctx) => deleteCustomField(call.db, keyOf(call), ctx), (d) => reply(200, { key: d.key, deleted: true, removedValues: d.valuesRemoved }), "field"),
    ),
  ];
}

export function questionCollectionEndpoints(): Endpoint[] {
  return [
    endpoint(contract.listQuestions, async (call) => reply(200, { questions: (await listQuestions(call.db)).map(questionRecord) })),
    endpoint(contract.createQuestion, (call) => once(call, (ctx) => createQuestion(call.db, call.body, ctx), (q) => reply(201, questionRecord(q)), "question")),
  ];
}

export function questionEndpoints(): Endpoint[] {
  return [
    endpoint(contract.getQuestion, async (call) => {
      const question = await getQuestion(call.db, keyOf(call));
      return question ? reply(200, questionRecord(question)) : failure(call, { ok: false, kind: "missing" }, "question");
    }),
    endpoint(contract.updateQuestion, (call) => once(call, (ctx) => updateQuestion(call.db, keyOf(call), call.body, ctx), (q) => reply(200, questionRecord(q)), "question")),
    endpoint(contract.deleteQuestion, (call) =>
      once(call, (ctx) => deleteQuestion(call.db, keyOf(call), ctx), (d) => reply(200, { key: d.key, deleted: true, removedValues: d.answersRemoved }), "question"),
    ),
  ];
}

export function customerQuestionsEndpoint(): Endpoint {
  return endpoint(contract.customerQuestions, async (call) => {
    const externalId = call.params.externalId ?? "";
    const found = await questionsToAsk(call.db, externalId);
    if (!found) return errorReply("not_found", msg("admin.noCustomer"), [{ field: "externalId", reason: msg("admin.notCustomerId") }], call.requestId);
    return reply(200, { externalId, ...found });
  });
}
