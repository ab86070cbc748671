// `npm run user:reset-password -- <email> [--database-url URL]`: gives a user a new generated
// password, printed once, for when the first-start logins are lost. The user's open sessions end.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { z } from "zod/v4";
import { openDatabase } from "../../models/db";
import { generatePassword } from "../../models/passwords";
import { resetUserPassword } from "../../models/users.server";
import { loadConfig } from "../config";
import { boxed } from "../bootstrap";

const USAGE = "usage: npm run user:reset-password -- <email> [--database-url URL]";

/** Runs the command; returns the exit code. Lines go to `print`. */
export async function runResetPasswordCommand(argv: string[], print: (line: string) => void): Promise<number> {
  let parsed: { values: { "database-url"?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { "database-url": { type: "string" } }, allowPositionals: true });
  } catch (error) {
    print(`reset-password: ${(error as Error).message}`);
    print(USAGE);
    return 2;
  }
  if (parsed.positionals.length !== 1) {
    print(`reset-password: give exactly one email (got ${parsed.positionals.length})`);
    print(USAGE);
    return 2;
  }
  const email = z.email().safeParse(parsed.positionals[0].trim().toLowerCase());
  if (!email.success) {
    print(`reset-password: email: "${parsed.positionals[0]}" is not an email address`);
    return 2;
  }
  const url = parsed.values["database-url"] ?? loadConfig().DATABASE_URL;
  const db = await openDatabase(url, { migrate: true, pool: { max: 2 } });
  try {
    const user = await db.models.User.findOne({ where: { email: email.data }, attributes: ["id", "email", "role", "isActive"], raw: true });
    if (!user) {
      const emails = (await db.models.User.findAll({ attributes: ["email"], order: [["email", "ASC"]], raw: true })).map((u) => u.email);
      print(`reset-password: no user has the email ${email.data}; nothing changed.`);
      print(emails.length ? `The users are: ${emails.join(", ")}` : "There are no users yet: the first start of the console makes them.");
      return 1;
    }
    const password = generatePassword();
    const outcome = await resetUserPassword(db, { userId: user.id, password }, { userId: null, ip: null });
    if (!outcome.ok) {
      print(`reset-password: ${user.email} could not be changed (${outcome.reason}); nothing changed.`);
      return 1;
    }
    const lines = [`New password for ${user.email} (${user.role}), shown once:`, "", `  ${password}`, "", "Their open sessions have ended. Change it after signing in."];
    if (!user.isActive) lines.push("This user is deactivated: an admin must reactivate them under Admin → Users.");
    print(boxed(lines));
    return 0;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runResetPasswordCommand(process.argv.slice(2), (line) => console.log(line)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
