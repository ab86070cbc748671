// Server code of the admin and account pages (docs/decisions/0002).
export {
  listUsers,
  listUserNames,
  addUser,
  changeUserRole,
  setUserActive,
  resetUserPassword,
  changeOwnPassword,
  setUserLocale,
} from "../../models/users.server";
export { generatePassword } from "../../models/passwords";
export { passwordWeakness } from "../../models/password-strength";
export { createApiKey, listApiKeys, revokeApiKey } from "../../models/api-keys.server";
export { listAuditEntries, listAuditActions } from "../../models/audit.server";
export { getStoreSettings, updateStoreSettings } from "../../models/store.server";
export { getMarketingSettings, updateMarketingSettings } from "../../models/marketing-settings.server";
