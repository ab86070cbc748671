import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveViberWebhook } from "~/domain/inbound.server";
import { onlyPost, secretsOf, serveWebhook } from "~/inbound/webhook.server";

export const loader = onlyPost;

export const action = ({ request, context }: ActionFunctionArgs) =>
  serveWebhook(request, async (hook) => receiveViberWebhook(context.services.db, (await secretsOf(context)).viberAuthToken, hook, new Date()));
