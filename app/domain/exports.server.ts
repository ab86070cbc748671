// The export pages and API reach the export functions through here (docs/decisions/0002).
export {
  checkExportRequest,
  decideExport,
  streamExport,
  listExports,
  getExport,
  exportFile,
  attachment,
  CONTENT_TYPES,
  type ExportRequest,
  type ExportRequester,
  type ExportView,
  type ExportViewer,
} from "../../models/exports/exports.server";
export { getExportSettings, updateExportSettings, mayExport, roleMayExport, exportDialogOptions } from "../../models/exports/settings.server";
export { startExport } from "../../jobs/run-export";
