// `npm run migrate [-- --database-url URL]`: brings the database up to date without starting the console.
import { parseArgs } from "node:util";
import { openDatabase } from "../../models/db";
import { loadConfig } from "../config";

const { values } = parseArgs({ options: { "database-url": { type: "string" } } });
const url = values["database-url"] ?? loadConfig().DATABASE_URL;
const db = await openDatabase(url, { migrate: true, log: (line) => console.log(`  ${line}`) });
await db.close();
console.log("Database up to date.");
