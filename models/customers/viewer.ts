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

/**
 * Whether the viewer sees this customer's details (contact, ids, a link to their page) and not only
 * their name: a manager does for the customers assigned to them, everyone else for every customer.
 */
export function seesDetailsOf(viewer: CustomerViewer, customer: { managerId: number | null }): boolean {
  const managerId = onlyCustomersOf(viewer);
  return managerId === null || customer.managerId === managerId;
}
