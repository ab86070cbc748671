// How a provider's report moves a delivery: forward only, sent → delivered → read. A failure report
// counts only while the message is merely sent. A report of delivery or reading counts over a
// failure (providers' callbacks arrive out of order, and arrival is the stronger evidence). Rows
// that were never handed to a provider (queued, in flight, skipped, unknown, cancelled) do not move.
import type { DeliveryStatus } from "../../models/campaign-models";
import type { DeliveryReport } from "./events";

export interface DeliveryProgress {
  status: DeliveryStatus;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  error: string | null;
}

const MOVES_FROM: Record<DeliveryReport, readonly DeliveryStatus[]> = {
  queued: [],
  sent: [],
  delivered: ["sent", "failed"],
  read: ["sent", "delivered", "failed"],
  failed: ["sent"],
};

/** The statuses a report moves a delivery from. */
export function statusesMovedBy(report: DeliveryReport): readonly DeliveryStatus[] {
  return MOVES_FROM[report];
}

/** The delivery after a report that happened at `at`; null when the report changes nothing. */
export function progressAfter(current: DeliveryProgress, report: DeliveryReport, at: Date, error: string | null): DeliveryProgress | null {
  if (!MOVES_FROM[report].includes(current.status)) return null;
  switch (report) {
    case "delivered":
      return { ...current, status: "delivered", deliveredAt: current.deliveredAt ?? at, error: null };
    case "read":
      return { ...current, status: "read", deliveredAt: current.deliveredAt ?? at, readAt: current.readAt ?? at, error: null };
    case "failed":
      return { ...current, status: "failed", failedAt: current.failedAt ?? at, error: error ?? current.error };
    default:
      return null;
  }
}
