// "Never two messages to one recipient", as a property: for any audience, any mix of provider
// answers, sender runs at once, batch sizes and runs that died holding claims, the sender's rows end
// as a plain model of the answers says, and no customer is taken a message twice.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect } from "../support/db";
import { JobQueue } from "../../jobs/job-queue";
import { startCampaign, type SendRecipient } from "../../campaigns/send.server";
import { runSender, MAX_SEND_ATTEMPTS, SEND_LEASE_MS } from "../../campaigns/sender.server";
import { claimDueDeliveries } from "../../campaigns/delivery-sql";
import { startStandIn, standInSenders, type StandIn } from "./stand-in";
import { createCampaign, deliveryKey, rowsByCustomer, senderDeps } from "./support";

/** How the provider treats one customer's messages. */
const BEHAVIOURS = ["ok", "busy-once", "busy-always", "refused", "cut-off", "skipped"] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

/** The model: what becomes of a customer's row, and how many messages the provider takes for them. */
function expected(behaviour: Behaviour, deadClaim: boolean): { status: string; taken: number } {
  if (behaviour === "skipped") return { status: "skipped", taken: 0 };
  if (deadClaim) return { status: "unknown", taken: 0 };
  switch (behaviour) {
    case "ok":
    case "busy-once":
      return { status: "sent", taken: 1 };
    case "busy-always":
    case "refused":
      return { status: "failed", taken: 0 };
    case "cut-off":
      return { status: "unknown", taken: 0 };
  }
}

describe(`never two messages to one recipient, on ${testDialect}`, () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let queue: JobQueue;
  let standIn: StandIn;

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = new JobQueue(db, { name: "property", processEveryMs: 1_000 });
    standIn = await startStandIn();
  });
  afterAll(async () => {
    await standIn.close();
    await db.drop();
  });

  it("whatever the answers, the runs at once and the runs that died", { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...BEHAVIOURS), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.record({ batchSize: fc.integer({ min: 1, max: 12 }), lanes: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }),
        async (behaviours, deadClaims, runs) => {
          let now = new Date("2026-06-01T08:00:00Z");
          const byAddress = new Map<string, Behaviour>();
          const recipients: SendRecipient[] = behaviours.map((behaviour, i) => {
            const address = `${behaviour}-${i + 1}@example.test`;
            byAddress.set(address, behaviour);
            return behaviour === "skipped"
              ? { customerId: i + 1, channel: "sms", address: null, skipReason: "unsubscribed", dueAt: now }
              : { customerId: i + 1, channel: "email", address, skipReason: null, dueAt: now };
          });
          standIn.reset();
          standIn.respond = (message, times) => {
            const behaviour = byAddress.get(message.to);
            if (behaviour === "busy-once" && times === 1) return { status: 503 };
            if (behaviour === "busy-always") return { status: 429 };
            if (behaviour === "refused") return { status: 422 };
            if (behaviour === "cut-off") return "drop";
            return { status: 200 };
          };
          const id = await createCampaign(db, now);
          await startCampaign(db, queue, id, recipients, now);
          // a run that claimed some rows and died before its provider calls
          const dead = deadClaims > 0 ? await claimDueDeliveries(db, { campaignId: id, runToken: "dead", now, limit: deadClaims }) : [];
          const deadIds = new Set(dead.map((d) => d.customerId));

          const deps = senderDeps(db, standInSenders(standIn.url), () => now);
          for (let round = 0; ; round++) {
            if (round > 4 * MAX_SEND_ATTEMPTS + 10) throw new Error("the campaign never finished");
            const results = await Promise.all(runs.map((r, i) => runSender(deps, id, `run-${round}-${i}`, { ...r, maxRunMs: 60_000 })));
            if (results.some((r) => r.state === "finished")) break;
            const next = results.map((r) => r.nextRunAt?.getTime()).filter((t): t is number => t !== undefined);
            now = new Date(Math.max(now.getTime() + 1, Math.min(...next, now.getTime() + SEND_LEASE_MS + 1)));
          }

          const rows = await rowsByCustomer(db, id);
          behaviours.forEach((behaviour, i) => {
            const customerId = i + 1;
            const want = expected(behaviour, deadIds.has(customerId));
            expect({ customerId, behaviour, status: rows.get(customerId)!.status }).toEqual({ customerId, behaviour, status: want.status });
            expect(standIn.taken.get(deliveryKey(id, customerId)) ?? 0).toBe(want.taken);
            // a message cut off, or claimed by the dead run, never reaches the provider again
            if (want.status === "unknown") expect(standIn.received.get(deliveryKey(id, customerId)) ?? 0).toBeLessThanOrEqual(1);
          });
          expect((await db.models.Campaign.findByPk(id, { raw: true }))!.status).toBe("finished");
        },
      ),
      { numRuns: 12 },
    );
  });
});
