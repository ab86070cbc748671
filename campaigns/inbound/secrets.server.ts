// The webhooks' secrets at the moment a request comes in. A channel whose credentials are saved on
// the channels page sends through them (senders.server.ts), so the provider signs its callbacks with
// the secret saved beside them: the page's settings replace the environment's for that channel as
// a whole, as they do for sending. Read per request, so a save applies without a restart.
import type { Database } from "../../models/db";
import { readChannelSettings, usesSavedSettings } from "../channels/settings.server";
import { givenSecret, type WebhookSecrets } from "./secrets";

/** `fromEnv` with the secrets of each channel that sends through its saved settings in their place. */
export async function currentWebhookSecrets(db: Database, sessionSecret: string, fromEnv: WebhookSecrets): Promise<WebhookSecrets> {
  const sms = await readChannelSettings(db, "sms", sessionSecret);
  const messenger = await readChannelSettings(db, "messenger", sessionSecret);
  const viber = await readChannelSettings(db, "viber", sessionSecret);
  return {
    twilioAuthToken: usesSavedSettings("sms", sms) ? givenSecret(sms.values.authToken) : fromEnv.twilioAuthToken,
    // optional on the page: without it there, the saved app's callbacks cannot be checked (404)
    messengerAppSecret: usesSavedSettings("messenger", messenger) ? givenSecret(messenger.values.appSecret) : fromEnv.messengerAppSecret,
    // ours, not the provider's: only ever in the environment
    messengerVerifyToken: fromEnv.messengerVerifyToken,
    viberAuthToken: usesSavedSettings("viber", viber) ? givenSecret(viber.values.authToken) : fromEnv.viberAuthToken,
  };
}
