// A process that recomputes one segment and dies half-way, for test/worker/abandoned-recompute.test.ts:
//   node --import tsx test/worker/recompute-process.ts <database url> <segment id> <moment>
// It writes the difference 50 members a batch; after the second batch (inside the write
// transaction) it prints "midway" and waits there until the test kills it.
import { openDatabase } from "../../models/db";
import { SegmentEngine } from "../../segments/engine.server";
import { recomputeSegment } from "../../segments/recompute.server";

const [url, segmentId, moment] = process.argv.slice(2);
const db = await openDatabase(url, { pool: { max: 3 } });
await recomputeSegment(new SegmentEngine(db), Number(segmentId), new Date(moment), "schedule", {
  batchSize: 50,
  afterBatch: async ({ written }) => {
    if (written < 100) return;
    console.log("midway");
    await new Promise(() => {});
  },
});
