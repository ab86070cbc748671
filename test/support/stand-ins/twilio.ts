// A stand-in for Twilio's Messages API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json),
// enough of it for the twilio library's messages.create: Basic auth with the account SID and auth
// token, a form body, a 201 with the message resource, and Twilio's error bodies.
import crypto from "node:crypto";
import { HttpStandIn, type StandInAnswer, type StandInRequest } from "./http-stand-in";

export interface TwilioMessage {
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  sid: string;
}

export const TEST_TWILIO = { accountSid: `AC${"1".repeat(32)}`, authToken: "a".repeat(32) };

const error = (status: number, code: number, message: string) => ({ status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } });

export class TwilioStandIn extends HttpStandIn<TwilioMessage> {
  constructor(readonly credentials = TEST_TWILIO) {
    super();
  }

  protected answer(request: StandInRequest): StandInAnswer<TwilioMessage> {
    const path = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.url.split("?")[0]);
    if (request.method !== "POST" || !path) return error(404, 20404, "The requested resource was not found");
    const expected = `Basic ${Buffer.from(`${this.credentials.accountSid}:${this.credentials.authToken}`).toString("base64")}`;
    if (request.headers.authorization !== expected || path[1] !== this.credentials.accountSid) return error(401, 20003, "Authenticate");
    const form = new URLSearchParams(request.body);
    const to = form.get("To") ?? "";
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!form.get("From") && !form.get("MessagingServiceSid")) return error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message");
    if (!form.get("Body")) return error(400, 21602, "Message body is required.");
    const sid = `SM${crypto.randomBytes(16).toString("hex")}`;
    const message: TwilioMessage = {
      to,
      from: form.get("From"),
      messagingServiceSid: form.get("MessagingServiceSid"),
      body: form.get("Body")!,
      statusCallback: form.get("StatusCallback"),
      sid,
    };
    return {
      status: 201,
      taken: message,
      body: {
        sid,
        account_sid: this.credentials.accountSid,
        to,
        from: message.from,
        messaging_service_sid: message.messagingServiceSid,
        body: message.body,
        status: "queued",
        num_segments: "1",
        direction: "outbound-api",
        date_created: new Date().toUTCString(),
        uri: `/2010-04-01/Accounts/${this.credentials.accountSid}/Messages/${sid}.json`,
      },
    };
  }

  protected failureBody(status: number): unknown {
    if (status === 429) return error(429, 20429, "Too Many Requests").body;
    if (status >= 500) return error(status, 20500, "Internal Server Error").body;
    return error(status, 21211, "The 'To' number is not a valid phone number.").body;
  }
}
