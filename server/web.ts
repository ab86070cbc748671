import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import express, { type NextFunction, type Request, type Response } from "express";
import compression from "compression";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { loggableUrl } from "./loggable-url";
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import type { ConsoleServices } from "../models/context";
import { loggableError } from "./loggable-error";
import { inScopeUntil } from "../models/request-scope.server";
// error messages in each request's language (models/messages.ts)
import "../models/i18n.server";

export interface WebOptions {
  services: ConsoleServices;
  trustProxy: boolean;
  /** The Remix server build; defaults to ./build/index.js. */
  build?: ServerBuild;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function loadRemixBuild(): Promise<ServerBuild> {
  return (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
}

/**
 * Under `npm run dev` (Remix's dev server in manual mode): the build is imported again after each
 * rebuild of app/, and the dev server told, so the browser reloads without a server restart.
 */
async function watchRemixBuild(): Promise<() => ServerBuild> {
  const file = path.resolve("build/index.js");
  const load = async () => (await import(`${pathToFileURL(file).href}?t=${fs.statSync(file).mtimeMs}`)) as ServerBuild;
  let current = await load();
  await broadcastDevReady(current);
  fs.watchFile(path.resolve("build/version.txt"), { interval: 250 }, () => {
    void load()
      .then(async (next) => {
        current = next;
        await broadcastDevReady(next);
      })
      .catch((error: unknown) => console.error("could not load the new build:", error));
  });
  return () => current;
}

/** The HTTP side: health, static assets, and every page and API route through Remix. */
export async function createWebApp({ services, trustProxy, build }: WebOptions) {
  const app = express();
  app.disable("x-powered-by");
  if (trustProxy) app.set("trust proxy", true);

  app.use(
    pinoHttp({
      logger: services.log,
      genReqId: (req, res) => {
        const incoming = req.headers["x-request-id"];
        const id = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url?.startsWith("/build/") === true },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
      serializers: { req: (req) => ({ id: req.id, method: req.method, url: loggableUrl(withoutFeedToken(req.url)) }), res: (res) => ({ statusCode: res.statusCode }), err: loggableError },
    }),
  );
  // each request's own scope: the route settles its language, and messages deep in the models follow
  // it; open until the response is done. The storefront lookup writes no message and is asked on
  // every product view: it runs outside any scope (models/request-scope.server.ts says why)
  app.use((req, res, next) => {
    if (req.path.startsWith("/api/v1/storefront/") || req.path.startsWith("/build/") || req.path === "/healthz") return next();
    inScopeUntil(next, (done) => {
      res.once("finish", done);
      res.once("close", done);
    });
  });
  // a fresh nonce per response for the scripts Remix inlines (hydration data, scroll restoration)
  app.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
          scriptSrcAttr: ["'none'"],
          connectSrc: ["'self'"],
          imgSrc: ["'self'", "data:"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // behind plain http (a test or a LAN install) upgrading would break every asset
          upgradeInsecureRequests: services.config.secureCookies ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: "same-origin" },
    }),
  );
  app.use(compression());
  app.use(refuseMalformedRequests);
  app.use("/unsubscribe/", unsubscribeLinkRequests);
  app.use("/feeds/", feedRequests);

  app.get("/healthz", async (_req, res) => {
    try {
      await services.db.sequelize.query("SELECT 1");
      res.json({ status: "ok" });
    } catch (error) {
      services.log.error({ err: error }, "health check failed");
      res.status(503).json({ status: "unavailable", reason: "database" });
    }
  });

  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.use(rejectCrossSiteWrites);

  const isDev = !build && process.env.NODE_ENV === "development" && Boolean(process.env.REMIX_DEV_ORIGIN);
  const remixBuild = build ?? (isDev ? await watchRemixBuild() : await loadRemixBuild());
  if (typeof remixBuild !== "function") {
    // asked on every view of a shop's product page: its loader is called straight, without Remix's
    // request handling, which costs more than the lookup itself (docs/decisions/0037)
    app.get("/api/v1/storefront/customers/:externalId", resourceLoader(remixBuild, "routes/api.v1.storefront.customers.$externalId", services));
  }
  app.all(
    "*",
    createRequestHandler({
      build: typeof remixBuild === "function" ? async () => remixBuild() : remixBuild,
      mode: typeof remixBuild === "function" ? "development" : remixBuild.mode,
      getLoadContext: (req, res) => ({
        services,
        requestId: String(req.id),
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        cspNonce: String(res.locals.cspNonce),
      }),
    }),
  );
  return app;
}

