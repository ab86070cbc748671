// What the access tests share: the routes of the Remix build (so a route added later is walked
// too), signing in through the login form, and a form's CSRF token read from its hidden input.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { expect } from "vitest";
import type { Database } from "../../models/db";
import { createImport } from "../../models/imports/imports.server";

export interface BuiltRoute {
  id: string;
  /** The URL pattern, from the root: "/segments/:id". */
  pattern: string;
  params: string[];
  hasLoader: boolean;
  hasAction: boolean;
}

/** Every route of build/index.js (run `npx remix build` first; `npm test` does). */
export async function builtRoutes(): Promise<BuiltRoute[]> {
  const build = (await import(path.resolve("build/index.js"))) as {
    routes: Record<string, { id: string; path?: string; parentId?: string; index?: boolean; module: { loader?: unknown; action?: unknown } }>;
  };
  const patternOf = (id: string): string => {
    const route = build.routes[id];
    const parent = route.parentId ? patternOf(route.parentId) : "";
    return route.path ? `${parent.replace(/\/$/, "")}/${route.path}` : parent || "/";
  };
  return Object.values(build.routes).map((r) => {
    const pattern = patternOf(r.id);
    return {
      id: r.id,
      pattern,
      params: [...pattern.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*"),
      hasLoader: typeof r.module.loader === "function",
      hasAction: typeof r.module.action === "function",
    };
  });
}

/** The route's URL with these values for its parameters. */
export function fillPattern(pattern: string, values: Record<string, string | number>): string {
  return pattern.replace(/:(\w+)|\*/g, (_, name: string | undefined) => encodeURIComponent(String(values[name ?? "*"])));
}

export const cookiesOf = (res: request.Response): string[] => ((res.headers["set-cookie"] as unknown as string[] | undefined) ?? []).map((c) => c.split(";")[0]);

/** The value of the page's hidden CSRF input (remix-utils' AuthenticityTokenInput, name "csrf"). */
export function csrfInputOf(html: string): string {
  const input = [...html.matchAll(/<input[^>]*>/g)].map((m) => m[0]).find((tag) => /name="csrf"/.test(tag));
  const token = input && /value="([^"]*)"/.exec(input)?.[1];
  expect(token, "the page has a hidden csrf input").toBeTruthy();
  return token!;
}

/** Joins cookie pairs, a later one replacing an earlier one of the same name. */
export function mergeCookies(...lists: string[][]): string {
  const jar = new Map<string, string>();
  for (const pair of lists.flat()) jar.set(pair.slice(0, pair.indexOf("=")), pair);
  return [...jar.values()].join("; ");
}

/** A browser-like visitor: the cookies it holds, and a way to get a page's form token with them. */
export class Visitor {
  constructor(
    private readonly url: string,
    public cookies: string[] = [],
  ) {}

  get cookieHeader(): string {
    return mergeCookies(this.cookies);
  }

  keep(res: request.Response): void {
    this.cookies = mergeCookies(this.cookies, cookiesOf(res)).split("; ").filter(Boolean);
  }

  /** GETs the page and returns the token of its hidden csrf input, keeping the cookies it sets. */
  async formToken(pagePath: string): Promise<string> {
    const res = await request(this.url).get(pagePath).set("Cookie", this.cookieHeader).expect(200);
    this.keep(res);
    return csrfInputOf(res.text);
  }

  /** Signs in through the login form. */
  static async signIn(url: string, email: string, password: string): Promise<Visitor> {
    const visitor = new Visitor(url);
    const csrf = await visitor.formToken("/login");
    const res = await request(url).post("/login").set("Cookie", visitor.cookieHeader).type("form").send({ email, password, csrf, redirectTo: "/" }).expect(302);
    visitor.keep(res);
    expect(visitor.cookies.some((c) => c.startsWith("__session="))).toBe(true);
    return visitor;
  }
}

/** Every row of every table, to prove that a refused request changed nothing (not only counted nothing). */
export async function tableContents(db: Database): Promise<string> {
  const contents: Record<string, unknown[]> = {};
  for (const [name, model] of Object.entries(db.models)) {
    contents[name] = await (model as unknown as { findAll(o: object): Promise<unknown[]> }).findAll({ raw: true, order: [[(model as unknown as { primaryKeyAttributes: string[] }).primaryKeyAttributes[0] ?? "id", "ASC"]] });
  }
  return JSON.stringify(contents);
}

/** An uploaded CSV import of these lines, as the import page would have made it. */
export async function addImport(db: Database, userId: number, lines: string[]): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "access-import-"));
  const filePath = path.join(dir, "customers.csv");
  fs.writeFileSync(filePath, lines.join("\n") + "\n");
  const out = await createImport(db, { userId, fileName: "customers.csv", filePath, fileSize: fs.statSync(filePath).size });
  if (!out.ok) throw new Error(`import not created: ${out.problem}`);
  return out.id;
}
