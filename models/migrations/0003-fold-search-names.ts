import { QueryTypes, type QueryInterface } from "sequelize";
import { foldedSearchNames } from "../customers/name-folding";

const BATCH = 1000;

/**
 * The search columns of the customers already stored, folded as search now compares them
 * (models/customers/name-folding.ts): a Greek name typed in capitals carries no accents, so
 * ΠΑΠΑΔΟΠΟΥΛΟΣ did not find Παπαδόπουλος. Only rows whose folded form differs are written, in
 * batches by id.
 */
export async function up(qi: QueryInterface) {
  const sequelize = qi.sequelize;
  let after = 0;
  for (;;) {
    const rows = await sequelize.query<{ id: number; first_name: string | null; last_name: string | null; search_name: string; sort_name: string }>(
      `SELECT id, first_name, last_name, search_name, sort_name FROM customers WHERE id > ? ORDER BY id LIMIT ${BATCH}`,
      { replacements: [after], type: QueryTypes.SELECT },
    );
    if (!rows.length) return;
    after = rows[rows.length - 1].id;
    const changed = rows
      .map((r) => ({ id: r.id, ...foldedSearchNames(r.first_name, r.last_name), was: r }))
      .filter((r) => r.searchName !== r.was.search_name || r.sortName !== r.was.sort_name);
    if (!changed.length) continue;
    const cases = (column: "searchName" | "sortName") => `CASE id ${changed.map(() => "WHEN ? THEN ?").join(" ")} END`;
    await sequelize.query(
      `UPDATE customers SET search_name = ${cases("searchName")}, sort_name = ${cases("sortName")} WHERE id IN (${changed.map(() => "?").join(",")})`,
      {
        replacements: [...changed.flatMap((r) => [r.id, r.searchName]), ...changed.flatMap((r) => [r.id, r.sortName]), ...changed.map((r) => r.id)],
        type: QueryTypes.UPDATE,
      },
    );
  }
}
