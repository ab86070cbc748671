import { createCookie, createCookieSessionStorage, redirect, type AppLoadContext, type SessionStorage } from "@remix-run/node";
import { CSRF } from "remix-utils/csrf/server";
import { getSessionStamp, getSessionUser, type SessionUser } from "../../models/users.server";
import type { Role } from "../../models/models";

const SESSION_MAX_AGE_S = 60 * 60 * 12;

interface AuthKit {
  sessions: SessionStorage;
  csrf: CSRF;
}

const kits = new Map<string, AuthKit>();

/** The cookie session storage and CSRF checker for this process's secret. */
export function authKit(context: AppLoadContext): AuthKit {
  const { sessionSecret, secureCookies } = context.services.config;
  const key = `${sessionSecret}|${secureCookies}`;
  let kit = kits.get(key);
  if (!kit) {
    const cookie = { httpOnly: true, sameSite: "lax" as const, secure: secureCookies, path: "/", secrets: [sessionSecret] };
    kit = {
      sessions: createCookieSessionStorage({ cookie: { name: "__session", maxAge: SESSION_MAX_AGE_S, ...cookie } }),
      csrf: new CSRF({ cookie: createCookie("__csrf", cookie), secret: sessionSecret }),
    };
    kits.set(key, kit);
  }
  return kit;
}

export async function getSession(request: Request, context: AppLoadContext) {
  return authKit(context).sessions.getSession(request.headers.get("Cookie"));
}

/** The signed-in, still active user whose password has not changed since they signed in, or null. */
export async function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  const session = await getSession(request, context);
  const userId = session.get("userId");
  const stamp = session.get("stamp");
  if (typeof userId !== "number" || typeof stamp !== "string") return null;
  return getSessionUser(context.services.db, userId, stamp);
}

/** The signed-in user; anyone else is sent to the login page and brought back afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  return user;
}

/** The signed-in user if their role is one of `roles`; otherwise a 403 response. */
export async function requireRole(request: Request, context: AppLoadContext, ...roles: Role[]): Promise<SessionUser> {
  const user = await requireUser(request, context);
  if (!roles.includes(user.role)) {
    throw new Response("Forbidden: your role may not open this page.", { status: 403, statusText: "Forbidden" });
  }
  return user;
}

/** A cookie that signs this user in, tied to their current password (see sessionStampOf). */
export async function commitUserSession(request: Request, context: AppLoadContext, userId: number): Promise<string> {
  const { sessions } = authKit(context);
  const stamp = await getSessionStamp(context.services.db, userId);
  if (!stamp) throw new Error(`no user ${userId} to sign in`);
  const session = await sessions.getSession(request.headers.get("Cookie"));
  session.set("userId", userId);
  session.set("stamp", stamp);
  return sessions.commitSession(session);
}

export async function createUserSession(request: Request, context: AppLoadContext, userId: number, redirectTo: string) {
  return redirect(redirectTo, { headers: { "Set-Cookie": await commitUserSession(request, context, userId) } });
}

export async function destroyUserSession(request: Request, context: AppLoadContext) {
  const { sessions } = authKit(context);
  const session = await sessions.getSession(request.headers.get("Cookie"));
  return redirect("/login", { headers: { "Set-Cookie": await sessions.destroySession(session) } });
}

/** Only same-site paths; anything else (//evil.example, https://…) goes home. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
