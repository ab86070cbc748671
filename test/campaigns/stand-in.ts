// A message provider on loopback for the sending tests, the fault test and the bench: a node:http
// server that records every message that reaches it (by delivery key, with the moment it arrived)
// and answers as the test tells it; and a ChannelSender that POSTs to it, sorting failures into
// SendFailure's kinds the way a real provider client must.
import http from "node:http";
import { performance } from "node:perf_hooks";
import type { AddressInfo } from "node:net";
import { CHANNELS, SendFailure, type ChannelName, type ChannelSender, type OutgoingMessage, type ProviderName } from "../../campaigns/channels/channel";

export interface ArrivedMessage {
  key: string;
  to: string;
  text: string;
}

/** How the stand-in answers one message: a status (and Retry-After seconds), or "drop": read it, then cut the connection without an answer. */
export type StandInReply = { status: number; retryAfterS?: number } | "drop";

export interface StandIn {
  url: string;
  /** Times each delivery key arrived. */
  received: Map<string, number>;
  /** Times each delivery key was taken (answered 2xx): the messages the customer got. */
  taken: Map<string, number>;
  /** performance.now() of each arrival, in order. */
  arrivals: number[];
  /** Decides each answer; 200 by default. */
  respond: (message: ArrivedMessage, timesSeen: number) => StandInReply;
  duplicates(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startStandIn(port = 0): Promise<StandIn> {
  let next = 0;
  const standIn: StandIn = {
    url: "",
    received: new Map(),
    taken: new Map(),
    arrivals: [],
    respond: () => ({ status: 200 }),
    duplicates: () => [...standIn.received].filter(([, times]) => times > 1).map(([key]) => key),
    reset() {
      standIn.received.clear();
      standIn.taken.clear();
      standIn.arrivals.length = 0;
      standIn.respond = () => ({ status: 200 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/stats") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(statsOf(standIn)));
        return;
      }
      if (req.method === "POST" && req.url === "/reset") {
        standIn.reset();
        res.writeHead(204).end();
        return;
      }
      let message: ArrivedMessage;
      try {
        message = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ArrivedMessage;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const times = (standIn.received.get(message.key) ?? 0) + 1;
      standIn.received.set(message.key, times);
      standIn.arrivals.push(performance.now());
      const reply = standIn.respond(message, times);
      if (reply === "drop") {
        req.socket.destroy();
        return;
      }
      if (reply.status < 300) standIn.taken.set(message.key, (standIn.taken.get(message.key) ?? 0) + 1);
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (reply.retryAfterS !== undefined) headers["Retry-After"] = String(reply.retryAfterS);
      res.writeHead(reply.status, headers).end(reply.status < 300 ? `{"id":"m-${++next}"}` : `{"error":"refused with ${reply.status}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

export interface StandInStats {
  messages: number;
  distinct: number;
  duplicates: number;
  /** Messages a second between the first arrival and the last. */
  perSecond: number;
}

function statsOf(standIn: StandIn): StandInStats {
  const { arrivals } = standIn;
  const spanMs = arrivals.length > 1 ? arrivals[arrivals.length - 1] - arrivals[0] : 0;
  return {
    messages: arrivals.length,
    distinct: standIn.received.size,
    duplicates: standIn.duplicates().length,
    perSecond: spanMs > 0 ? ((arrivals.length - 1) * 1000) / spanMs : 0,
  };
}

const PROVIDER: Record<ChannelName, ProviderName> = { email: "smtp", sms: "twilio", messenger: "messenger", viber: "viber" };

/** A sender for one channel that POSTs each message to the stand-in over kept-alive connections. */
export function standInSender(url: string, channel: ChannelName, options: { agent?: http.Agent; defaultRatePerSecond?: number } = {}): ChannelSender {
  const agent = options.agent ?? new http.Agent({ keepAlive: true, maxSockets: 128 });
  const target = new URL("/messages", url);
  return {
    channel,
    provider: PROVIDER[channel],
    defaultRatePerSecond: options.defaultRatePerSecond ?? 1000,
    send: (message) => postMessage(agent, target, message),
    close: async () => {
      if (!options.agent) agent.destroy();
    },
  };
}

/** One sender per channel, sharing one agent. */
export function standInSenders(url: string, options: { defaultRatePerSecond?: number; maxSockets?: number } = {}): Record<ChannelName, ChannelSender> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 128 });
  return Object.fromEntries(CHANNELS.map((channel) => [channel, standInSender(url, channel, { agent, ...options })])) as Record<ChannelName, ChannelSender>;
}

export function postMessage(agent: http.Agent, target: URL, message: OutgoingMessage): Promise<{ providerMessageId: string; provider: ProviderName }> {
  const body = JSON.stringify({ key: message.deliveryKey, to: message.to, text: message.message.text });
  return new Promise((resolve, reject) => {
    let written = false;
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => reject(new SendFailure("maybe_sent", error.message)));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            const { id } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: string };
            resolve({ providerMessageId: id, provider: PROVIDER[message.message.channel] });
          } else if (status === 429 || status === 503) {
            const retryAfterS = Number(res.headers["retry-after"]);
            reject(new SendFailure("not_sent", `the provider is busy (${status})`, Number.isFinite(retryAfterS) ? retryAfterS * 1000 : undefined));
          } else if (status >= 400 && status < 500) {
            reject(new SendFailure("rejected", `the provider refused the message (${status})`));
          } else {
            reject(new SendFailure("maybe_sent", `the provider failed while taking the message (${status})`));
          }
        });
      },
    );
    req.on("finish", () => (written = true));
    // refused before a byte went out: certainly not sent; cut off after: it may have arrived
    req.on("error", (error: NodeJS.ErrnoException) =>
      reject(new SendFailure(!written && error.code === "ECONNREFUSED" ? "not_sent" : "maybe_sent", error.message)),
    );
    req.end(body);
  });
}
