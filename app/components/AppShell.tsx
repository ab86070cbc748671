import { useEffect, useRef, useState } from "react";
import { Form, NavLink, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { SessionUser } from "../../models/users.server";
import type { Role } from "../../models/models";
import { NotificationBell } from "./notifications/NotificationBell";

interface NavItem {
  to: string;
  label: string;
  roles: Role[];
  /** A count beside the label (the open tasks), hidden at zero. */
  badge?: { count: number; label: string };
}

/** The signed-in frame: navigation for what this role may reach, the user, and log out. */
export function AppShell({
  user,
  storeName,
  unreadNotifications,
  openTasks,
  locale,
  mayExport = false,
  children,
}: {
  user: SessionUser;
  storeName: string;
  unreadNotifications: number;
  /** The user's own open tasks, for the badge beside "Tasks". */
  openTasks: number;
  /** The store's locale, for the bell's count. */
  locale: string;
  /** Whether the user may export (admins; marketers when the store allows it): the Exports page is in the menu. */
  mayExport?: boolean;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  const main: NavItem[] = [
    { to: "/", label: t("nav.dashboard"), roles: ["admin", "marketer", "manager"] },
    { to: "/tasks", label: t("nav.tasks"), roles: ["admin", "marketer", "manager"], badge: { count: openTasks, label: t("nav.openTasks", { count: openTasks }) } },
    { to: "/customers", label: t("nav.customers"), roles: ["admin", "marketer", "manager"] },
    { to: "/segments", label: t("nav.segments"), roles: ["admin", "marketer", "manager"] },
    { to: "/campaigns", label: t("nav.campaigns"), roles: ["admin", "marketer"] },
    { to: "/automations", label: t("nav.automations"), roles: ["admin", "marketer", "manager"] },
    { to: "/outbox", label: t("nav.outbox"), roles: ["admin", "marketer"] },
    { to: "/imports", label: t("nav.imports"), roles: ["admin", "marketer"] },
    { to: "/products", label: t("nav.products"), roles: ["admin", "marketer"] },
    ...(mayExport ? [{ to: "/exports", label: t("nav.exports"), roles: ["admin", "marketer"] satisfies Role[] }] : []),
  ];
  const admin: NavItem[] = [
    { to: "/admin/users", label: t("nav.users"), roles: ["admin"] },
    { to: "/admin/api-keys", label: t("nav.apiKeys"), roles: ["admin"] },
    { to: "/admin/audit", label: t("nav.audit"), roles: ["admin"] },
    { to: "/admin/jobs", label: t("nav.jobs"), roles: ["admin"] },
    { to: "/admin/store", label: t("nav.store"), roles: ["admin"] },
    { to: "/admin/fields", label: t("nav.fields"), roles: ["admin", "marketer"] },
    { to: "/admin/questions", label: t("nav.questions"), roles: ["admin", "marketer"] },
    { to: "/admin/channels", label: t("nav.channels"), roles: ["admin"] },
  ];
  const visible = (items: NavItem[]) => items.filter((i) => i.roles.includes(user.role));
  const link = ({ isActive }: { isActive: boolean }) =>
    `block rounded-md px-3 py-2 text-sm lg:py-1.5 ${isActive ? "bg-indigo-50 font-medium text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`;
  const menu = useDisclosure();
  return (
    <div className="min-h-full lg:flex">
      <aside onKeyDown={menu.onKeyDown} className="border-b border-slate-200 bg-white lg:flex lg:w-56 lg:shrink-0 lg:flex-col lg:border-b-0 lg:border-r">
        <div className="flex items-center justify-between gap-2 py-2 pl-4 pr-2 lg:items-start lg:border-b lg:border-slate-200 lg:py-3">
          <div className="min-w-0">
            <div className="text-sm font-semibold text-indigo-700">{t("appName")}</div>
            <div className="break-words text-xs text-slate-500" data-testid="current-store">
              {storeName}
            </div>
          </div>
          <div className="flex shrink-0 items-center gap-1">
            <NotificationBell unread={unreadNotifications} locale={locale} />
            <button
              ref={menu.buttonRef}
              type="button"
              className="btn-secondary lg:hidden"
              aria-expanded={menu.isOpen}
              aria-controls="main-menu"
              onClick={menu.toggle}
              data-testid="menu-button"
            >
              <MenuIcon isOpen={menu.isOpen} />
              {t("nav.menu")}
            </button>
          </div>
        </div>
        <div
          id="main-menu"
          ref={menu.panelRef}
          className={`${menu.isOpen ? "flex" : "hidden"} flex-col border-t border-slate-200 lg:flex lg:flex-1 lg:border-t-0`}
        >
          <nav className="flex-1 space-y-0.5 p-2" aria-label={t("nav.main")}>
            {visible(main).map((i) => (
              <NavLink key={i.to} to={i.to} end={i.to === "/"} className={(state) => `${link(state)} flex items-center justify-between gap-2`}>
                {i.label}
                {i.badge && i.badge.count > 0 && (
                  <span className="badge bg-indigo-600 tabular-nums text-white" title={i.badge.label} aria-label={i.badge.label} data-testid="nav-open-tasks">
                    {new Intl.NumberFormat(locale).format(i.badge.count)}
                  </span>
                )}
              </NavLink>
            ))}
            {visible(admin).length > 0 && (
              <>
                <div className="px-3 pb-1 pt-4 text-xs font-semibold uppercase tracking-wide text-slate-400">{t("nav.admin")}</div>
                {visible(admin).map((i) => (
                  <NavLink key={i.to} to={i.to} className={link}>
                    {i.label}
                  </NavLink>
                ))}
              </>
            )}
          </nav>
          <div className="border-t border-slate-200 p-3 text-sm">
            <NavLink to="/account" className="block break-words font-medium hover:text-indigo-700" data-testid="current-user" title={t("auth:account.title")}>
              {user.name}
            </NavLink>
            <div className="[overflow-wrap:anywhere] text-xs text-slate-500">{user.email}</div>
            <div className="text-xs text-slate-500">{t(`roles.${user.role}`)}</div>
            <Form method="post" action="/logout" className="mt-2">
              <AuthenticityTokenInput />
              <button type="submit" className="btn-secondary w-full justify-center">
                {t("nav.logout")}
              </button>
            </Form>
          </div>
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-4 sm:p-6">{children}</main>
    </div>
  );
}

/**
 * The phone and tablet menu: a button that opens the navigation below the top bar. Opening moves
 * focus to the first link, Escape closes it and gives focus back to the button, and following a
 * link closes it.
 */
function useDisclosure() {
  const [isOpen, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname, location.search]);
  useEffect(() => {
    if (isOpen) panelRef.current?.querySelector<HTMLElement>("a, button")?.focus();
  }, [isOpen]);
  return {
    isOpen,
    buttonRef,
    panelRef,
    toggle: () => setOpen((open) => !open),
    onKeyDown: (event: React.KeyboardEvent) => {
      if (event.key !== "Escape" || !isOpen) return;
      setOpen(false);
      buttonRef.current?.focus();
    },
  };
}

function MenuIcon({ isOpen }: { isOpen: boolean }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
      {isOpen ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 6h14M3 10h14M3 14h14" />}
    </svg>
  );
}
