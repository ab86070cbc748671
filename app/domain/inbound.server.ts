// Server code the webhook and unsubscribe routes reach, re-exported for them (docs/decisions/0002).
export { receiveTwilioWebhook, receiveMessengerWebhook, receiveViberWebhook, answerMessengerVerification } from "../../campaigns/inbound/receive.server";
export type { WebhookAnswer, WebhookRequest } from "../../campaigns/inbound/receive.server";
export { unsubscribeByLink, unsubscribeLinkState } from "../../campaigns/inbound/apply.server";
export { readUnsubscribeToken } from "../../campaigns/inbound/unsubscribe-token";
export { webhookSecrets } from "../../campaigns/inbound/secrets";
export { currentWebhookSecrets } from "../../campaigns/inbound/secrets.server";
