// Bulk API ingestion: generated customers posted to /api/v1/customers/bulk through the real HTTP
// server (Express + the Remix build) in batches of 1,000, beside a raw multi-row INSERT of the same
// rows into `customers` in the same run. Sequential, and with a few requests in flight as an
// integration pushing a backlog would send them.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { createWebApp } from "../server/web";
import { createLogger } from "../server/logger";
import { createServices } from "../server/services";
import { createApiKey } from "../models/api-keys.server";
import { bulkInsert } from "../models/sql/bulk";
import type { Dialect } from "../models/db";
import { createBenchDatabase, postBulkCustomers as post, type BenchContext } from "./support";

const TOTAL = 100_000;
const BATCH = 1000;
const IN_FLIGHT = 4;
const BAR_PER_S = 10_000;

interface GeneratedCustomer {
  externalId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  country: string;
  city: string;
  registeredAt: string;
  acceptsMarketing: boolean;
  tags: string[];
  channels: { email: { subscribed: boolean }; sms: { subscribed: boolean } };
}

/** A small seeded PRNG (mulberry32): the same customers on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PEOPLE: Record<string, { first: string[]; last: string[]; cities: string[]; phone: (n: () => string) => string; latin: (s: string) => string }> = {
  BG: {
    first: ["Иван", "Мария", "Георги", "Елена", "Димитър", "Петя", "Николай", "Десислава"],
    last: ["Петров", "Иванова", "Георгиев", "Димитрова", "Николов", "Стоянова"],
    cities: ["София", "Пловдив", "Варна", "Бургас", "Русе"],
    phone: (n) => `+35988${n()}${n()}${n()}${n()}${n()}${n()}${n()}`,
    latin: (s) => translit(s),
  },
  GR: {
    first: ["Γιώργος", "Μαρία", "Νίκος", "Ελένη", "Κώστας", "Σοφία"],
    last: ["Παπαδόπουλος", "Παπαδοπούλου", "Νικολάου", "Γεωργίου"],
    cities: ["Αθήνα", "Θεσσαλονίκη", "Πάτρα", "Ηράκλειο"],
    phone: (n) => `+3069${n()}${n()}${n()}${n()}${n()}${n()}${n()}${n()}`,
    latin: (s) => translit(s),
  },
  UA: {
    first: ["Олександр", "Олена", "Андрій", "Наталія", "Сергій", "Ірина"],
    last: ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко"],
    cities: ["Київ", "Львів", "Одеса", "Харків", "Дніпро"],
    phone: (n) => `+38067${n()}${n()}${n()}${n()}${n()}${n()}${n()}`,
    latin: (s) => translit(s),
  },
  GB: {
    first: ["Oliver", "Amelia", "Harry", "Isla", "Jack", "Emily"],
    last: ["Smith", "Jones", "Taylor", "Brown", "Williams"],
    cities: ["London", "Manchester", "Leeds", "Bristol"],
    phone: (n) => `071${n()}${n()} ${n()}${n()}${n()}${n()}${n()}${n()}`,
    latin: (s) => s,
  },
};
const TAGS = ["vip", "newsletter", "wholesale", "returning", "black-friday", "loyalty", "instagram", "referral"];

const LATIN: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r",
  с: "s", т: "t", у: "u", ф: "f", х: "h", ц: "ts", ч: "ch", ш: "sh", щ: "sht", ъ: "a", ь: "", ю: "yu", я: "ya", є: "ye", і: "i", ї: "yi", ґ: "g",
  α: "a", ά: "a", β: "v", γ: "g", δ: "d", ε: "e", έ: "e", ζ: "z", η: "i", ή: "i", θ: "th", ι: "i", ί: "i", κ: "k", λ: "l", μ: "m", ν: "n",
  ξ: "x", ο: "o", ό: "o", π: "p", ρ: "r", σ: "s", ς: "s", τ: "t", υ: "y", ύ: "y", φ: "f", χ: "ch", ψ: "ps", ω: "o", ώ: "o",
};
function translit(s: string): string {
  return [...s.toLowerCase()].map((c) => LATIN[c] ?? c).join("");
}

/** `count` realistic customers, deterministic from the seed. */
export function generateCustomers(count: number, seed = 42): GeneratedCustomer[] {
  const rnd = random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const digit = () => String(Math.floor(rnd() * 10));
  const countries = Object.keys(PEOPLE);
  const start = Date.UTC(2021, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const country = pick(countries);
    const p = PEOPLE[country];
    const firstName = pick(p.first);
    const lastName = pick(p.last);
    const tags = TAGS.filter(() => rnd() < 0.2);
    return {
      externalId: `shop-${100000 + i}`,
      firstName,
      lastName,
      email: `${p.latin(firstName)}.${p.latin(lastName)}.${i}@example.test`,
      phone: p.phone(digit),
      country,
      city: pick(p.cities),
      registeredAt: new Date(start + Math.floor(rnd() * 4 * 365 * 86_400_000)).toISOString(),
      acceptsMarketing: rnd() < 0.6,
      tags,
      channels: { email: { subscribed: rnd() < 0.55 }, sms: { subscribed: rnd() < 0.3 } },
    };
  });
}

