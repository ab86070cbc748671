// The console in Ukrainian: every English key, in this language's plural forms (test/i18n/catalogues.test.ts).
import common from "./uk/common.json";
import auth from "./uk/auth.json";
import customers from "./uk/customers.json";
import imports from "./uk/imports.json";
import admin from "./uk/admin.json";
import segments from "./uk/segments.json";
import unsubscribe from "./uk/unsubscribe.json";
import campaigns from "./uk/campaigns.json";
import tasks from "./uk/tasks.json";
import automations from "./uk/automations.json";
import emails from "./uk/emails.json";
import definitions from "./uk/definitions.json";
import feeds from "./uk/feeds.json";
import storefront from "./uk/storefront.json";
import exports from "./uk/exports.json";
import errors from "./uk/errors.json";

export default { common, auth, customers, imports, admin, segments, unsubscribe, campaigns, automations, tasks, emails, definitions, feeds, storefront, exports, errors };
