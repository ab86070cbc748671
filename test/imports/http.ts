import type { TestApp } from "../support/app";
import { createUser } from "../../models/users.server";
import type { Role } from "../../models/models";

/** A signed-in browser stand-in for one role: keeps its cookies and reads the CSRF token from pages. */
export async function signIn(app: TestApp, role: Role) {
  const email = `${role}-${Math.random().toString(36).slice(2)}@shop.test`;
  const password = "pw-long-enough-123";
  const user = await createUser(app.db, { email, name: `${role[0].toUpperCase()}${role.slice(1)} Person`, password, role });
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  };
  const get = async (path: string) => remember(await fetch(app.url + path, { headers: { Cookie: cookie() }, redirect: "manual" }));
  const tokenFrom = async (path: string) => {
    const html = await (await get(path)).text();
    const token = html.match(/name="csrf" value="([^"]+)"/)?.[1];
    if (!token) throw new Error(`no CSRF token on ${path}`);
    return token;
  };
  const post = async (path: string, body: FormData | URLSearchParams) =>
    remember(await fetch(app.url + path, { method: "POST", body, headers: { Cookie: cookie() }, redirect: "manual" }));

  const login = new URLSearchParams({ email, password, csrf: await tokenFrom("/login"), redirectTo: "/" });
  const res = await post("/login", login);
  if (res.status !== 302) throw new Error(`login failed: ${res.status}`);
  return {
    /** The signed-in user's id. */
    id: user.id,
    get,
    post,
    cookie,
    tokenFrom,
    /** Posts a form with the CSRF token of `tokenPage` (the page the form is on). */
    async submit(path: string, fields: Record<string, string | string[]>, tokenPage = path.split("?")[0]) {
      const body = new URLSearchParams({ csrf: await tokenFrom(tokenPage) });
      for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
      return post(path, body);
    },
  };
}
