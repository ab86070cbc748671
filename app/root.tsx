import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Links, LiveReload, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenProvider } from "remix-utils/csrf/react";
import stylesheet from "./tailwind.css";
import { formToken, getUser } from "./auth/session.server";
import { resolveLocale } from "./i18n.server";
import { intlLocale, loadLanguage } from "./i18n";
import { AppShell } from "./components/AppShell";
import { GeneralErrorBoundary } from "./components/GeneralErrorBoundary";
import { useNonce } from "./components/Nonce";
import { getStoreSettings } from "./domain/store.server";
import { countUnreadNotifications } from "./domain/notifications.server";
import { countOwnOpenTasks } from "./domain/tasks.server";
import { pageTitle } from "~/title";
import { mayExport } from "./domain/exports.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [user, locale, store] = await Promise.all([
    getUser(request, context),
    resolveLocale(request, context),
    getStoreSettings(context.services.db),
  ]);
  // the bell's badge: one COUNT on the (user_id, read_at) index
  const [unreadNotifications, openTasks, exports] = user
    ? await Promise.all([
        countUnreadNotifications(context.services.db, user.id),
        user.role === "marketer" ? 0 : countOwnOpenTasks(context.services.db, user.id),
        mayExport(context.services.db, user.role),
      ])
    : [0, 0, false];
  const [csrf, csrfCookie] = await formToken(request, context);
  return json(
    { user, locale, store, csrf, requestId: context.requestId, unreadNotifications, openTasks, mayExport: exports },
    { headers: csrfCookie ? { "Set-Cookie": csrfCookie } : {} },
  );
}

export type RootLoaderData = typeof loader;

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRootData();
  const { i18n } = useTranslation();
  const lang = data?.locale ?? i18n.language ?? "en";
  const nonce = useNonce();
  return (
    <html lang={lang} className="h-full bg-slate-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="h-full text-slate-900">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        {/* npm run dev only: reloads the page after a rebuild; renders nothing in production */}
        <LiveReload nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const data = useRootData();
  const { i18n } = useTranslation();
  // a language changed on the account page: its catalogues are fetched, then the page speaks it
  const locale = data?.locale;
  useEffect(() => {
    if (!locale || i18n.language === locale) return;
    void loadLanguage(locale).then((resources) => {
      for (const [language, catalogue] of Object.entries(resources))
        for (const [ns, bundle] of Object.entries(catalogue)) if (!i18n.hasResourceBundle(language, ns)) i18n.addResourceBundle(language, ns, bundle);
      return i18n.changeLanguage(locale);
    });
  }, [locale, i18n]);
  return (
    <AuthenticityTokenProvider token={data?.csrf ?? ""}>
      {data?.user ? (
        <AppShell user={data.user} storeName={data.store.name} unreadNotifications={data.unreadNotifications} openTasks={data.openTasks} locale={intlLocale(data.locale, data.store.locale)} mayExport={data.mayExport}>
          <Outlet />
        </AppShell>
      ) : (
        <Outlet />
      )}
    </AuthenticityTokenProvider>
  );
}

export function ErrorBoundary() {
  return (
    <div className="mx-auto max-w-2xl p-8">
      <GeneralErrorBoundary />
    </div>
  );
}
