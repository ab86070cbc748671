// The console in Bulgarian: every English key, in this language's plural forms (test/i18n/catalogues.test.ts).
import common from "./bg/common.json";
import auth from "./bg/auth.json";
import customers from "./bg/customers.json";
import imports from "./bg/imports.json";
import admin from "./bg/admin.json";
import segments from "./bg/segments.json";
import unsubscribe from "./bg/unsubscribe.json";
import campaigns from "./bg/campaigns.json";
import tasks from "./bg/tasks.json";
import automations from "./bg/automations.json";
import emails from "./bg/emails.json";
import definitions from "./bg/definitions.json";
import feeds from "./bg/feeds.json";
import storefront from "./bg/storefront.json";
import exports from "./bg/exports.json";
import errors from "./bg/errors.json";

export default { common, auth, customers, imports, admin, segments, unsubscribe, campaigns, automations, tasks, emails, definitions, feeds, storefront, exports, errors };
