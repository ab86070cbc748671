// The bell, the notifications page and its settings reach the notifications through here (docs/decisions/0002).
export {
  countUnreadNotifications,
  listNotifications,
  markNotificationsRead,
  getNotifyByEmail,
  setNotifyByEmail,
} from "../../models/notifications/notifications.server";
export type { NotificationView } from "../../models/notifications/notifications.server";
