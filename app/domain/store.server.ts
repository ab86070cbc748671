// Route modules reach server-only code through app/**/*.server.ts files: the Remix compiler keeps
// those out of the browser bundle, which it does not do for modules outside app/ (docs/decisions/0002).
export { getStoreSettings } from "../../models/store.server";
export { getStoreOverview, weekChanges, WEEK_MS } from "../../models/dashboard.server";
export { recordAudit } from "../../models/audit.server";
