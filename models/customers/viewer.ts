import type { Role } from "../models";

/** Who is looking at customers: a manager sees only the customers assigned to them. */
export interface CustomerViewer {
  id: number;
  role: Role;
}

/** The manager whose customers alone this viewer may see, or null when they may see every customer. */
export function onlyCustomersOf(viewer: CustomerViewer): number | null {
  return viewer.role === "manager" ? viewer.id : null;
}
