import type { QueryInterface } from "sequelize";
import { up as refoldSearchNames } from "./0003-fold-search-names";

/**
 * Search names folded again, now that й reads as и, and for the rows written by imports and the
 * API since 0003: they stored the names only lower-cased, so Соловьева did not find Соловьёва.
 */
export async function up(qi: QueryInterface) {
  await refoldSearchNames(qi);
}
