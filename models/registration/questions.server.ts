// Registration questions and their options: created, changed, ordered, deactivated and deleted by
// admins (pages and API), each change audited in its transaction. English texts live in the
// `text`/`label` columns, the other languages in `translations` (decision record 0039).
import { Op, col, fn, type Transaction } from "sequelize";
import type { Database } from "../db";
import type { RegistrationOption, RegistrationQuestion } from "../models";
import { recordAudit } from "../audit.server";
import { appendChanges } from "../change-log.server";
import { parseInput, type FieldError } from "../ingest/schemas";
import { chunks, inTransaction } from "../ingest/util";
import { OTHER_LANGUAGES, QuestionInput, QuestionPatch, type Texts } from "./definitions";
import { placeAt, type DefinitionContext, type DefinitionOutcome } from "./fields.server";
import { msg } from "../messages";
import { customersChoosing, namedSegments, segmentsUsingQuestion } from "./usage.server";

export interface QuestionOptionView {
  id: number;
  key: string;
  labels: Texts;
  position: number;
  /** Customers who chose it. */
  chosenBy: number;
}

export interface QuestionView {
  id: number;
  key: string;
  texts: Texts;
  isActive: boolean;
  position: number;
  options: QuestionOptionView[];
  /** Customers who answered it. */
  answeredBy: number;
}

/** English from its column, the other languages from the JSON beside it. */
export function textsOf(english: string, translations: string | null): Texts {
  const texts: Texts = { en: english };
  if (!translations) return texts;
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(translations) as Record<string, unknown>;
  } catch {
    return texts;
  }
  for (const language of OTHER_LANGUAGES) if (typeof parsed[language] === "string" && parsed[language]) texts[language] = parsed[language] as string;
  return texts;
}

/** The `translations` column of texts: the non-English ones given, or null. */
function translationsOf(texts: Texts): string | null {
  const others = Object.fromEntries(OTHER_LANGUAGES.filter((l) => texts[l]).map((l) => [l, texts[l]]));
  return Object.keys(others).length ? JSON.stringify(others) : null;
}

async function answerCounts(db: Database, questionIds: number[], transaction?: Transaction): Promise<Map<number, number>> {
  if (questionIds.length === 0) return new Map();
  const rows = (await db.models.RegistrationAnswer.findAll({
    attributes: ["questionId", [fn("COUNT", fn("DISTINCT", col("customer_id"))), "n"]],
    where: { questionId: { [Op.in]: questionIds } },
    group: ["questionId"],
    raw: true,
    transaction,
  })) as unknown as Array<{ questionId: number; n: number }>;
  return new Map(rows.map((r) => [Number(r.questionId), Number(r.n)]));
}

async function views(db: Database, questions: RegistrationQuestion[], transaction?: Transaction): Promise<QuestionView[]> {
  const ids = questions.map((q) => q.id);
  if (ids.length === 0) return [];
  const options = await db.models.RegistrationOption.findAll({ where: { questionId: { [Op.in]: ids } }, order: [["position", "ASC"], ["id", "ASC"]], transaction });
  const [answered, chosen] = await Promise.all([answerCounts(db, ids, transaction), customersChoosing(db, options.map((o) => o.id), transaction)]);
  return questions.map((q) => ({
    id: q.id,
    key: q.key,
    texts: textsOf(q.text, q.translations),
    isActive: Boolean(q.isActive),
    position: q.position,
    answeredBy: answered.get(q.id) ?? 0,
    options: options
      .filter((o) => o.questionId === q.id)
      .map((o: RegistrationOption) => ({ id: o.id, key: o.key, labels: textsOf(o.label, o.translations), position: o.position, chosenBy: chosen.get(o.id) ?? 0 })),
  }));
}

/** Every question in the store's order, with its options and how many customers answered. */
export async function listQuestions(db: Database): Promise<QuestionView[]> {
  return views(db, await db.models.RegistrationQuestion.findAll({ order: [["position", "ASC"], ["id", "ASC"]] }));
}

