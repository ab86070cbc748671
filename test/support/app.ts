import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createWebApp } from "../../server/web";
import { createLogger, type Logger } from "../../server/logger";
import { createServices } from "../../server/services";
import { startWorker, type RunningWorker, type WorkerOptions } from "../../server/worker";
import { createApiKey, revokeApiKey, type ApiScope } from "../../models/api-keys.server";
import type { ConsoleServices } from "../../models/context";
import { createTestDatabase } from "./db";

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

export interface TestAppOptions {
  /** Also run the job worker in this process (role "all"), polling every 100 ms; emails stay in the outbox unless a mailer is given. */
  worker?: boolean | Partial<WorkerOptions>;
  /** The app's logger; by default a silent one (or TEST_LOG_LEVEL's). */
  log?: Logger;
  /** Settings over the test defaults (the webhooks' secrets, say). */
  config?: Partial<ConsoleServices["config"]>;
}

/**
 * The real Express app with the Remix build from build/ (run `npx remix build` first; `npm test`
 * does) on a fresh test database of its own, listening on a free loopback port. Logs are silent
 * unless TEST_LOG_LEVEL says otherwise.
 */
export async function startTestApp(options: TestAppOptions = {}) {
  const db = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "console-app-"));
  const services: ConsoleServices = createServices(db, options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? "silent"), {
    dataDir,
    publicUrl: "http://127.0.0.1",
    sessionSecret: "test-session-secret-that-is-long-enough",
    secureCookies: false,
    ...options.config,
  }, { processEveryMs: 100 });
  const app = await createWebApp({ services, trustProxy: false });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const worker: RunningWorker | null = options.worker
    ? await startWorker(services, { mailer: null, followPollMs: 50, ...(options.worker === true ? {} : options.worker) })
    : null;

  return {
    db,
    services,
    server,
    /** Base URL for supertest: `request(app.url)`. */
    url,
    /** A new API key with these scopes; returns its secret and id. */
    async apiKey(scopes: ApiScope[], name = "test key"): Promise<{ id: number; secret: string }> {
      return createApiKey(db, { name, scopes }, { userId: null });
    },
    async revokeKey(id: number): Promise<void> {
      await revokeApiKey(db, id, { userId: null });
    },
    async close(): Promise<void> {
      await worker?.stop(5_000);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
