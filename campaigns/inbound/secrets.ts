/** The secrets the webhooks are verified with; a channel without its secret has no webhook (404). */
export interface WebhookSecrets {
  twilioAuthToken: string | null;
  messengerAppSecret: string | null;
  messengerVerifyToken: string | null;
  viberAuthToken: string | null;
}

/** The environment variables that hold them (.env.example). */
export interface WebhookEnv {
  TWILIO_AUTH_TOKEN?: string;
  MESSENGER_APP_SECRET?: string;
  MESSENGER_VERIFY_TOKEN?: string;
  VIBER_AUTH_TOKEN?: string;
}

const given = (value: string | null | undefined) => (value && value.trim() ? value.trim() : null);

/** The webhooks' secrets: those saved on the admin's channel settings page first, else the environment's. */
export function webhookSecrets(env: WebhookEnv, saved: Partial<WebhookSecrets> = {}): WebhookSecrets {
  return {
    twilioAuthToken: given(saved.twilioAuthToken) ?? given(env.TWILIO_AUTH_TOKEN),
    messengerAppSecret: given(saved.messengerAppSecret) ?? given(env.MESSENGER_APP_SECRET),
    messengerVerifyToken: given(saved.messengerVerifyToken) ?? given(env.MESSENGER_VERIFY_TOKEN),
    viberAuthToken: given(saved.viberAuthToken) ?? given(env.VIBER_AUTH_TOKEN),
  };
}
