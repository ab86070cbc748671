// The CSV import pages reach the import functions through here (docs/decisions/0002).
export { createImport, listImports, getImportSummary, getImportDetail, changeImportFormat, saveImportMapping, requestImportStop, importErrorReport } from "../../models/imports/imports.server";
export { startImport } from "../../jobs/run-import";
export { recordAudit } from "../../models/audit.server";
export { getStoreSettings } from "../../models/store.server";
