import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import "dotenv/config";
import { z } from "zod/v4";

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const EnvSchema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("production"),
  /** Without it: the SQLite file console.sqlite in DATA_DIR. */
  DATABASE_URL: z
    .string()
    .min(1)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().min(1).default("./data"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32).optional(),
  SECURE_COOKIES: flag.default(false),
  TRUST_PROXY: flag.default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** json or pretty; unset: pretty on a terminal, json anywhere else. */
  LOG_FORMAT: z
    .enum(["json", "pretty"])
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DEMO_STORE: flag.default(true),
  DEMO_CUSTOMERS: z.coerce.number().int().min(0).default(5000),
  DEMO_SEED: z.coerce.number().int().default(42),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** How often a worker looks for due jobs. */
  JOBS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** smtp://user:pass@host:587 or smtps://…:465. Without it, email is kept in the outbox, readable in the console. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]+/, "must look like smtp://user:password@host:587 or smtps://host:465")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  MAIL_FROM: z.string().min(3).default("Segment console <console@localhost>"),
  SMTP_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(5),
  /** The token typed both here and in Meta's webhook settings; Meta's GET check of /webhooks/messenger echoes only with it. */
  MESSENGER_VERIFY_TOKEN: z
    .string()
    .min(8, "must be at least 8 characters")
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});

export type Config = Omit<z.infer<typeof EnvSchema>, "DATABASE_URL"> & { DATABASE_URL: string; sessionSecret: string; dataDir: string; publicUrl: string };

/** Reads the environment once; a bad variable stops the start with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Bad environment:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  return {
    ...c,
    DATABASE_URL: c.DATABASE_URL ?? `sqlite:${path.join(dataDir, "console.sqlite")}`,
    dataDir,
    sessionSecret: c.SESSION_SECRET ?? persistedSecret(dataDir),
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
  };
}

/** Without SESSION_SECRET, a random one is made on first start and kept in the data directory. */
function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = crypto.randomBytes(32).toString("base64url");
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  }
}
