import { json, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "../../models/zod";
import { msg, zmsg } from "../../models/messages";
import { FEED_FORMATS, type FeedFormat } from "../../models/feed-models";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { enableFeed, revokeFeed, rotateFeed, setFeedFormats } from "~/domain/feeds.server";
import { segmentIdParam } from "./segments.ui/editor.server";

const Formats = z
  .array(z.enum(FEED_FORMATS, zmsg("segments.feedFormat")))
  .min(1, zmsg("segments.chooseFormat"))
  .transform((f) => [...new Set(f)] as FeedFormat[]);

const FeedForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("enable"), formats: Formats }),
  z.object({ intent: z.literal("formats"), formats: Formats }),
  z.object({ intent: z.literal("rotate") }),
  z.object({ intent: z.literal("revoke") }),
]);

export type FeedActionData =
  | { ok: true; intent: "enable" | "rotate"; token: string; origin: string }
  | { ok: true; intent: "revoke" | "formats" }
  | { ok: false; error: string; field?: string };

/**
 * The segment page's feed panel posts here (admins only): enable, rotate, revoke, formats. The
 * token comes back in this answer alone; the page never loads it again.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const me = await requireRole(request, context, "admin");
  const id = segmentIdParam(params.id);
  const form = await readForm(request, context);
  const parsed = FeedForm.safeParse({ intent: form.get("intent"), formats: form.getAll("formats") });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "intent");
    return json<FeedActionData>({ ok: false, field, error: `${field}: ${issue?.message ?? msg("generic.invalid")}` }, { status: 400 });
  }
  const db = context.services.db;
  const actor = { userId: me.id, ip: context.clientIp };
  const now = new Date();
  const input = parsed.data;
  const refused = (reason: string) => {
    if (reason === "missing") throw new Response(msg("segments.noSuchSegment"), { status: 404, statusText: "Not Found" });
    const error = reason === "already_enabled" ? msg("segments.feedOnAlreadyForm") : msg("segments.feedOffForm");
    return json<FeedActionData>({ ok: false, error }, { status: 409 });
  };
  // the answer must never be cached: it carries the token
  const headers = { "Cache-Control": "no-store" };
  if (input.intent === "enable" || input.intent === "rotate") {
    const out = input.intent === "enable" ? await enableFeed(db, id, input.formats, actor, now) : await rotateFeed(db, id, actor, now);
    if (!out.ok) return refused(out.reason);
    return json<FeedActionData>({ ok: true, intent: input.intent, token: out.token, origin: new URL(request.url).origin }, { headers });
  }
  const out = input.intent === "revoke" ? await revokeFeed(db, id, actor, now) : await setFeedFormats(db, id, input.formats, actor, now);
  if (!out.ok) return refused(out.reason);
  return json<FeedActionData>({ ok: true, intent: input.intent }, { headers });
}
