import type { JobParameters } from "agenda";

/** Polls `condition` until it returns something truthy; fails after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(condition: () => T | Promise<T>, timeoutMs: number, what = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A job as Agenda's create() + schedule() would save it. */
export function newJob(overrides: Partial<JobParameters> = {}): JobParameters {
  return { name: "send-campaign", priority: 0, nextRunAt: new Date(), type: "normal", data: {}, ...overrides };
}

/** A promise with its resolve exposed: lets a test hold a running job until it says so. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
