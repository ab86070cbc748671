// The task inbox, the task page, the dashboard's task figures and the tasks API reach the tasks through here (docs/decisions/0002).
export { commentOnTask, completeTask, getTask, reassignTask } from "../../automations/tasks.server";
export type { TaskViewer, TaskView } from "../../automations/tasks.server";
export {
  assignableUsers,
  countOwnOpenTasks,
  inboxPage,
  readInboxCursor,
  taskCounts,
  taskItem,
  taskOrigin,
  taskPageById,
  userNames,
} from "../../automations/task-inbox.server";
export type { TaskListItem } from "../../automations/task-inbox.server";

import type { Role } from "../../models/models";

/** What a role does with tasks: managers their own; admins every task; marketers read every task (SPEC's table gives them none to work). */
export const taskViewerOf = (user: { id: number; role: Role }) => ({ userId: user.id, canSeeAll: user.role !== "manager" });
export const mayWorkTasks = (role: Role) => role === "manager" || role === "admin";
