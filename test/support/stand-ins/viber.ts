// A stand-in for Viber's REST bot API (POST /pa/send_message), enough for messaging-api-viber's
// sendText: the X-Viber-Auth-Token header, a JSON body with the sender, and Viber's way of
// refusing (HTTP 200 with a non-zero status).
import { HttpStandIn, type StandInAnswer, type StandInRequest } from "./http-stand-in";

export interface ViberMessage {
  to: string;
  text: string;
  senderName: string | null;
  senderAvatar: string | null;
  trackingData: string | null;
  messageToken: string;
}

export const TEST_VIBER = { authToken: "4453b6ac1s345678-e02c5f12174805f9-daec6bed9a7e7a68", senderName: "Test Shop" };

const refusal = (status: number, statusMessage: string) => ({ status: 200, body: { status, status_message: statusMessage, chat_hostname: "SN-CHAT-01_" } });

export class ViberStandIn extends HttpStandIn<ViberMessage> {
  /** Receivers who are not subscribed: Viber refuses them with status 6. */
  readonly unsubscribed = new Set<string>();
  private nextToken = 5_491_000_000_000_000_000n;

  constructor(readonly authToken = TEST_VIBER.authToken) {
    super();
  }

  protected answer(request: StandInRequest): StandInAnswer<ViberMessage> {
    if (request.method !== "POST" || request.url.split("?")[0] !== "/pa/send_message") return { status: 404, body: { status: 1, status_message: "invalidUrl" } };
    if (request.headers["x-viber-auth-token"] !== this.authToken) return refusal(2, "invalidAuthToken");
    let body: { receiver?: string; type?: string; text?: string; sender?: { name?: string; avatar?: string }; tracking_data?: string };
    try {
      body = JSON.parse(request.body);
    } catch {
      return refusal(3, "badData");
    }
    if (!body.receiver || body.type !== "text" || !body.text || !body.sender?.name) return refusal(4, "missingData");
    if (body.sender.name.length > 28) return refusal(3, "badData");
    if (this.unsubscribed.has(body.receiver)) return refusal(6, "receiverNotSubscribed");
    const messageToken = String(this.nextToken++);
    return {
      status: 200,
      taken: { to: body.receiver, text: body.text, senderName: body.sender.name, senderAvatar: body.sender.avatar ?? null, trackingData: body.tracking_data ?? null, messageToken },
      body: { status: 0, status_message: "ok", message_token: messageToken, chat_hostname: "SN-CHAT-01_" },
      // Viber's message tokens are 64-bit numbers, written as bare digits (beyond JSON's safe integers)
      raw: `{"status":0,"status_message":"ok","message_token":${messageToken},"chat_hostname":"SN-CHAT-01_"}`,
    };
  }

  protected failureBody(status: number): unknown {
    return { status: status === 429 ? 12 : 3, status_message: status === 429 ? "tooManyRequests" : "badData" };
  }
}
