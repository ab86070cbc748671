// Run once, by hand: `node --import tsx test/imports/measure-upload.ts [megabytes]`. Uploads a large
// CSV through the real app over HTTP and prints the growth of resident memory while it streams to disk.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { spawn } from "node:child_process";
import { startTestApp } from "../support/app";
import { signIn } from "./http";

const megabytes = Number(process.argv[2] ?? 200);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-upload-"));
const file = path.join(dir, "big.csv");
const out = fs.createWriteStream(file);
out.write("externalId,email,firstName\n");
for (let i = 0, written = 0; written < megabytes * 1024 * 1024; i++) {
  const line = `U${i},u${i}@example.test,Name ${i}\n`;
  written += line.length;
  if (!out.write(line)) await once(out, "drain");
}
out.end();
await once(out, "close");

const app = await startTestApp();
try {
  const marketer = await signIn(app, "marketer");
  const token = await marketer.tokenFrom("/imports/new");
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const start = performance.now();
  // curl in a process of its own, so this process's memory is the server's alone
  const curl = spawn("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "-H", `Cookie: ${marketer.cookie()}`, "-F", `csrf=${token}`, "-F", `file=@${file};filename=big.csv`, `${app.url}/imports/new`]);
  let answer = "";
  curl.stdout.on("data", (d) => (answer += d));
  await once(curl, "close");
  const res = { status: answer.split(" ")[0], headers: new Map([["location", answer.split(" ")[1]]]) };
  clearInterval(timer);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  console.log(`upload of ${mb(fs.statSync(file).size)}: HTTP ${res.status} ${res.headers.get("location")} in ${((performance.now() - start) / 1000).toFixed(1)} s; RSS ${mb(before)} → peak ${mb(peak)} (growth ${mb(peak - before)})`);
} finally {
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
