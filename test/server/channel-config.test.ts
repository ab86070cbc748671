// The channels' environment variables: read into the senders' settings, checked with the variable's
// name in the error, and every one of them explained in .env.example.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "console-channel-config-"));
const env = (vars: Record<string, string>): NodeJS.ProcessEnv => ({ NODE_ENV: "test", DATA_DIR: dataDir, SESSION_SECRET: "s".repeat(40), ...vars });
const errorOf = (vars: Record<string, string>): string => {
  try {
    loadConfig(env(vars));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
};

const TWILIO = { TWILIO_ACCOUNT_SID: `AC${"a1".repeat(16)}`, TWILIO_AUTH_TOKEN: "0123456789abcdef0123456789abcdef" };

describe("channel variables", () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("without any, no channel has credentials and providers get no callback address", () => {
    const { channels } = loadConfig(env({}));
    expect(channels.publicUrl).toBeUndefined();
    expect(channels.sms).toMatchObject({ accountSid: undefined, authToken: undefined });
    expect(channels.messenger).toMatchObject({ pageAccessToken: undefined, apiVersion: "v21.0" });
    expect(channels.viber).toMatchObject({ authToken: undefined });
    expect(channels.email).toEqual({ smtpUrl: undefined, from: "Segment console <console@localhost>", ratePerSecond: 5 });
  });

  it("all of them are read into the senders' settings (empty counts as unset)", () => {
    const { channels } = loadConfig(
      env({
        PUBLIC_URL: "https://console.shop.example",
        SMTP_URL: "smtp://u:p@mail.shop.example:587",
        CAMPAIGN_MAIL_FROM: "Shop <news@shop.example>",
        ...TWILIO,
        TWILIO_FROM: "ShopBG",
        TWILIO_MESSAGING_SERVICE_SID: "",
        SMS_RATE_PER_SECOND: "4",
        TWILIO_API_ORIGIN: "http://127.0.0.1:4010",
        MESSENGER_PAGE_ACCESS_TOKEN: `EAAG${"z".repeat(30)}`,
        MESSENGER_APP_SECRET: "f".repeat(32),
        MESSENGER_API_VERSION: "v22.0",
        MESSENGER_API_ORIGIN: "http://127.0.0.1:4011/",
        VIBER_AUTH_TOKEN: "4453b6ac1s345678-e02c5f12174805f9-daec6bed9a7e7a68",
        VIBER_SENDER_NAME: "Shop BG",
        VIBER_RATE_PER_SECOND: "20",
      }),
    );
    expect(channels).toEqual({
      publicUrl: "https://console.shop.example",
      email: { smtpUrl: "smtp://u:p@mail.shop.example:587", from: "Shop <news@shop.example>", ratePerSecond: 5 },
      sms: { ...{ accountSid: TWILIO.TWILIO_ACCOUNT_SID, authToken: TWILIO.TWILIO_AUTH_TOKEN }, from: "ShopBG", messagingServiceSid: undefined, ratePerSecond: 4, apiOrigin: "http://127.0.0.1:4010" },
      messenger: { pageAccessToken: `EAAG${"z".repeat(30)}`, appSecret: "f".repeat(32), apiVersion: "v22.0", ratePerSecond: undefined, apiOrigin: "http://127.0.0.1:4011/" },
      viber: { authToken: "4453b6ac1s345678-e02c5f12174805f9-daec6bed9a7e7a68", senderName: "Shop BG", senderAvatar: undefined, ratePerSecond: 20, apiOrigin: undefined },
    });
  });

  it("a malformed value stops the start naming the variable and what it must look like", () => {
    expect(errorOf({ TWILIO_ACCOUNT_SID: "SK123" })).toMatch(/TWILIO_ACCOUNT_SID: must be AC followed by 32 hexadecimal digits/);
    expect(errorOf({ ...TWILIO, TWILIO_FROM: "+0 call me" })).toMatch(/TWILIO_FROM: must be an E\.164 number/);
    expect(errorOf({ VIBER_AUTH_TOKEN: "4453b6ac1s345678-e02c5f12174805f9", VIBER_SENDER_NAME: "A name far longer than Viber allows" })).toMatch(/VIBER_SENDER_NAME: must be at most 28 characters/);
    expect(errorOf({ SMS_RATE_PER_SECOND: "0" })).toMatch(/SMS_RATE_PER_SECOND: must be a whole number from 1 to 10000/);
    expect(errorOf({ MESSENGER_API_ORIGIN: "http://127.0.0.1:4011/graph" })).toMatch(/MESSENGER_API_ORIGIN: must be an origin/);
    expect(errorOf({ MESSENGER_API_VERSION: "21" })).toMatch(/MESSENGER_API_VERSION: must look like v21\.0/);
  });

  it("half a provider stops the start naming the missing variable", () => {
    expect(errorOf({ TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID, TWILIO_FROM: "+15005550006" })).toMatch(/TWILIO_AUTH_TOKEN: is needed with TWILIO_ACCOUNT_SID/);
    expect(errorOf({ ...TWILIO })).toMatch(/TWILIO_FROM: or TWILIO_MESSAGING_SERVICE_SID is needed/);
    expect(errorOf({ VIBER_AUTH_TOKEN: "4453b6ac1s345678-e02c5f12174805f9" })).toMatch(/VIBER_SENDER_NAME: is needed with VIBER_AUTH_TOKEN/);
    expect(errorOf({ MESSENGER_APP_SECRET: "f".repeat(32) })).toMatch(/MESSENGER_PAGE_ACCESS_TOKEN: is needed with MESSENGER_APP_SECRET/);
  });

  it("every channel variable the server reads is explained in .env.example", () => {
    const source = fs.readFileSync("server/config.ts", "utf8");
    const names = [...source.matchAll(/^\s+((?:TWILIO|MESSENGER|VIBER|SMS|CAMPAIGN)_[A-Z_]+):/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThanOrEqual(16);
    const example = fs.readFileSync(".env.example", "utf8");
    for (const name of names) expect(example, name).toMatch(new RegExp(`^#? ?${name}=`, "m"));
  });
});
