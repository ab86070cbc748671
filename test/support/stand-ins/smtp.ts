// A real SMTP server on loopback (smtp-server) that keeps every message it accepts, read back with
// mailparser, and can be told to refuse or fail the next messages the ways mail servers do.
import type { AddressInfo, Socket } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";

/**
 * How the next message fails:
 * - rcpt: RCPT TO answered with this code (450: try later; 550: no such mailbox);
 * - data: the whole message read, then answered with this code (451, 554);
 * - hang: the whole message read and never answered;
 * - close: the whole message read and the connection cut without an answer.
 */
export type SmtpFailure = { kind: "rcpt"; code: number } | { kind: "data"; code: number } | { kind: "hang" } | { kind: "close" };

export interface ReceivedMail {
  envelopeTo: string[];
  envelopeFrom: string | false;
  /** The raw message as the server got it. */
  raw: string;
  parsed: ParsedMail;
}

export class SmtpPeer {
  readonly mails: ReceivedMail[] = [];
  /** Messages whose body arrived, whether or not they were then accepted (hang, close). */
  readonly bodiesReceived: string[] = [];
  private readonly failures: SmtpFailure[] = [];
  private readonly sockets = new Set<Socket>();
  private server: SMTPServer | null = null;
  port = 0;

  constructor(private readonly options: { user?: string; password?: string } = {}) {}

  async start(): Promise<this> {
    const needsAuth = Boolean(this.options.user);
    const settings: SMTPServerOptions = {
      // plain SMTP on loopback: no STARTTLS offered, so the client does not try a self-signed upgrade
      disabledCommands: needsAuth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      authOptional: !needsAuth,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.options.user && auth.password === this.options.password) callback(null, { user: auth.username });
        else callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
      },
      onRcptTo: (_address, _session, callback) => {
        const failure = this.failures[0];
        if (failure?.kind === "rcpt") {
          this.failures.shift();
          callback(Object.assign(new Error(failure.code >= 500 ? "5.1.1 No such mailbox here" : "4.2.1 Mailbox busy, try again later"), { responseCode: failure.code }));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          this.bodiesReceived.push(raw);
          const failure = this.failures.shift();
          if (failure?.kind === "hang") return;
          if (failure?.kind === "close") {
            for (const socket of this.sockets) socket.destroy();
            return;
          }
          if (failure?.kind === "data") {
            callback(Object.assign(new Error(failure.code >= 500 ? "5.7.1 Message refused as spam" : "4.3.0 Queue full, try again later"), { responseCode: failure.code }));
            return;
          }
          simpleParser(raw).then(
            (parsed) => {
              this.mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : false, raw, parsed });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    };
    const server = new SMTPServer(settings);
    server.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Connections from clients still open (a closed pool leaves none). */
  get openConnections(): number {
    return this.sockets.size;
  }

  failNext(failure: SmtpFailure): void {
    this.failures.push(failure);
  }

  reset(): void {
    this.mails.length = 0;
    this.bodiesReceived.length = 0;
    this.failures.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