/** The lower bound: the same customers as plain rows, one multi-row INSERT per batch. */
async function rawInsert(dialect: Dialect, ctx: BenchContext, customers: GeneratedCustomer[]): Promise<number> {
  const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "ingest_raw");
  try {
    const now = new Date();
    const columns = ["external_id", "first_name", "last_name", "search_name", "sort_name", "email", "phone", "country", "city", "registered_at", "accepts_marketing", "created_at", "updated_at"];
    const started = performance.now();
    for (let i = 0; i < customers.length; i += BATCH) {
      const rows = customers.slice(i, i + BATCH).map((c) => {
        const first = c.firstName.toLowerCase();
        const last = c.lastName.toLowerCase();
        return [c.externalId, c.firstName, c.lastName, `${first} ${last}`, `${last} ${first}`, c.email, c.phone, c.country, c.city, new Date(c.registeredAt), c.acceptsMarketing, now, now];
      });
      await bulkInsert(db, "customers", columns, rows);
    }
    return customers.length / ((performance.now() - started) / 1000);
  } finally {
    await db.drop();
  }
}

/** Posts every batch through the real HTTP server on a fresh database; customers per second. */
async function throughApi(dialect: Dialect, ctx: BenchContext, bodies: Buffer[], inFlight: number): Promise<number> {
  const db = await createBenchDatabase(dialect, ctx.mysqlUrl, "ingest_api");
  const log = createLogger("warn");
  const app = await createWebApp({
    services: createServices(db, log, { dataDir: path.resolve("data"), publicUrl: "http://127.0.0.1", sessionSecret: "bench-session-secret-long-enough-to-use", secureCookies: false }),
    trustProxy: false,
  });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  try {
    const { secret } = await createApiKey(db, { name: "bench", scopes: ["customers:write"] }, { userId: null });
    const port = (server.address() as AddressInfo).port;
    let next = 0;
    let written = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await post(agent, port, secret, body);
        if (res.status !== 200) throw new Error(`bulk call answered ${res.status}: ${res.text.slice(0, 500)}`);
        written += (JSON.parse(res.text) as { counts: { created: number } }).counts.created;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // where the time goes: this process (HTTP server and client) against the wall clock
    ctx.log(`${dialect}, ${inFlight} in flight: ${(seconds * 1000 / (bodies.length)).toFixed(0)} ms a batch, this process's CPU ${((cpu.user + cpu.system) / 1000 / bodies.length).toFixed(0)} ms a batch`);
    const stored = await db.models.Customer.count();
    if (written !== stored) throw new Error(`the API reported ${written} customers created but the table holds ${stored}`);
    return written / seconds;
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.drop();
  }
}

export default {
  name: "ingest",
  async run(ctx: BenchContext) {
    if (!fs.existsSync("build/index.js")) {
      ctx.log("no Remix build yet: running remix build");
      const build = spawnSync("npx", ["remix", "build"], { stdio: "inherit" });
      if (build.status !== 0) throw new Error("remix build failed");
    }
    // the figure is 100k customers; --customers (a store size for other benches) can only lower it
    const total = Math.min(ctx.customers ?? TOTAL, TOTAL);
    const customers = generateCustomers(total);
    // bodies are made before the clock starts: a real client serialises on its own machine
    const bodies: Buffer[] = [];
    for (let i = 0; i < customers.length; i += BATCH) bodies.push(Buffer.from(JSON.stringify({ customers: customers.slice(i, i + BATCH) })));
    ctx.log(`${total.toLocaleString("en")} customers in ${bodies.length} bodies of ~${Math.round(bodies[0].length / 1024)} KB`);

    for (const dialect of ctx.dialects) {
      const raw = await rawInsert(dialect, ctx, customers);
      for (const inFlight of [1, IN_FLIGHT]) {
        const perSecond = await throughApi(dialect, ctx, bodies, inFlight);
        ctx.record({
          bench: "ingest",
          dialect,
          what: `POST /customers/bulk ×${BATCH}, ${inFlight} in flight`,
          value: perSecond,
          unit: "customers/s",
          baseline: { what: "raw INSERT", value: raw },
          bar: dialect === "mysql" ? { op: ">=", value: BAR_PER_S } : undefined,
        });
      }
    }
  },
};
