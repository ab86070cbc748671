// A stand-in for the Graph API's Messenger Send API (POST /{version}/me/messages), enough for
// messaging-api-messenger's sendText: the page access token in the query, appsecret_proof when the
// app has a secret, a JSON body, and Graph's error bodies.
import crypto from "node:crypto";
import { HttpStandIn, type StandInAnswer, type StandInRequest } from "./http-stand-in";

export interface MessengerMessage {
  to: string;
  text: string;
  messagingType: string | null;
  tag: string | null;
  messageId: string;
}

export const TEST_MESSENGER = { pageAccessToken: `EAAG${"x".repeat(40)}`, appSecret: "b".repeat(32), version: "v21.0" };

export const graphError = (code: number, message: string, type = "OAuthException", subcode?: number) => ({
  error: { message, type, code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: "AbCdEf" },
});

export class MessengerStandIn extends HttpStandIn<MessengerMessage> {
  constructor(readonly credentials: { pageAccessToken: string; appSecret?: string; version: string } = TEST_MESSENGER) {
    super();
  }

  protected answer(request: StandInRequest): StandInAnswer<MessengerMessage> {
    const url = new URL(request.url, "http://stand-in");
    if (request.method !== "POST" || url.pathname !== `/${this.credentials.version}/me/messages`) {
      return { status: 400, body: graphError(2500, `Unknown path components: ${url.pathname}`) };
    }
    const token = url.searchParams.get("access_token");
    if (token !== this.credentials.pageAccessToken) return { status: 400, body: graphError(190, "Invalid OAuth access token - Cannot parse access token") };
    if (this.credentials.appSecret) {
      const proof = crypto.createHmac("sha256", this.credentials.appSecret).update(token).digest("hex");
      if (url.searchParams.get("appsecret_proof") !== proof) return { status: 400, body: graphError(100, "Invalid appsecret_proof provided in the API argument", "GraphMethodException") };
    }
    let body: { messaging_type?: string; tag?: string; recipient?: { id?: string }; message?: { text?: string } };
    try {
      body = JSON.parse(request.body);
    } catch {
      return { status: 400, body: graphError(100, "Invalid JSON", "OAuthException") };
    }
    const to = body.recipient?.id;
    if (!to || !/^\d+$/.test(to)) return { status: 400, body: graphError(100, "The parameter recipient is required", "OAuthException") };
    if (!body.message?.text) return { status: 400, body: graphError(100, "param message must be non-empty", "OAuthException") };
    const messageId = `m_${crypto.randomBytes(12).toString("base64url")}`;
    return {
      status: 200,
      taken: { to, text: body.message.text, messagingType: body.messaging_type ?? null, tag: body.tag ?? null, messageId },
      body: { recipient_id: to, message_id: messageId },
    };
  }

  protected failureBody(status: number): unknown {
    if (status === 429) return graphError(613, "Calls to this api have exceeded the rate limit.");
    if (status >= 500) return graphError(2, "An unexpected error has occurred. Please retry your request later.");
    return graphError(551, "This person isn't available right now.", "OAuthException", 1545041);
  }
}
