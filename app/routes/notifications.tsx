import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { requireUser, safeRedirect } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { RelativeTime } from "~/components/segments/parts";
import { notificationText } from "~/components/notifications/words";
import { getNotifyByEmail, listNotifications, markNotificationsRead, setNotifyByEmail } from "~/domain/notifications.server";
import { Notice } from "./admin.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("notifications")) }];

const PAGE_SIZE = 20;
const notificationId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const CursorSchema = z.object({ before: z.preprocess((v) => (v === "" ? undefined : v), notificationId.optional()) });

const NotificationActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: notificationId }),
  z.object({ intent: z.literal("open"), id: notificationId, to: z.string().max(500) }),
  z.object({ intent: z.literal("read-all") }),
  z.object({ intent: z.literal("settings"), notifyByEmail: z.literal("on").optional() }),
]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const db = context.services.db;
  const parsed = CursorSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response(`The notifications page's "before" parameter is not valid.`, { status: 400, statusText: "Bad Request" });
  const before = parsed.data.before;
  const [page, notifyByEmail, store] = await Promise.all([
    listNotifications(db, user.id, { before, limit: PAGE_SIZE }),
    getNotifyByEmail(db, user.id),
    getStoreForReader(request, context),
  ]);
  return json({ now: new Date().toISOString(), page, isFirstPage: before === undefined, notifyByEmail, email: user.email, store });
}

type NotificationsActionData = { intent: string | null; marked?: number; saved?: boolean; field?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const form = await readForm(request, context);
  const db = context.services.db;
  const parsed = NotificationActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "form";
    return json<NotificationsActionData>({ intent: null, field }, { status: 400 });
  }
  const input = parsed.data;
  const now = new Date();
  switch (input.intent) {
    case "read":
      return json<NotificationsActionData>({ intent: input.intent, marked: await markNotificationsRead(db, user.id, [input.id], now) });
    case "open":
      // only the user's own notification is marked; the link leads within the console
      await markNotificationsRead(db, user.id, [input.id], now);
      throw redirect(safeRedirect(input.to, "/notifications"));
    case "read-all":
      return json<NotificationsActionData>({ intent: input.intent, marked: await markNotificationsRead(db, user.id, "all", now) });
    case "settings":
      await setNotifyByEmail(db, user.id, input.notifyByEmail === "on", now);
      return json<NotificationsActionData>({ intent: input.intent, saved: true });
  }
}

export type NotificationsLoader = typeof loader;

export default function Notifications() {
  const { page, isFirstPage, notifyByEmail, email, store, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const hasUnread = page.notifications.some((n) => n.readAt === null);

  let notice: React.ReactNode = null;
  if (actionData && actionData.intent === null) notice = <Notice tone="error">{t("notifications.badRequest")}</Notice>;
  else if (actionData?.intent === "read-all") notice = <Notice tone="success">{actionData.marked ? t("notifications.marked", { count: actionData.marked }) : t("notifications.nothingToMark")}</Notice>;
  else if (actionData?.saved) notice = <Notice tone="success">{t("notifications.settingsSaved")}</Notice>;

  return (
    <div className="max-w-3xl space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="page-title">{t("notifications.title")}</h1>
          <p className="text-sm text-slate-500">{t("notifications.subtitle")}</p>
        </div>
        {hasUnread && (
          <Form method="post">
            <AuthenticityTokenInput />
            <button type="submit" name="intent" value="read-all" className="btn-secondary" data-testid="mark-all-read">
              {t("notifications.markAllRead")}
            </button>
          </Form>
        )}
      </div>
      {notice}

      <section className="card p-0" data-testid="notifications">
        {page.notifications.length === 0 ? (
          <p className="p-6 text-sm text-slate-600">{isFirstPage ? t("notifications.empty") : t("notifications.noOlder")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {page.notifications.map((n) => {
              const isUnread = n.readAt === null;
              return (
                <li key={n.id} className={`flex items-start gap-3 px-4 py-3 ${isUnread ? "bg-indigo-50/40" : ""}`} data-testid={`notification-${n.id}`} data-unread={isUnread}>
                  <span className={`mt-1.5 h-2 w-2 shrink-0 rounded-full ${isUnread ? "bg-indigo-600" : "bg-transparent"}`} aria-hidden="true" />
                  <div className="min-w-0 flex-1">
                    <p className={`break-words text-sm ${isUnread ? "font-medium text-slate-900" : "text-slate-700"}`}>
                      {isUnread && <span className="sr-only">{t("notifications.unread")}: </span>}
                      {notificationText(n, t, store.locale)}
                    </p>
                    <p className="mt-0.5 text-xs text-slate-500">
                      <RelativeTime at={n.createdAt} now={now} locale={store.locale} timeZone={store.timeZone} never="—" />
                    </p>
                  </div>
                  <div className="flex shrink-0 gap-2">
                    {n.link && (
                      <Form method="post">
                        <AuthenticityTokenInput />
                        <input type="hidden" name="id" value={n.id} />
                        <input type="hidden" name="to" value={n.link} />
                        <button type="submit" name="intent" value="open" className="btn-secondary">
                          {t("notifications.open")}
                        </button>
                      </Form>
                    )}
                    {isUnread && (
                      <Form method="post">
                        <AuthenticityTokenInput />
                        <input type="hidden" name="id" value={n.id} />
                        <button type="submit" name="intent" value="read" className="btn-secondary">
                          {t("notifications.markRead")}
                        </button>
                      </Form>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      {(!isFirstPage || page.olderCursor !== null) && (
        <nav className="flex items-center justify-between" aria-label={t("notifications.title")}>
          {!isFirstPage ? (
            <Link to="/notifications" className="btn-secondary">
              ← {t("notifications.newest")}
            </Link>
          ) : (
            <span />
          )}
          {page.olderCursor !== null && (
            <Link to={`/notifications?before=${page.olderCursor}`} className="btn-secondary" rel="next">
              {t("notifications.older")} →
            </Link>
          )}
        </nav>
      )}

      <Form method="post" className="card flex flex-wrap items-center justify-between gap-3" data-testid="notification-settings">
        <AuthenticityTokenInput />
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="notifyByEmail" defaultChecked={notifyByEmail} className="mt-0.5 h-4 w-4 rounded border-slate-300" />
          <span>
            <span className="font-medium text-slate-900">{t("notifications.byEmail")}</span>
            <span className="block text-xs text-slate-500">{t("notifications.byEmailHelp", { email })}</span>
          </span>
        </label>
        <button type="submit" name="intent" value="settings" className="btn-secondary">
          {t("notifications.saveSettings")}
        </button>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
