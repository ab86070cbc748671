// Server code of a customer's rights (consent history, export, erasure), re-exported for the routes (docs/decisions/0002).
export { listConsentHistory } from "../../models/privacy/consents.server";
export { answerAccessRequest, exportFileName, type ExportFormat } from "../../models/privacy/requests.server";
export { eraseCustomer, customerIdByExternalId, erasedAtOf, erasureSubject } from "../../models/privacy/erase.server";
export { erasureFileDeps } from "../../jobs/erasure-leftovers";
