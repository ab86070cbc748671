// The token of an unsubscribe link (`${publicUrl}/unsubscribe/${token}`): it names one customer and
// one channel, and only the console can make one. Bytes, then base64url:
//   version (1) · channel (1, its place in CHANNELS) · customer id (4, big-endian) · tag (16)
// The tag is HMAC-SHA256 over the first six bytes, cut to 128 bits (still far beyond guessing), so
// the link stays 30 characters: it also goes into SMS texts, where every character counts.
import crypto from "node:crypto";
import { CHANNELS, type ChannelName } from "../channels/channel";

const VERSION = 1;
const BODY_BYTES = 6;
const TAG_BYTES = 16;
const TOKEN = /^[A-Za-z0-9_-]{30}$/;
const MAX_CUSTOMER_ID = 0xffffffff;

// one key per session secret, derived once: tokens are made for every recipient of a campaign
const keys = new Map<string, Buffer>();

/** The signing key of unsubscribe links: derived from the session secret for this one purpose. */
function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync("sha256", secret, Buffer.alloc(0), "segment-console unsubscribe link v1", 32));
    if (keys.size > 8) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function tagOf(secret: string, body: Buffer): Buffer {
  return crypto.createHmac("sha256", keyOf(secret)).update(body).digest().subarray(0, TAG_BYTES);
}

/** The signed token of the link that unsubscribes `customerId` from `channel`. */
export function unsubscribeToken(secret: string, customerId: number, channel: ChannelName): string {
  const channelIndex = CHANNELS.indexOf(channel);
  if (channelIndex < 0) throw new Error(`not a channel: ${String(channel)}`);
  if (!Number.isInteger(customerId) || customerId < 1 || customerId > MAX_CUSTOMER_ID) throw new Error(`not a customer id: ${customerId}`);
  const body = Buffer.alloc(BODY_BYTES);
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(channelIndex, 1);
  body.writeUInt32BE(customerId, 2);
  return Buffer.concat([body, tagOf(secret, body)]).toString("base64url");
}

/** The customer and channel a token made by unsubscribeToken names; null for anything else (edited, cut, another secret's). */
export function readUnsubscribeToken(secret: string, token: string): { customerId: number; channel: ChannelName } | null {
  if (typeof token !== "string" || !TOKEN.test(token)) return null;
  const bytes = Buffer.from(token, "base64url");
  // the last character carries 4 bits that decoding drops: only the one spelling the console writes counts
  if (bytes.length !== BODY_BYTES + TAG_BYTES || bytes.toString("base64url") !== token) return null;
  const body = bytes.subarray(0, BODY_BYTES);
  const tag = bytes.subarray(BODY_BYTES);
  if (!crypto.timingSafeEqual(tag, tagOf(secret, body))) return null;
  if (body.readUInt8(0) !== VERSION) return null;
  const channel = CHANNELS[body.readUInt8(1)];
  const customerId = body.readUInt32BE(2);
  if (!channel || customerId < 1) return null;
  return { customerId, channel };
}
