// The bell in the shell's header: the unread count (from the root loader, one indexed COUNT), and a
// small panel with the latest notifications, loaded from /notifications only when it is opened.
import { Form, Link, useFetcher, useLocation } from "@remix-run/react";
import { useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { NotificationsLoader } from "~/routes/notifications";
import { formatNumber } from "~/format";
import { RelativeTime } from "~/components/segments/parts";
import { notificationText } from "./words";

const SHOWN = 5;

function BellIcon() {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className="h-5 w-5" aria-hidden="true">
      <path
        fillRule="evenodd"
        d="M10 2a6 6 0 0 0-6 6c0 1.887-.454 3.665-1.257 5.234a.75.75 0 0 0 .515 1.076 32.91 32.91 0 0 0 3.256.508 3.5 3.5 0 0 0 6.972 0 32.903 32.903 0 0 0 3.256-.508.75.75 0 0 0 .515-1.076A11.448 11.448 0 0 1 16 8a6 6 0 0 0-6-6ZM8.05 14.943a33.54 33.54 0 0 0 3.9 0 2 2 0 0 1-3.9 0Z"
        clipRule="evenodd"
      />
    </svg>
  );
}

export function NotificationBell({ unread, locale }: { unread: number; locale: string }) {
  const { t } = useTranslation();
  const [isOpen, setOpen] = useState(false);
  const latest = useFetcher<NotificationsLoader>();
  const marking = useFetcher();
  const panelId = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const location = useLocation();

  // a page change closes the panel
  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!isOpen) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !wrapper.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [isOpen]);

  const toggle = () => {
    if (!isOpen) latest.load("/notifications");
    setOpen(!isOpen);
  };
  const items = latest.data?.page.notifications.slice(0, SHOWN) ?? [];
  const storeLocale = latest.data?.store.locale ?? locale;

  return (
    <div className="relative" ref={wrapper}>
      <button
        type="button"
        onClick={toggle}
        className="relative rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus:outline-none focus:ring-2 focus:ring-indigo-500"
        aria-label={t("notifications.bell", { count: unread })}
        aria-expanded={isOpen}
        aria-controls={panelId}
        data-testid="notification-bell"
      >
        <BellIcon />
        {unread > 0 && (
          <span className="absolute -right-1 -top-1 min-w-[1.25rem] rounded-full bg-red-600 px-1 text-center text-[11px] font-semibold leading-5 text-white" data-testid="notification-count">
            {unread > 99 ? "99+" : formatNumber(unread, locale)}
          </span>
        )}
      </button>
      {isOpen && (
        <div id={panelId} className="absolute left-0 top-full z-30 mt-2 w-80 rounded-lg border border-slate-200 bg-white shadow-lg" role="dialog" aria-label={t("notifications.title")} data-testid="notification-panel">
          <div className="flex items-center justify-between border-b border-slate-100 px-3 py-2">
            <span className="text-sm font-semibold text-slate-900">{t("notifications.title")}</span>
            {unread > 0 && (
              <marking.Form method="post" action="/notifications">
                <AuthenticityTokenInput />
                <button type="submit" name="intent" value="read-all" className="text-xs font-medium text-indigo-700 hover:underline">
                  {t("notifications.markAllRead")}
                </button>
              </marking.Form>
            )}
          </div>
          {latest.data === undefined ? (
            <p className="px-3 py-4 text-sm text-slate-500">…</p>
          ) : items.length === 0 ? (
            <p className="px-3 py-4 text-sm text-slate-500">{t("notifications.empty")}</p>
          ) : (
            <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
              {items.map((n) => (
                <li key={n.id}>
                  <Form method="post" action="/notifications">
                    <AuthenticityTokenInput />
                    <input type="hidden" name="id" value={n.id} />
                    <input type="hidden" name="to" value={n.link ?? "/notifications"} />
                    <button type="submit" name="intent" value="open" className="flex w-full gap-2 px-3 py-2 text-left hover:bg-slate-50">
                      <span className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${n.readAt === null ? "bg-indigo-600" : "bg-transparent"}`} aria-hidden="true" />
                      <span className="min-w-0">
                        <span className={`block text-sm ${n.readAt === null ? "font-medium text-slate-900" : "text-slate-600"}`}>{notificationText(n, t, storeLocale)}</span>
                        {latest.data && (
                          <span className="block text-xs text-slate-500">
                            <RelativeTime at={n.createdAt} now={latest.data.now} locale={storeLocale} timeZone={latest.data.store.timeZone} never="—" />
                          </span>
                        )}
                      </span>
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <Link to="/notifications" className="block border-t border-slate-100 px-3 py-2 text-center text-sm font-medium text-indigo-700 hover:bg-slate-50">
            {t("notifications.seeAll")}
          </Link>
        </div>
      )}
    </div>
  );
}
