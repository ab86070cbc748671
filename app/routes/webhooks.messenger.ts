import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answerMessengerVerification, receiveMessengerWebhook } from "~/domain/inbound.server";
import { secretsOf, serveWebhook, toResponse } from "~/inbound/webhook.server";

// GET: Meta checks the address with the verify token; POST: the page's events
export const loader = async ({ request, context }: LoaderFunctionArgs) =>
  toResponse(answerMessengerVerification((await secretsOf(context)).messengerVerifyToken, new URL(request.url).searchParams));

export const action = ({ request, context }: ActionFunctionArgs) =>
  serveWebhook(request, async (hook) => receiveMessengerWebhook(context.services.db, (await secretsOf(context)).messengerAppSecret, hook, new Date()));
