// The console in Russian: every English key, in this language's plural forms (test/i18n/catalogues.test.ts).
import common from "./ru/common.json";
import auth from "./ru/auth.json";
import customers from "./ru/customers.json";
import imports from "./ru/imports.json";
import admin from "./ru/admin.json";
import segments from "./ru/segments.json";
import unsubscribe from "./ru/unsubscribe.json";
import campaigns from "./ru/campaigns.json";
import tasks from "./ru/tasks.json";
import automations from "./ru/automations.json";
import emails from "./ru/emails.json";
import definitions from "./ru/definitions.json";
import feeds from "./ru/feeds.json";
import storefront from "./ru/storefront.json";
import exports from "./ru/exports.json";
import errors from "./ru/errors.json";

export default { common, auth, customers, imports, admin, segments, unsubscribe, campaigns, automations, tasks, emails, definitions, feeds, storefront, exports, errors };