export async function getQuestion(db: Database, by: { id: number } | { key: string }, transaction?: Transaction): Promise<QuestionView | null> {
  const row = await db.models.RegistrationQuestion.findOne({ where: "id" in by ? { id: by.id } : { key: by.key }, transaction });
  return row ? (await views(db, [row], transaction))[0] : null;
}

export async function createQuestion(db: Database, input: unknown, ctx: DefinitionContext): Promise<DefinitionOutcome<QuestionView>> {
  const parsed = parseInput(QuestionInput, input);
  if (!parsed.ok) return { ok: false, kind: "invalid", errors: parsed.errors };
  const q = parsed.value;
  const now = ctx.now ?? new Date();
  return inTransaction(db, ctx.transaction, async (transaction): Promise<DefinitionOutcome<QuestionView>> => {
    const clash = await db.models.RegistrationQuestion.findOne({ where: { key: q.key }, transaction });
    if (clash) return { ok: false, kind: "invalid", errors: [{ field: "key", reason: msg("admin.questionKeyTaken", { key: q.key, text: clash.text }) }] };
    const row = await db.models.RegistrationQuestion.create(
      { key: q.key, text: q.texts.en, translations: translationsOf(q.texts), isActive: q.isActive, position: 1_000_000, createdAt: now, updatedAt: now },
      { transaction },
    );
    await db.models.RegistrationOption.bulkCreate(
      q.options.map((o, i) => ({ questionId: row.id, key: o.key, label: o.labels.en, translations: translationsOf(o.labels), position: i, createdAt: now, updatedAt: now })),
      { transaction },
    );
    await placeAt(db.models.RegistrationQuestion, row.id, q.position, transaction);
    await recordAudit(db, ctx.actor, "question.create", { type: "question", id: row.id, detail: { key: q.key, texts: q.texts, isActive: q.isActive, options: q.options } }, transaction, now);
    return { ok: true, value: (await getQuestion(db, { id: row.id }, transaction))! };
  });
}

export async function updateQuestion(db: Database, by: { id: number } | { key: string }, input: unknown, ctx: DefinitionContext): Promise<DefinitionOutcome<QuestionView>> {
  const parsed = parseInput(QuestionPatch, input);
  if (!parsed.ok) return { ok: false, kind: "invalid", errors: parsed.errors };
  const patch = parsed.value;
  const now = ctx.now ?? new Date();
  return inTransaction(db, ctx.transaction, async (transaction): Promise<DefinitionOutcome<QuestionView>> => {
    const row = await db.models.RegistrationQuestion.findOne({ where: "id" in by ? { id: by.id } : { key: by.key }, transaction, lock: transaction.LOCK.UPDATE });
    if (!row) return { ok: false, kind: "missing" };
    const before = (await views(db, [row], transaction))[0];
    const changes: Record<string, { from: unknown; to: unknown }> = {};

    if (patch.options) {
      const wanted = new Map(patch.options.map((o, i) => [o.key, { ...o, position: i }]));
      const removed = before.options.filter((o) => !wanted.has(o.key));
      const errors: FieldError[] = [];
      for (const o of removed) {
        const uses = await segmentsUsingQuestion(db, row.key, o.key, transaction);
        if (uses.length) errors.push({ field: "options", reason: msg("admin.optionUsed", { value: o.key, segments: namedSegments(uses) }) });
        else if (o.chosenBy > 0) errors.push({ field: "options", reason: msg("admin.optionChosen", { value: o.key, count: o.chosenBy }) });
      }
      if (errors.length) return { ok: false, kind: "invalid", errors };
      const existing = new Map(before.options.map((o) => [o.key, o]));
      for (const [key, o] of wanted) {
        const have = existing.get(key);
        const translations = translationsOf(o.labels);
        if (!have) {
          await db.models.RegistrationOption.create({ questionId: row.id, key, label: o.labels.en, translations, position: o.position, createdAt: now, updatedAt: now }, { transaction });
        } else if (JSON.stringify(have.labels) !== JSON.stringify(textsOf(o.labels.en, translations)) || have.position !== o.position) {
          await db.models.RegistrationOption.update({ label: o.labels.en, translations, position: o.position, updatedAt: now }, { where: { id: have.id }, transaction });
        }
      }
      if (removed.length) await db.models.RegistrationOption.destroy({ where: { id: { [Op.in]: removed.map((o) => o.id) } }, transaction });
      const shape = (list: Array<{ key: string; labels: Texts }>) => list.map((o) => ({ key: o.key, labels: textsOf(o.labels.en, translationsOf(o.labels)) }));
      const from = shape(before.options);
      const to = shape(patch.options);
      if (JSON.stringify(from) !== JSON.stringify(to)) changes.options = { from, to };
    }
    if (patch.texts) {
      const to = textsOf(patch.texts.en, translationsOf(patch.texts));
      if (JSON.stringify(to) !== JSON.stringify(before.texts)) changes.texts = { from: before.texts, to };
    }
    if (patch.isActive !== undefined && patch.isActive !== before.isActive) changes.isActive = { from: before.isActive, to: patch.isActive };
    if (changes.texts || changes.isActive) {
      await row.update(
        { text: patch.texts?.en ?? row.text, translations: patch.texts ? translationsOf(patch.texts) : row.translations, isActive: patch.isActive ?? Boolean(row.isActive), updatedAt: now },
        { transaction },
      );
    } else if (changes.options) {
      await row.update({ updatedAt: now }, { transaction });
    }
    if (patch.position !== undefined) {
      const order = await db.models.RegistrationQuestion.findAll({ attributes: ["id"], order: [["position", "ASC"], ["id", "ASC"]], transaction, raw: true });
      const from = order.findIndex((r) => r.id === row.id);
      const to = Math.min(patch.position, order.length - 1);
      if (from !== to) {
        await placeAt(db.models.RegistrationQuestion, row.id, patch.position, transaction);
        changes.position = { from, to };
      }
    }
    if (Object.keys(changes).length) {
      await recordAudit(db, ctx.actor, "question.update", { type: "question", id: row.id, detail: { key: row.key, ...changes } }, transaction, now);
    }
    return { ok: true, value: (await getQuestion(db, { id: row.id }, transaction))! };
  });
}

