// Run once, by hand: `node --import tsx test/imports/measure-1m.ts [rows] [sqlite|mysql]`.
// Generates a CSV of customers, runs the dry run and the import into a throwaway database, and prints
// the time and the growth of this process's resident memory, sampled every 200 ms.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { Sequelize } from "sequelize";
import { openDatabase } from "../../models/db";
import { createImport, saveImportMapping } from "../../models/imports/imports.server";
import { checkImport, runImport } from "../../models/imports/run-import.server";

const rows = Number(process.argv[2] ?? 1_000_000);
const dialect = process.argv[3] === "mysql" ? "mysql" : "sqlite";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-1m-"));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function writeCsv(file: string) {
  const out = fs.createWriteStream(file);
  const first = ["Иван", "Мария", "Γιώργος", "Олена", "John", "Елена"];
  const last = ["Петров", "Иванова", "Παπαδόπουλος", "Шевченко", "Smith", "Георгиева"];
  out.write("Customer ID;Имейл;Име;Фамилия;Телефон;Град;Рожден ден;Етикети;Абонамент за имейл\n");
  for (let i = 1; i <= rows; i++) {
    const line = `M${i};c${i}@example.bg;${first[i % 6]};${last[i % 6]};+35988${String(1000000 + i).slice(-7)};София;${String(1 + (i % 28)).padStart(2, "0")}.0${1 + (i % 9)}.19${50 + (i % 50)};${i % 3 ? "vip" : "vip, new"};${i % 2 ? "да" : "не"}\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "close");
}

async function throwawayDatabase() {
  if (dialect === "sqlite") return { db: await openDatabase(`sqlite:${path.join(dir, "db.sqlite")}`, { migrate: true }), drop: async () => {} };
  const name = `import_1m_${process.pid}`;
  const admin = new Sequelize("mysql://root@127.0.0.1:3306/test", { logging: false });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const db = await openDatabase(`mysql://root@127.0.0.1:3306/${name}`, { migrate: true });
  return {
    db,
    drop: async () => {
      await db.close();
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.close();
    },
  };
}

async function measure<T>(label: string, work: () => Promise<T>): Promise<T> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await work();
  clearInterval(timer);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // the machine is shared: CPU time of this process says more than the wall clock
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`${label}: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (${Math.round(rows / seconds).toLocaleString("en")} rows/s wall); RSS ${mb(before)} → peak ${mb(peak)} (growth ${mb(peak - before)}), after ${mb(process.memoryUsage().rss)}`);
  return result;
}

const file = path.join(dir, "customers.csv");
await writeCsv(file);
console.log(`${rows.toLocaleString("en")} rows, ${mb(fs.statSync(file).size)} on ${dialect}`);
const { db, drop } = await throwawayDatabase();
try {
  const created = await createImport(db, { userId: null, fileName: "customers.csv", filePath: file, fileSize: fs.statSync(file).size });
  if (!created.ok) throw new Error(created.problem);
  const mapping = ["externalId", "email", "firstName", "lastName", "phone", "city", "birthday", "tags", "channels.email.subscribed"];
  const saved = await saveImportMapping(db, created.id, mapping);
  if (!saved.ok) throw new Error(JSON.stringify(saved.problems));
  // resident memory every 100,000 rows: flat, or growing with the file?
  const onProgress = (p: { processedRows: number }) => {
    if (p.processedRows % 100_000 === 0) console.log(`  ${p.processedRows.toLocaleString("en")} rows: RSS ${mb(process.memoryUsage().rss)}`);
  };
  console.log("dry run", JSON.stringify((await measure("dry run", () => checkImport(db, created.id, { onProgress }))) as object));
  console.log("import", JSON.stringify((await measure("import", () => runImport(db, created.id, { onProgress }))) as object));
  console.log("customers in the database:", await db.models.Customer.count());
} finally {
  await drop();
  await db.close().catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
}
