// What the Twilio, Messenger and Viber stand-ins share: an HTTP server on loopback that the real
// client libraries are pointed at (their origin settings), which records what it took and can be
// told to fail the next requests in the ways providers fail.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * How the next request fails:
 * - status: answered with this HTTP status (and Retry-After, and a body in the provider's shape);
 * - hang: read whole, taken (counted as received), and never answered;
 * - close: read whole, taken, and the connection cut without an answer ("socket hang up").
 */
export type StandInFailure = { kind: "status"; status: number; retryAfter?: string; body?: unknown } | { kind: "hang" } | { kind: "close" };

export interface StandInRequest {
  method: string;
  /** Path with its query. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The answer a provider stand-in gives a request it takes. */
export interface StandInAnswer<Taken extends { to: string } = { to: string }> {
  status: number;
  body: unknown;
  /** The body as written, when JSON.stringify cannot write it (Viber's 64-bit numbers). */
  raw?: string;
  /** The message it took, recorded (undefined: nothing taken, e.g. a refused token). */
  taken?: Taken;
}

export abstract class HttpStandIn<Taken extends { to: string }> {
  /** Every request that arrived, in order. */
  readonly requests: StandInRequest[] = [];
  /** The messages taken: answered as accepted, or taken and then left unanswered (hang, close). */
  readonly messages: Taken[] = [];
  /** Wait this long before answering each request (a provider's latency). */
  delayMs = 0;
  private readonly failures: StandInFailure[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<http.ServerResponse>();
  private server: http.Server | null = null;
  origin = "";

  /** The answer to one request: what the provider would say, and the message it took. */
  protected abstract answer(request: StandInRequest): StandInAnswer<Taken>;

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const request: StandInRequest = { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        this.requests.push(request);
        const reply = () => this.reply(request, res);
        if (this.delayMs > 0) setTimeout(reply, this.delayMs);
        else reply();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `times` requests fail this way (in the order asked). */
  failNext(failure: StandInFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  /** How many messages each recipient got (a recipient above 1 got a duplicate). */
  recipientCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.messages) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
    return counts;
  }

  reset(): void {
    this.requests.length = 0;
    this.messages.length = 0;
    this.failures.length = 0;
    this.delayMs = 0;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private reply(request: StandInRequest, res: http.ServerResponse): void {
    const failure = this.failures.shift();
    if (failure?.kind === "status") {
      const headers: Record<string, string> = { "Content-Type": "application/json", Date: new Date().toUTCString() };
      if (failure.retryAfter !== undefined) headers["Retry-After"] = failure.retryAfter;
      res.writeHead(failure.status, headers);
      res.end(JSON.stringify(failure.body ?? this.failureBody(failure.status)));
      return;
    }
    const answer = this.answer(request);
    if (failure && answer.taken) this.messages.push(answer.taken);
    if (failure?.kind === "hang") {
      this.hanging.add(res);
      res.on("close", () => this.hanging.delete(res));
      return;
    }
    if (failure?.kind === "close") {
      res.socket?.destroy();
      return;
    }
    if (answer.taken) this.messages.push(answer.taken);
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    res.end(answer.raw ?? JSON.stringify(answer.body));
  }

  /** The provider's error body for a status the test asked for without giving one. */
  protected abstract failureBody(status: number): unknown;
}
