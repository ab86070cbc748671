import type { QueryInterface } from "sequelize";

/**
 * A name search shown in name order ranks the customers whose "first last" starts with the words
 * by their "last first". With sort_name in the search_name index, that ranking reads the index
 * alone; before, it looked every match up in the table (5,600 matches: 0.6 s on MariaDB, whose
 * 128 MB buffer pool holds little of a million customers). The new index starts with search_name,
 * so it also serves every lookup the old one did, and the old one goes.
 */
export async function up(qi: QueryInterface) {
  await qi.addIndex("customers", ["search_name", "sort_name"], { name: "customers_search_name_sort_name" });
  await qi.removeIndex("customers", "customers_search_name");
}
