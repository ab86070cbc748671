// The console in Greek: every English key, in this language's plural forms (test/i18n/catalogues.test.ts).
import common from "./el/common.json";
import auth from "./el/auth.json";
import customers from "./el/customers.json";
import imports from "./el/imports.json";
import admin from "./el/admin.json";
import segments from "./el/segments.json";
import unsubscribe from "./el/unsubscribe.json";
import campaigns from "./el/campaigns.json";
import tasks from "./el/tasks.json";
import automations from "./el/automations.json";
import emails from "./el/emails.json";
import definitions from "./el/definitions.json";
import feeds from "./el/feeds.json";
import storefront from "./el/storefront.json";
import exports from "./el/exports.json";
import errors from "./el/errors.json";

export default { common, auth, customers, imports, admin, segments, unsubscribe, campaigns, automations, tasks, emails, definitions, feeds, storefront, exports, errors };
