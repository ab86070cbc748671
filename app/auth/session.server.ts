import crypto from "node:crypto";
import { createCookieSessionStorage, redirect, type AppLoadContext, type Session, type SessionStorage } from "@remix-run/node";
import { settleLanguage } from "../language.server";
import { msg } from "../../models/messages";
import { getSessionStamp, getSessionUser, type SessionUser } from "../../models/users.server";
import { closeUserSession, isUserSessionOpen, openUserSession } from "../../models/sessions.server";
import type { Role } from "../../models/models";

const SESSION_MAX_AGE_S = 60 * 60 * 12;

interface SessionData {
  userId: number;
  /** Ties the session to the user's password and session version (sessionStampOf). */
  stamp: string;
  /** The row in user_sessions; signing out deletes it. */
  sessionId: string;
  /** The form token: every form of this session carries it (AuthenticityTokenInput), no other session's does. */
  csrf: string;
}

type ConsoleSession = Session<SessionData>;

const storages = new Map<string, SessionStorage<SessionData>>();

/** The signed cookie session storage for this process's secret. */
function sessionStorage(context: AppLoadContext): SessionStorage<SessionData> {
  const { sessionSecret, secureCookies } = context.services.config;
  const key = `${sessionSecret}|${secureCookies}`;
  let storage = storages.get(key);
  if (!storage) {
    storage = createCookieSessionStorage<SessionData>({
      cookie: { name: "__session", httpOnly: true, sameSite: "lax", secure: secureCookies, path: "/", secrets: [sessionSecret], maxAge: SESSION_MAX_AGE_S },
    });
    storages.set(key, storage);
  }
  return storage;
}

export async function getSession(request: Request, context: AppLoadContext): Promise<ConsoleSession> {
  return sessionStorage(context).getSession(request.headers.get("Cookie"));
}

const newFormToken = () => crypto.randomBytes(32).toString("base64url");

/** The signed-in, still active user of a session that was not signed out and whose password has not changed since, or null. */
export async function getUser(request: Request, context: AppLoadContext): Promise<SessionUser | null> {
  const session = await getSession(request, context);
  const userId = session.get("userId");
  const stamp = session.get("stamp");
  const sessionId = session.get("sessionId");
  if (typeof userId !== "number" || typeof stamp !== "string" || typeof sessionId !== "string") return null;
  const db = context.services.db;
  if (!(await isUserSessionOpen(db, sessionId, userId))) return null;
  return getSessionUser(db, userId, stamp);
}

/** The signed-in user; anyone else is sent to the login page and brought back afterwards. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await getUser(request, context);
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(back === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(back)}`);
  }
  // what the route then writes (its form's errors) is in this user's language
  await settleLanguage(request, context, user);
  return user;
}

/** The signed-in user if their role is one of `roles`; otherwise a 403 response. */
export async function requireRole(request: Request, context: AppLoadContext, ...roles: Role[]): Promise<SessionUser> {
  const user = await requireUser(request, context);
  if (!roles.includes(user.role)) {
    throw new Response(msg("ingest.roleForbidden"), { status: 403, statusText: "Forbidden" });
  }
  return user;
}

/**
 * A cookie that signs this user in with a new session, tied to their current password (see
 * sessionStampOf) and with a new form token; the session the request came with, if any, ends.
 */
export async function commitUserSession(request: Request, context: AppLoadContext, userId: number): Promise<string> {
  const db = context.services.db;
  const stamp = await getSessionStamp(db, userId);
  if (!stamp) throw new Error(`no user ${userId} to sign in`);
  const session = await getSession(request, context);
  const previous = session.get("sessionId");
  session.set("sessionId", await openUserSession(db, userId, SESSION_MAX_AGE_S));
  if (typeof previous === "string") await closeUserSession(db, previous);
  session.set("userId", userId);
  session.set("stamp", stamp);
  session.set("csrf", newFormToken());
  return sessionStorage(context).commitSession(session);
}

export async function createUserSession(request: Request, context: AppLoadContext, userId: number, redirectTo: string) {
  return redirect(redirectTo, { headers: { "Set-Cookie": await commitUserSession(request, context, userId) } });
}

/** Signs out: the session ends on the server too, so a copy of its cookie signs nobody in. */
export async function destroyUserSession(request: Request, context: AppLoadContext) {
  const session = await getSession(request, context);
  const sessionId = session.get("sessionId");
  if (typeof sessionId === "string") await closeUserSession(context.services.db, sessionId);
  return redirect("/login", { headers: { "Set-Cookie": await sessionStorage(context).destroySession(session) } });
}

/**
 * The form token of this visitor's session, signed in or not (the login form needs one too), and the
 * cookie to set when the session had none yet.
 */
export async function formToken(request: Request, context: AppLoadContext): Promise<[token: string, setCookie: string | null]> {
  const session = await getSession(request, context);
  const token = session.get("csrf");
  if (typeof token === "string" && token) return [token, null];
  const fresh = newFormToken();
  session.set("csrf", fresh);
  return [fresh, await sessionStorage(context).commitSession(session)];
}

/** Whether a posted token is this session's form token. */
export async function isFormTokenOfSession(request: Request, context: AppLoadContext, posted: FormDataEntryValue | null): Promise<boolean> {
  const expected = (await getSession(request, context)).get("csrf");
  if (typeof expected !== "string" || !expected || typeof posted !== "string") return false;
  const [a, b] = [Buffer.from(expected), Buffer.from(posted)];
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

// C0 and C1 controls, every kind of Unicode space (U+3000 included), and the invisible format characters
// (bidi overrides, zero-width joiners): a browser drops or mangles some of these before resolving a URL.
const CONTROL_OR_SPACE = /[\p{Cc}\p{Cf}\p{Z}\s]/u;
const THIS_ORIGIN = "http://console.invalid";

/**
 * Where to send the browser after signing in: a path on this site, or `fallback`. The path is checked
 * the way the browser will read it, by the WHATWG URL parser resolving it against this origin, and is
 * returned in the parser's normal form, so what the browser resolves is exactly what was checked.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || CONTROL_OR_SPACE.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, THIS_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== THIS_ORIGIN) return fallback;
  const path = url.pathname + url.search + url.hash;
  // "/.//evil.example" resolves to the path "//evil.example", which on its own would name another host
  if (path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}
