import type { Server } from "node:http";
import { loadConfig } from "./config";
import { createLogger, logFormatOf } from "./logger";
import { createWebApp } from "./web";
import { formatLogins, prepareFirstRun } from "./bootstrap";
import { openDatabase } from "../models/db";
import { createMailer } from "../models/notifications/mailer.server";
import { createServices } from "./services";
import { startWorker, type RunningWorker } from "./worker";
import { segmentScheduleHooks } from "../jobs/segment-schedule";
import { webhookSecrets } from "../campaigns/inbound/secrets";

type Role = "all" | "web" | "worker";

/**
 * `all` serves the console and runs the jobs; `web` only serves (and enqueues jobs); `worker` only
 * runs jobs. Any number of web and worker processes can share one MariaDB.
 */
async function main() {
  const role = (process.argv[2] ?? "all") as Role;
  if (!["all", "web", "worker"].includes(role)) throw new Error(`Unknown role "${role}": use all, web or worker.`);
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, undefined, logFormatOf(config.LOG_FORMAT, Boolean(process.stdout.isTTY)));
  const step = (line: string) => console.log(`  ${line}`);
  const serves = role === "all" || role === "web";
  const works = role === "all" || role === "worker";

  const db = await openDatabase(config.DATABASE_URL, { migrate: true, log: step });
  log.info({ dialect: db.dialect, role }, "database ready");
  const services = createServices(
    db,
    log,
    {
      dataDir: config.dataDir,
      publicUrl: config.publicUrl,
      sessionSecret: config.sessionSecret,
      secureCookies: config.SECURE_COOKIES,
      webhooks: webhookSecrets(config),
      channels: config.channels,
      feedReadsPerMinute: config.FEED_READS_PER_MINUTE,
    },
    { processEveryMs: config.JOBS_POLL_MS },
  );
  const logins = serves
    ? await prepareFirstRun(db, {
        demoCustomers: config.DEMO_STORE ? config.DEMO_CUSTOMERS : 0,
        demoSeed: config.DEMO_SEED,
        log: step,
        segmentHooks: segmentScheduleHooks(services.jobs),
        services,
      })
    : [];
  const segments = services.segments;

  let server: Server | undefined;
  if (serves) {
    const app = await createWebApp({ services, trustProxy: config.TRUST_PROXY });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    });
    log.info({ port: config.PORT }, "web listening");
    console.log(`\n  Segment console (${role}) on ${config.publicUrl}`);
  }
  let worker: RunningWorker | undefined;
  if (works) {
    const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, ratePerSecond: config.SMTP_RATE_PER_SECOND });
    if (!mailer) log.info("no SMTP_URL: email stays in the outbox");
    worker = await startWorker(services, { mailer });
    if (!serves) console.log(`\n  Segment console worker running jobs (${services.jobs.agenda.attrs.name})`);
  }
  if (logins.length) console.log(formatLogins(logins, config.publicUrl));
  // build the fact index now rather than on the first preview or recompute; the console works meanwhile
  void segments.ready().catch((error) => log.error({ err: error }, "fact index build failed"));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const deadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS;
    const timer = setTimeout(() => {
      log.error("shutdown timed out");
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 2_000);
    timer.unref();
    // stop taking requests and jobs, let those under way finish, then close the database
    const closing = server
      ? new Promise<void>((resolve) => {
          server!.closeIdleConnections();
          server!.close(() => resolve());
        })
      : Promise.resolve();
    if (worker) {
      const { stillRunning } = await worker.stop(Math.max(0, deadline - Date.now()));
      if (stillRunning) log.warn({ stillRunning }, "jobs still running at the shutdown deadline: another worker takes them over when their locks expire");
    }
    await closing;
    await db.close();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
