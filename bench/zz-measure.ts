import { openDatabase } from "../models/db";
import { measureStorefront, startWeb } from "./storefront";
const ctx = { dialects: ["mysql" as const], mysqlUrl: "mysql://root@127.0.0.1:3306/test", log: (l: string) => console.log(l), record: (f: unknown) => console.log(JSON.stringify(f)) };
const db = Object.assign(await openDatabase(process.argv[2], { migrate: true }), { drop: async () => {} });
const web = await startWeb(db);
await measureStorefront(ctx, db, web);
await web.stop();
process.exit(0);
