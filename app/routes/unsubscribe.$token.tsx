// The unsubscribe link of every campaign message. GET only shows a confirmation page: mail scanners
// and link previews open links, and must not unsubscribe anyone. POST unsubscribes, with the body
// RFC 8058 prescribes (List-Unsubscribe=One-Click), from the page's button or straight from a mail
// client's one-click button; no session and no form token, since the signed link is the authority.
import { json, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "../../models/zod";
import { readUnsubscribeToken, unsubscribeByLink, unsubscribeLinkState } from "~/domain/inbound.server";
import { readBodyWithin } from "~/inbound/body.server";
import { getStoreSettings } from "~/domain/store.server";
import { titled, titleIn } from "~/title";

const OneClick = z.object({ "List-Unsubscribe": z.literal("One-Click") });
const MAX_BODY_BYTES = 16 * 1024;

export const meta: MetaFunction = ({ matches }) => [{ title: titleIn(matches, [titled("unsubscribe")]) }, { name: "robots", content: "noindex" }];

// nothing keeps a copy of the page (server/web.ts also sends it without a referrer)
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store", "X-Robots-Tag": "noindex" });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const link = readUnsubscribeToken(context.services.config.sessionSecret, params.token ?? "");
  const state = link ? await unsubscribeLinkState(context.services.db, link) : null;
  if (!state?.ok) return json({ page: "invalid" as const }, { status: 404 });
  const store = await getStoreSettings(context.services.db);
  return json({ page: state.isUnsubscribed ? ("done" as const) : ("confirm" as const), channel: state.channel, store: store.name });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const link = readUnsubscribeToken(context.services.config.sessionSecret, params.token ?? "");
  if (!link) return json({ page: "invalid" as const }, { status: 404 });
  const raw = await readBodyWithin(request, MAX_BODY_BYTES);
  const form = raw
    ? await new Response(raw, { headers: { "Content-Type": request.headers.get("content-type") ?? "" } }).formData().catch(() => null)
    : null;
  if (!form || !OneClick.safeParse(Object.fromEntries(form)).success) return json({ page: "badRequest" as const }, { status: 400 });
  const result = await unsubscribeByLink(context.services.db, link, new Date());
  if (!result.ok) return json({ page: "invalid" as const }, { status: 404 });
  return json({ page: "done" as const, channel: link.channel });
}

export default function Unsubscribe() {
  const { t } = useTranslation("unsubscribe");
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const navigation = useNavigation();
  const shown = acted ?? loaded;
  const store = "store" in loaded ? loaded.store : "";
  const channel = "channel" in shown ? t(`channels.${shown.channel}`) : "";
  const text = (key: string) => t(key, { store, channel });
  return (
    <main className="flex min-h-full items-center justify-center p-4">
      <div className="card w-full max-w-md space-y-4">
        {shown.page === "confirm" ? (
          <>
            <h1 className="page-title">{text("confirm.heading")}</h1>
            <p className="text-sm text-slate-700">{text("confirm.body")}</p>
            <Form method="post">
              <input type="hidden" name="List-Unsubscribe" value="One-Click" />
              <button type="submit" className="btn w-full justify-center" disabled={navigation.state !== "idle"}>
                {text("confirm.button")}
              </button>
            </Form>
          </>
        ) : (
          <div className="space-y-4" role={shown.page === "done" ? "status" : "alert"}>
            <h1 className="page-title">{text(`${shown.page}.heading`)}</h1>
            <p className="text-sm text-slate-700">{text(`${shown.page}.body`)}</p>
          </div>
        )}
      </div>
    </main>
  );
}
