import type { QueryInterface } from "sequelize";

/**
 * The audit log page filters by action and by user and pages by id, newest first: with (action, id)
 * and (user_id, id) each filter reads one index range instead of scanning the whole log.
 */
export async function up(qi: QueryInterface) {
  await qi.addIndex("audit_log", ["action", "id"], { name: "audit_log_action_id" });
  await qi.addIndex("audit_log", ["user_id", "id"], { name: "audit_log_user_id_id" });
}
