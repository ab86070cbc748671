// English: the catalogue every other language is checked against (test/i18n/catalogues.test.ts).
import common from "./en/common.json";
import auth from "./en/auth.json";
import customers from "./en/customers.json";
import imports from "./en/imports.json";
import admin from "./en/admin.json";
import segments from "./en/segments.json";
import unsubscribe from "./en/unsubscribe.json";
import campaigns from "./en/campaigns.json";
import tasks from "./en/tasks.json";
import automations from "./en/automations.json";
import emails from "./en/emails.json";
import definitions from "./en/definitions.json";
import feeds from "./en/feeds.json";
import storefront from "./en/storefront.json";
import exports from "./en/exports.json";
import errors from "./en/errors.json";

export default { common, auth, customers, imports, admin, segments, unsubscribe, campaigns, automations, tasks, emails, definitions, feeds, storefront, exports, errors };