/**
 * Deletes a question no segment uses, with its options and answers; the customers who answered are
 * logged as changed. A question a segment uses is refused: deactivating it stops it being asked.
 */
export async function deleteQuestion(db: Database, by: { id: number } | { key: string }, ctx: DefinitionContext): Promise<DefinitionOutcome<{ key: string; answersRemoved: number }>> {
  const now = ctx.now ?? new Date();
  return inTransaction(db, ctx.transaction, async (transaction): Promise<DefinitionOutcome<{ key: string; answersRemoved: number }>> => {
    const row = await db.models.RegistrationQuestion.findOne({ where: "id" in by ? { id: by.id } : { key: by.key }, transaction, lock: transaction.LOCK.UPDATE });
    if (!row) return { ok: false, kind: "missing" };
    const uses = await segmentsUsingQuestion(db, row.key, undefined, transaction);
    if (uses.length) {
      return {
        ok: false,
        kind: "in_use",
        segments: uses,
        errors: [{ field: "key", reason: msg("admin.questionInUse", { text: row.text, segments: namedSegments(uses) }) }],
      };
    }
    const answered = await db.models.RegistrationAnswer.findAll({ attributes: ["customerId"], where: { questionId: row.id }, group: ["customerId"], raw: true, transaction });
    for (const part of chunks(answered, 1000)) {
      await appendChanges(db, part.map((a) => ({ customerId: a.customerId, kind: "profile", fields: { changed: ["answers"] } })), ctx.source, transaction, now);
    }
    await db.models.RegistrationAnswer.destroy({ where: { questionId: row.id }, transaction });
    await db.models.RegistrationOption.destroy({ where: { questionId: row.id }, transaction });
    await row.destroy({ transaction });
    await placeAt(db.models.RegistrationQuestion, null, undefined, transaction);
    await recordAudit(db, ctx.actor, "question.delete", { type: "question", id: row.id, detail: { key: row.key, text: row.text, answersRemoved: answered.length } }, transaction, now);
    return { ok: true, value: { key: row.key, answersRemoved: answered.length } };
  });
}
