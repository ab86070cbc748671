import { exponential, type Agenda, type Job } from "agenda";
import type { Transaction } from "sequelize";
import { deliverOutboxMessage, MAX_DELIVERY_ATTEMPTS } from "../models/notifications/deliver-email.server";
import { JOB_NAMES, type DeliverEmailJobData } from "./job-names";
import { jobOf, type JobQueue } from "./job-queue";
import type { WorkerDeps } from "./worker-deps";

/** Enqueues the delivery of an outbox email, in the transaction that wrote it. */
export function enqueueEmailDelivery(queue: JobQueue, messageId: number, now: Date, transaction?: Transaction) {
  return queue.save(jobOf<DeliverEmailJobData>(JOB_NAMES.deliverEmail, { messageId }, now), transaction);
}

/** Enqueues the deliveries of many outbox emails, one job each, in the transaction that wrote them (multi-row INSERTs). */
export function enqueueEmailDeliveries(queue: JobQueue, messageIds: number[], now: Date, transaction: Transaction) {
  return queue.saveNew(
    messageIds.map((messageId) => jobOf<DeliverEmailJobData>(JOB_NAMES.deliverEmail, { messageId }, now)),
    transaction,
  );
}

export function defineDeliverEmail(agenda: Agenda, deps: WorkerDeps) {
  agenda.define(
    JOB_NAMES.deliverEmail,
    async (job: Job<DeliverEmailJobData>) => {
      const outcome = await deliverOutboxMessage(deps.db, deps.mailer, job.attrs.data.messageId, deps.clock);
      if (outcome === "failed" || outcome === "unknown") deps.log.warn({ messageId: job.attrs.data.messageId, outcome }, "email not delivered");
    },
    // the message's own attempt count decides when to give up; Agenda's backoff spaces the attempts
    { concurrency: 2, lockLifetime: 2 * 60_000, removeOnComplete: true, backoff: exponential({ delay: 5_000, maxRetries: MAX_DELIVERY_ATTEMPTS }) },
  );
}
