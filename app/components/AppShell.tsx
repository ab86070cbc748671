import { Form, NavLink } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { SessionUser } from "../../models/users.server";
import type { Role } from "../../models/models";
import { NotificationBell } from "./notifications/NotificationBell";

interface NavItem {
  to: string;
  label: string;
  roles: Role[];
}

/** The signed-in frame: navigation for what this role may reach, the user, and log out. */
export function AppShell({
  user,
  storeName,
  unreadNotifications,
  locale,
  children,
}: {
  user: SessionUser;
  storeName: string;
  unreadNotifications: number;
  /** The store's locale, for the bell's count. */
  locale: string;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  const main: NavItem[] = [
    { to: "/", label: t("nav.dashboard"), roles: ["admin", "marketer", "manager"] },
    { to: "/customers", label: t("nav.customers"), roles: ["admin", "marketer", "manager"] },
    { to: "/segments", label: t("nav.segments"), roles: ["admin", "marketer", "manager"] },
    { to: "/imports", label: t("nav.imports"), roles: ["admin", "marketer"] },
  ];
  const admin: NavItem[] = [
    { to: "/admin/users", label: t("nav.users"), roles: ["admin"] },
    { to: "/admin/api-keys", label: t("nav.apiKeys"), roles: ["admin"] },
    { to: "/admin/audit", label: t("nav.audit"), roles: ["admin"] },
    { to: "/admin/jobs", label: t("nav.jobs"), roles: ["admin"] },
    { to: "/admin/store", label: t("nav.store"), roles: ["admin"] },
  ];
  const visible = (items: NavItem[]) => items.filter((i) => i.roles.includes(user.role));
  const link = ({ isActive }: { isActive: boolean }) =>
    `block rounded-md px-3 py-1.5 text-sm ${isActive ? "bg-indigo-50 font-medium text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`;
  return (
    <div className="flex min-h-full">
      <aside className="flex w-56 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="flex items-start justify-between gap-2 border-b border-slate-200 py-3 pl-4 pr-2">
          <div className="min-w-0">
            <div className="text-sm font-semibold text-indigo-700">{t("appName")}</div>
            <div className="truncate text-xs text-slate-500" data-testid="current-store">
              {storeName}
            </div>
          </div>
          <NotificationBell unread={unreadNotifications} locale={locale} />
        </div>
        <nav className="flex-1 space-y-0.5 p-2" aria-label="Main">
          {visible(main).map((i) => (
            <NavLink key={i.to} to={i.to} end={i.to === "/"} className={link}>
              {i.label}
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
          <NavLink to="/account" className="block truncate font-medium hover:text-indigo-700" data-testid="current-user" title={t("auth:account.title")}>
            {user.name}
          </NavLink>
          <div className="truncate text-xs text-slate-500" title={user.email}>
            {user.email}
          </div>
          <div className="text-xs text-slate-500">{t(`roles.${user.role}`)}</div>
          <Form method="post" action="/logout" className="mt-2">
            <AuthenticityTokenInput />
            <button type="submit" className="btn-secondary w-full justify-center">
              {t("nav.logout")}
            </button>
          </Form>
        </div>
      </aside>
      <main className="min-w-0 flex-1 p-6">{children}</main>
    </div>
  );
}
