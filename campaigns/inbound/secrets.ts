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

/** A secret as given: blank counts as none. */
export const givenSecret = (value: string | number | null | undefined) => (value !== undefined && value !== null && String(value).trim() ? String(value).trim() : null);

/** The webhooks' secrets from the environment (a channel's saved settings replace them: secrets.server.ts). */
export function webhookSecrets(env: WebhookEnv): WebhookSecrets {
  return {
    twilioAuthToken: givenSecret(env.TWILIO_AUTH_TOKEN),
    messengerAppSecret: givenSecret(env.MESSENGER_APP_SECRET),
    messengerVerifyToken: givenSecret(env.MESSENGER_VERIFY_TOKEN),
    viberAuthToken: givenSecret(env.VIBER_AUTH_TOKEN),
  };
}
