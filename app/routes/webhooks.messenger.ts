import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answerMessengerVerification, receiveMessengerWebhook } from "~/domain/inbound.server";
import { secretsOf, serveWebhook, toResponse } from "~/inbound/webhook.server";

// GET: Meta checks the address with the verify token; POST: the page's events
export const loader = ({ request, context }: LoaderFunctionArgs) =>
  toResponse(answerMessengerVerification(secretsOf(context).messengerVerifyToken, new URL(request.url).searchParams));

export const action = ({ request, context }: ActionFunctionArgs) =>
  serveWebhook(request, (hook) => receiveMessengerWebhook(context.services.db, secretsOf(context).messengerAppSecret, hook, new Date()));
