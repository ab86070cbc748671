import type { QueryInterface, Sequelize } from "sequelize";
import { SequelizeStorage, Umzug } from "umzug";
import * as foundation from "./0001-foundation";
import * as customerListIndexes from "./0003-customer-list-indexes";
import * as customerSearchSortIndex from "./0003-customer-search-sort-index";
import * as foldSearchNames from "./0003-fold-search-names";
import * as apiPaging from "./0004-api-paging";
import * as jobs from "./0002-jobs";
import * as segments from "./0008-segments";
import * as importProgress from "./0005-import-progress";
import * as auditLookups from "./0007-audit-lookups";
import * as sessionVersion from "./0007-session-version";
import * as deferredIndexes from "./0006-deferred-indexes";
import * as notificationsOutbox from "./0011-notifications-outbox";
import * as segmentEvaluationErrors from "./0013-segment-evaluation-errors";
import * as userSessions from "./0012-user-sessions";
import * as customerListEdges from "./0019-customer-list-edges";
import * as campaigns from "./0014-campaigns";
import * as deliveryClaimsByChannel from "./0015-delivery-claims-by-channel";
import * as customerOrderTotals from "./0020-customer-order-totals";
import * as automations from "./0016-automations";
import * as questionTranslations from "./0022-question-translations";
import * as segmentFeedsAndRetention from "./0018-segment-feeds-and-retention";
import * as customerRights from "./0023-customer-rights";
import * as variantSegments from "./0021-variant-segments";
import * as exportsTable from "./0017-exports";

interface MigrationModule {
  up(qi: QueryInterface, sequelize: Sequelize): Promise<void>;
}

/** In order; a name never changes once it has shipped. */
const migrations: Array<[string, MigrationModule]> = [
  ["0001-foundation", foundation],
  ["0008-segments", segments],
  ["0005-import-progress", importProgress],
  ["0007-audit-lookups", auditLookups],
  ["0007-session-version", sessionVersion],
  ["0004-api-paging", apiPaging],
  ["0006-deferred-indexes", deferredIndexes],
  ["0002-jobs", jobs],
  ["0003-customer-list-indexes", customerListIndexes],
  ["0003-customer-search-sort-index", customerSearchSortIndex],
  ["0003-fold-search-names", foldSearchNames],
  ["0011-notifications-outbox", notificationsOutbox],
  ["0012-user-sessions", userSessions],
  ["0013-segment-evaluation-errors", segmentEvaluationErrors],
  ["0019-customer-list-edges", customerListEdges],
  ["0014-campaigns", campaigns],
  ["0015-delivery-claims-by-channel", deliveryClaimsByChannel],
  ["0020-customer-order-totals", customerOrderTotals],
  ["0016-automations", automations],
  ["0018-segment-feeds-and-retention", segmentFeedsAndRetention],
  ["0022-question-translations", questionTranslations],
  ["0023-customer-rights", customerRights],
  ["0021-variant-segments", variantSegments],
  ["0017-exports", exportsTable],
];

export function migrator(sequelize: Sequelize, log?: (line: string) => void) {
  return new Umzug<QueryInterface>({
    migrations: migrations.map(([name, module]) => ({
      name,
      up: ({ context }) => module.up(context, sequelize),
    })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: "schema_migrations" }),
    logger: log
      ? {
          info: (event) => {
            if (event.event === "migrated") log(`migrated ${String(event.name)} in ${String(event.durationSeconds)} s`);
          },
          warn: (event) => log(JSON.stringify(event)),
          error: (event) => log(JSON.stringify(event)),
          debug: () => {},
        }
      : undefined,
  });
}

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrate(sequelize: Sequelize, log?: (line: string) => void): Promise<string[]> {
  const done = await migrator(sequelize, log).up();
  return done.map((m) => m.name);
}
