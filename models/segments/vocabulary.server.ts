// What the segment editor offers to choose from: the values the store knows for each criterion.
import { QueryTypes } from "sequelize";
import type { Database } from "../db";
import { requestLanguage } from "../request-scope.server";
import { textIn } from "../registration/definitions";
import { textsOf } from "../registration/questions.server";
import type { CustomFieldType } from "../models";

export interface SegmentVocabulary {
  countries: string[];
  cities: string[];
  tags: string[];
  groups: string[];
  customFields: Array<{ key: string; label: string; type: CustomFieldType; options: string[] }>;
  questions: Array<{ key: string; text: string; options: Array<{ key: string; label: string }> }>;
  /** The category tree as a flat list; parentExternalId null at the roots. */
  categories: Array<{ externalId: string; name: string; parentExternalId: string | null }>;
  segments: Array<{ id: number; code: string; name: string; type: string }>;
}

/** At most this many cities are offered; a store with more still accepts any typed city. */
export const CITY_LIMIT = 5000;

/**
 * The distinct values of an indexed customer column, one index seek per value instead of a read of
 * every customer: MariaDB does that for a DISTINCT over an index by itself (a loose index scan);
 * SQLite is walked from each value to the next by a recursive query.
 */
async function distinctValues(db: Database, column: "country" | "city", limit: number): Promise<string[]> {
  const sql =
    db.dialect === "mysql"
      ? `SELECT DISTINCT ${column} AS v FROM customers WHERE ${column} IS NOT NULL AND ${column} <> '' ORDER BY ${column} LIMIT ${limit}`
      : `WITH RECURSIVE seen(v, n) AS (
           SELECT MIN(${column}), 1 FROM customers WHERE ${column} > ''
           UNION ALL
           SELECT (SELECT MIN(c.${column}) FROM customers c WHERE c.${column} > seen.v), n + 1 FROM seen WHERE seen.v IS NOT NULL AND n < ${limit}
         )
         SELECT v FROM seen WHERE v IS NOT NULL`;
  const rows = await db.sequelize.query<{ v: string }>(sql, { type: QueryTypes.SELECT });
  return rows.map((r) => r.v);
}

export async function segmentVocabulary(db: Database): Promise<SegmentVocabulary> {
  const m = db.models;
  const [countries, cities, tags, groups, fields, questions, options, categories, segments] = await Promise.all([
    distinctValues(db, "country", 300),
    distinctValues(db, "city", CITY_LIMIT),
    m.Tag.findAll({ attributes: ["name"], order: [["name", "ASC"]], raw: true }),
    m.CustomerGroup.findAll({ attributes: ["name"], order: [["name", "ASC"]], raw: true }),
    m.CustomField.findAll({ order: [["position", "ASC"], ["label", "ASC"]], raw: true }),
    m.RegistrationQuestion.findAll({ order: [["position", "ASC"], ["id", "ASC"]], raw: true }),
    m.RegistrationOption.findAll({ order: [["position", "ASC"], ["id", "ASC"]], raw: true }),
    m.Category.findAll({ attributes: ["id", "externalId", "name", "parentId"], order: [["name", "ASC"]], raw: true }),
    m.Segment.findAll({ attributes: ["id", "code", "name", "type"], where: { deletedAt: null }, order: [["name", "ASC"]], raw: true }),
  ]);
  const categoryExternalId = new Map(categories.map((c) => [c.id, c.externalId]));
  const language = requestLanguage() ?? "en";
  const collator = new Intl.Collator("en", { sensitivity: "base" });
  return {
    countries,
    cities: cities.sort(collator.compare),
    tags: tags.map((t) => t.name),
    groups: groups.map((g) => g.name),
    customFields: fields.map((f) => ({ key: f.key, label: f.label, type: f.type, options: f.options ? (JSON.parse(f.options) as string[]) : [] })),
    // a question and its options as the shop's bot asks them in the reader's language, else English
    questions: questions.map((q) => ({
      key: q.key,
      text: textIn(textsOf(q.text, q.translations), language),
      options: options.filter((o) => o.questionId === q.id).map((o) => ({ key: o.key, label: textIn(textsOf(o.label, o.translations), language) })),
    })),
    categories: categories.map((c) => ({ externalId: c.externalId, name: c.name, parentExternalId: c.parentId === null ? null : (categoryExternalId.get(c.parentId) ?? null) })),
    segments: segments.map((s) => ({ id: s.id, code: s.code, name: s.name, type: s.type })),
  };
}
