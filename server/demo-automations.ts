// The demo store's automations: a "welcome back" email to lapsed buyers entering their segment, and
// a call task for the customer's manager when a big spender enters theirs. Both are made with
// createAutomation, as the page and the API make them, after their two segments have formed (a
// recompute now rather than the worker's first one, so the automations do not fire for every
// member of the first forming). So that the managers' inboxes are not empty on the first visit,
// the task automation then fires for the newest few entries into its segment: its starting point
// (since_event_id) is moved back to just before them, and the real follower and runner turn those
// events into firings and tasks, with the bell and the email each new task brings. Nothing else
// is backdated.
import type { ConsoleServices } from "../models/context";
import type { AutomationInputIn } from "../automations/definition";
import { createAutomation } from "../automations/automations.server";
import { followSegmentEvents, newFollowerState } from "../automations/follow.server";
import { runDueFirings } from "../automations/run.server";
import { recomputeSegment } from "../segments/recompute.server";

export const WELCOME_BACK_NAME = "Welcome back: lapsed buyers get 10% off";
export const CALL_TASK_NAME = "Call big spenders who just became VIPs";
/** The demo segments they watch (models/demo/segments.ts). */
const LAPSED = "lapsed-buyers";
const BIG_SPENDERS = "vip-big-spenders";
/** Tasks the first-start manager (manager@demo.store) finds waiting, and at most this many in all. */
const FIRST_MANAGER_TASKS = 3;
const MOST_TASKS = 12;

type Log = (line: string) => void;

/** Creates the demo automations and the first tasks on a store with no automations yet. */
export async function seedDemoAutomations(services: ConsoleServices, options: { userId: number | null; managerEmail: string; now: Date; log: Log }): Promise<void> {
  const { db } = services;
  if ((await db.models.Automation.count()) > 0) return;
  const segments = await db.models.Segment.findAll({ attributes: ["id", "code"], where: { code: [LAPSED, BIG_SPENDERS], deletedAt: null }, raw: true });
  const idOf = (code: string) => segments.find((s) => s.code === code)?.id;
  const lapsed = idOf(LAPSED);
  const bigSpenders = idOf(BIG_SPENDERS);
  if (!lapsed || !bigSpenders) {
    options.log("automations: none, the demo segments are missing");
    return;
  }
  for (const id of [lapsed, bigSpenders]) await recomputeSegment(services.segments, Number(id), options.now, "save");
  const manager = await db.models.User.findOne({ attributes: ["id"], where: { email: options.managerEmail, role: "manager" }, raw: true });
  const actor = { userId: options.userId };

  const welcomeBack: AutomationInputIn = {
    name: WELCOME_BACK_NAME,
    trigger: { segmentId: Number(lapsed), kind: "entered" },
    delay: { kind: "next_day_at", time: "10:00" },
    action: {
      kind: "message",
      channels: ["email"],
      templates: {
        email: {
          subject: "We miss you, {{ customer.first_name | default: 'friend' }}",
          htmlBody: "<p>Hi {{ customer.first_name | default: 'there' }},</p><p>It has been a while. Here is 10% off your next order at {{ store.name }}, this week only.</p>",
        },
      },
    },
    cap: { kind: "days", days: 180 },
    firingHours: { start: "09:00", end: "20:00" },
  };
  const made = await createAutomation(db, welcomeBack, actor, options.now, { queue: services.jobs });
  if (!made.ok) throw new Error(`demo automation: ${JSON.stringify(made)}`);

  const callTask: AutomationInputIn = {
    name: CALL_TASK_NAME,
    trigger: { segmentId: Number(bigSpenders), kind: "entered" },
    action: {
      kind: "task",
      title: "Thank a new VIP by phone",
      description:
        "{{ customer.first_name | default: 'This customer' }} has just joined our big spenders. Call to thank them, ask how their last order went, and offer early access to the new collection.",
      dueInHours: 48,
      // a big spender nobody manages is skipped (no_assignee), as the automation's report shows
      fallbackUserId: null,
    },
    cap: { kind: "once" },
  };
  const tasks = await createAutomation(db, callTask, actor, options.now, { queue: services.jobs });
  if (!tasks.ok) throw new Error(`demo automation: ${JSON.stringify(tasks)}`);

  const since = await firstEntriesToFire(services, Number(bigSpenders), manager ? Number(manager.id) : null);
  if (since === null) {
    options.log(`automations: "${WELCOME_BACK_NAME}" and "${CALL_TASK_NAME}", no entries to make tasks of`);
    return;
  }
  await db.models.Automation.update({ sinceEventId: since }, { where: { id: tasks.automation.id } });
  // the worker's follower and runner, run here once: the same firings, tasks, bells and emails
  const state = newFollowerState();
  for (let round = 0; round < 1000; round++) {
    const done = await followSegmentEvents(db, state, { now: options.now, monotonicMs: performance.now() });
    if (!done.isFull) break;
  }
  const run = await runDueFirings({ db, queue: services.jobs, clock: () => options.now, publicUrl: services.config.publicUrl, log: services.log }, "demo-first-start", { maxRunMs: 30_000 });
  options.log(`automations: "${WELCOME_BACK_NAME}" and "${CALL_TASK_NAME}", which made ${run.done} task(s) for the managers`);
}

/**
 * The id just before the newest entries into the segment that give the first-start manager
 * FIRST_MANAGER_TASKS tasks (at most MOST_TASKS tasks in all); null when it has none.
 */
async function firstEntriesToFire(services: ConsoleServices, segmentId: number, managerId: number | null): Promise<number | null> {
  const { db } = services;
  const events = await db.models.SegmentEvent.findAll({ attributes: ["id", "customerId"], where: { segmentId, kind: "entered" }, order: [["id", "DESC"]], limit: 500, raw: true });
  if (events.length === 0) return null;
  const customers = await db.models.Customer.findAll({ attributes: ["id", "managerId"], where: { id: events.map((e) => e.customerId) }, raw: true });
  const managerOf = new Map(customers.map((c) => [Number(c.id), c.managerId]));
  let oldest = Number(events[0].id);
  let taken = 0;
  let theirs = 0;
  for (const e of events) {
    if (taken >= MOST_TASKS || theirs >= FIRST_MANAGER_TASKS) break;
    oldest = Number(e.id);
    const manager = managerOf.get(e.customerId) ?? null;
    // a customer nobody manages makes a skipped firing, not a task
    if (manager !== null) taken++;
    if (managerId !== null && manager === managerId) theirs++;
  }
  return oldest - 1;
}
