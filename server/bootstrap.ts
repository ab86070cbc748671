import type { Database } from "../models/db";
import type { Role } from "../models/models";
import { countUsers, createUser } from "../models/users.server";
import { generatePassword } from "../models/passwords";
import { hasStoreSettings, saveStoreSettings } from "../models/store.server";
import { seedDemoStore } from "../models/demo/seed";
import { seedDemoSegments } from "../models/demo/segments";
import type { SegmentSaveHooks } from "../segments/store.server";
import type { ConsoleServices } from "../models/context";
import { seedDemoCampaigns } from "./demo-campaigns";
import { seedDemoAutomations } from "./demo-automations";

export interface FirstLogin {
  role: Role;
  email: string;
  password: string;
}

const FIRST_USERS: Array<{ role: Role; email: string; name: string }> = [
  { role: "admin", email: "admin@demo.store", name: "Ada Admin" },
  { role: "marketer", email: "marketer@demo.store", name: "Mila Marketer" },
  { role: "manager", email: "manager@demo.store", name: "Manol Manager" },
];

/**
 * On an empty database: store settings, one user per role (their passwords are returned to be
 * printed once), and, when asked, a demo store. On any later start it does nothing.
 */
export async function prepareFirstRun(
  db: Database,
  options: {
    demoCustomers: number;
    demoSeed: number;
    log: (line: string) => void;
    segmentHooks?: SegmentSaveHooks;
    /** The process's services: the demo store then gets its campaigns (one sent, one scheduled) and automations (with the managers' first tasks). */
    services?: ConsoleServices;
  },
): Promise<FirstLogin[]> {
  if ((await countUsers(db)) > 0) return [];
  if (!(await hasStoreSettings(db))) {
    await saveStoreSettings(db, { name: "Demo Store", timeZone: "Europe/Sofia", currency: "EUR", locale: "en" });
  }
  const logins: FirstLogin[] = [];
  const ids = new Map<Role, number>();
  for (const u of FIRST_USERS) {
    const password = generatePassword();
    const user = await createUser(db, { ...u, password });
    ids.set(u.role, user.id);
    logins.push({ role: u.role, email: u.email, password });
  }
  if (options.demoCustomers > 0) {
    await seedDemoStore(db, { customers: options.demoCustomers, seed: options.demoSeed, now: new Date(), log: options.log });
    // the marketer made them: theirs are the notifications when one takes long to form
    await seedDemoSegments(db, { userId: ids.get("marketer") ?? null }, options.segmentHooks ?? {}, options.log);
    if (options.services) {
      await seedDemoCampaigns(options.services, { userId: ids.get("marketer") ?? null, seed: options.demoSeed, now: new Date(), log: options.log });
      await seedDemoAutomations(options.services, { userId: ids.get("marketer") ?? null, managerEmail: "manager@demo.store", now: new Date(), log: options.log });
    }
  }
  return logins;
}

/** The first-start logins in a box of their own, so they stand apart from the log lines around them. */
export function formatLogins(logins: FirstLogin[], url: string): string {
  const width = Math.max(...logins.map((l) => l.email.length));
  return boxed([
    "First start: these logins are shown once.",
    "",
    ...logins.map((l) => `  ${l.role.padEnd(9)} ${l.email.padEnd(width)}  ${l.password}`),
    "",
    `Open ${url} and change the passwords under Admin → Users.`,
    "Lost them? npm run user:reset-password -- <email>",
  ]);
}

/** Lines in a box drawn with box-drawing characters, with a blank line before and after. */
export function boxed(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = "─".repeat(width + 2);
  return ["", `┌${rule}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${rule}┘`, ""].join("\n");
}
