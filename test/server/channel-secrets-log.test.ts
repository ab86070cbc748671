// Channel credentials never reach a log line: not under their own names, not inside an object
// that holds them, not in a Graph API URL, an SMTP URL or a dumped Viber header.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, maskSecrets } from "../../server/logger";

const PAGE_TOKEN = `EAAGpagetoken${"Q".repeat(30)}`;
const VIBER_TOKEN = "4453b6ac1s345678-e02c5f12174805f9-daec6bed9a7e7a68";
const TWILIO_TOKEN = "0123456789abcdef0123456789abcdef";
const SMTP_PASSWORD = "hunter2-smtp-pass";

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe("channel secrets in the log", () => {
  it("are redacted under their names, in the environment's names, and in saved settings", () => {
    const { lines, stream } = sink();
    const log = createLogger("info", stream);
    log.info({ authToken: TWILIO_TOKEN, options: { pageAccessToken: PAGE_TOKEN, appSecret: "f".repeat(32) } }, "sender made");
    log.info({ env: { TWILIO_AUTH_TOKEN: TWILIO_TOKEN, VIBER_AUTH_TOKEN: VIBER_TOKEN, SMTP_URL: `smtp://u:${SMTP_PASSWORD}@mail.example:587` } }, "config");
    log.info({ row: { channel: "viber", settings: JSON.stringify({ authToken: VIBER_TOKEN }) } }, "saved");
    log.warn({ err: { message: "failed", config: { headers: { "X-Viber-Auth-Token": VIBER_TOKEN } } } }, "call failed");
    const all = lines.join("");
    for (const secret of [TWILIO_TOKEN, PAGE_TOKEN, VIBER_TOKEN, SMTP_PASSWORD, "f".repeat(32)]) expect(all).not.toContain(secret);
    expect(all).toContain("[redacted]");
  });

  it("are masked inside messages: a Graph URL's token and proof, an SMTP URL's password, a header dump", () => {
    const { lines, stream } = sink();
    const log = createLogger("info", stream);
    log.error(`POST https://graph.facebook.com/v21.0/me/messages?access_token=${PAGE_TOKEN}&appsecret_proof=abc123 failed`);
    log.error(`cannot reach smtps://news:${SMTP_PASSWORD}@mail.shop.example:465`);
    log.error(`headers: {"X-Viber-Auth-Token":"${VIBER_TOKEN}","Content-Type":"application/json"}`);
    const all = lines.join("");
    for (const secret of [PAGE_TOKEN, SMTP_PASSWORD, VIBER_TOKEN, "abc123"]) expect(all).not.toContain(secret);
    expect(all).toContain("graph.facebook.com/v21.0/me/messages?access_token=[redacted]&appsecret_proof=[redacted]");
    expect(all).toContain("mail.shop.example:465");
  });

  it("masking leaves text without secrets alone", () => {
    const line = '{"msg":"sent 120 messages via https://api.twilio.com/2010-04-01 in 3 s"}';
    expect(maskSecrets(line)).toBe(line);
  });
});