/**
 * The unsubscribe link's token is in its address: no page it leads to may learn it from a referrer.
 * Its one-click POST (RFC 8058) reaches a page route, and Remix aborts a page's POST whose Origin is
 * another site (a guard for cookie sessions); the signed link is that POST's whole authority and a
 * mail client may send it from its own site, so its Origin is dropped before Remix sees it.
 */
function unsubscribeLinkRequests(req: Request, res: Response, next: NextFunction) {
  res.setHeader("Referrer-Policy", "no-referrer");
  if (req.method === "POST") delete req.headers.origin;
  next();
}

/**
 * A secret feed's token is in its address (docs/decisions/0036): nothing under /feeds/ is cached,
 * indexed or passed on as a referrer, whatever the answer (data, 404, 429, 500).
 */
function feedRequests(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Robots-Tag", "noindex");
  res.setHeader("Referrer-Policy", "no-referrer");
  next();
}

/** The request line as logged: a feed's token is its whole authority, so it never reaches a log. */
export function withoutFeedToken(url: string | undefined): string | undefined {
  return url?.replace(/^\/feeds\/[^/?#]*/, "/feeds/[token]");
}

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Requests no page or endpoint can mean get a 400 here, as JSON for the API, instead of failing
 * deeper: a Host that is not a host name (Remix builds the request URL from it), a path with a
 * broken %-escape, and Remix's `_data` parameter on the API, which is not a Remix data request.
 */
function refuseMalformedRequests(req: Request, res: Response, next: NextFunction) {
  const isApi = req.path.startsWith("/api/");
  const refuse = (field: string, reason: string) => {
    if (isApi) res.status(400).json({ error: { code: "bad_request", message: `${field} ${reason}`, fields: [{ field, reason }], requestId: String(req.id) } });
    else res.status(400).type("text/plain").send(`Bad request: ${field} ${reason}.`);
  };
  if (!HOST.test(req.headers.host ?? "")) return refuse("Host", "is not a valid host name");
  try {
    decodeURIComponent(req.path);
  } catch {
    return refuse("path", "has a broken %-escape");
  }
  if (isApi && "_data" in req.query) return refuse("_data", "is not a parameter of the API");
  next();
}

/** Writes that carry their own authority instead of a cookie: API keys, providers' signatures, signed unsubscribe links. */
const NO_COOKIE_WRITES = ["/api/", "/webhooks/", "/unsubscribe/"];

/**
 * A browser sends Origin with every cross-site POST; pages only accept writes from their own origin.
 * This backs up the CSRF token in every form. The API, the providers' webhooks and the one-click
 * unsubscribe (RFC 8058: a mail client may post it from its own page) are exempt: none acts on a
 * cookie's behalf.
 */
function rejectCrossSiteWrites(req: Request, res: Response, next: NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || NO_COOKIE_WRITES.some((p) => req.path.startsWith(p))) return next();
  const origin = req.headers.origin;
  if (!origin) return next();
  const host = req.headers["x-forwarded-host"] && req.app.get("trust proxy") ? String(req.headers["x-forwarded-host"]) : req.headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = "";
  }
  if (originHost !== host) {
    res.status(403).type("text/plain").send("Cross-site form submissions are not accepted.");
    return;
  }
  next();
}

/**
 * A GET of one resource route (an API endpoint: no session, no page), answered by calling the
 * route's loader with the context Remix would give it. The route keeps its own checks and answers;
 * only Remix's matching and response streaming are skipped.
 */
function resourceLoader(build: ServerBuild, routeId: string, services: ConsoleServices) {
  const loader = build.routes[routeId]?.module.loader;
  if (!loader) throw new Error(`no loader in the Remix build for ${routeId}`);
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      }
      const request = new Request(`${req.protocol}://${req.headers.host}${req.originalUrl}`, { method: "GET", headers });
      const context = { services, requestId: String(req.id), clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown", cspNonce: String(res.locals.cspNonce) };
      const response = (await loader({ request, params: req.params, context } as never)) as globalThis.Response;
      res.status(response.status);
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      next(error);
    }
  };
}
