// Child process of the segment bench: builds the fact index from a database cold and prints how
// long it took and how much memory the process holds afterwards, as one JSON line.
import { openDatabase } from "../models/db";
import { loadFactIndex } from "../segments/facts/load.server";

const [url, timeZone] = process.argv.slice(2);
const db = await openDatabase(url);
const before = process.memoryUsage().rss;
const started = performance.now();
const index = await loadFactIndex(db, timeZone);
const ms = performance.now() - started;
(globalThis as { gc?: () => void }).gc?.();
const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
console.log(JSON.stringify({ customers: index.size, ms, rssMb: rss / 2 ** 20, baselineRssMb: before / 2 ** 20, heapMb: heapUsed / 2 ** 20, arrayBuffersMb: arrayBuffers / 2 ** 20 }));
await db.close();
