// The automation pages and the automation API reach the automations domain through here
// (docs/decisions/0002).
export { checkAutomation, createAutomation, updateAutomation, pauseAutomation, resumeAutomation, deleteAutomation, getAutomation, listAutomations, automationReport, listFirings, inputOf, firingCounts, firingCustomers } from "../../automations/automations.server";
export type { AutomationView, AutomationReport } from "../../automations/automations.server";
export { listSegments } from "../../segments/store.server";
export { getStoreSettings } from "../../models/store.server";
export { listUsers } from "../../models/users.server";
export { seesDetailsOf } from "../../models/customers/viewer";
