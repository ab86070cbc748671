// What the three webhook routes share: POST only, the raw body read once (bounded), the secrets
// from the load context, and the domain's answer turned into a Response.
import type { AppLoadContext } from "@remix-run/node";
import { currentWebhookSecrets, webhookSecrets, type WebhookAnswer, type WebhookRequest } from "~/domain/inbound.server";
import { readBodyWithin } from "./body.server";

// providers post a few kilobytes; Messenger batches stay far below this
const MAX_BODY_BYTES = 1024 * 1024;

const plain = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });

export function toResponse(answer: WebhookAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: { "Content-Type": answer.contentType, "Cache-Control": "no-store" } });
}

/** The webhooks' secrets now: a channel's saved settings, else the environment's (server/main.ts puts those in the services). */
export function secretsOf(context: AppLoadContext) {
  const { db, config } = context.services;
  return currentWebhookSecrets(db, config.sessionSecret, config.webhooks ?? webhookSecrets({}));
}

export const onlyPost = () => plain(405, "Method not allowed: providers POST to this address.", { Allow: "POST" });

/** Reads the request's raw body and hands it, with its headers and path, to `receive`. */
export async function serveWebhook(request: Request, receive: (hook: WebhookRequest) => Promise<WebhookAnswer>): Promise<Response> {
  if (request.method !== "POST") return onlyPost();
  const rawBody = await readBodyWithin(request, MAX_BODY_BYTES);
  if (!rawBody) return plain(413, `The body is longer than ${MAX_BODY_BYTES} bytes.`);
  const url = new URL(request.url);
  return toResponse(await receive({ rawBody, header: (name) => request.headers.get(name), pathAndQuery: url.pathname + url.search }));
}
