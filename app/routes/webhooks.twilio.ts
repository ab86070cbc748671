import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveTwilioWebhook } from "~/domain/inbound.server";
import { onlyPost, secretsOf, serveWebhook } from "~/inbound/webhook.server";

// Twilio's status callbacks and incoming messages; it signs the public address it was given
export const loader = onlyPost;

export const action = ({ request, context }: ActionFunctionArgs) =>
  serveWebhook(request, async (hook) => receiveTwilioWebhook(context.services.db, (await secretsOf(context)).twilioAuthToken, context.services.config.publicUrl, hook, new Date()));
