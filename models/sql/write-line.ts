import type { Sequelize } from "sequelize";

// Kept on the Sequelize object, not in this module, so that every copy of the module in a process
// (the server's and the Remix build's) waits in the same line.
const LINE = Symbol.for("segment-console.sqlite-write-line");

type Holder = Record<symbol, Promise<void> | undefined>;

/**
 * Waits for this process's earlier SQLite writes to finish; resolves to the function that lets the
 * next one go. SQLite has one writer anyway, but node-sqlite3 runs each statement on one of four
 * libuv pool threads, and a statement waiting for the write lock holds its thread for up to
 * busy_timeout: with four waiting, the connection holding the lock cannot run its next statement
 * until one gives up (a 15-second stall, then SQLITE_BUSY). In line, at most one waits.
 */
export async function enterWriteLine(sequelize: Sequelize): Promise<() => void> {
  const holder = sequelize as unknown as Holder;
  const previous = holder[LINE] ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  holder[LINE] = previous.then(() => done);
  await previous;
  return release;
}

/**
 * Runs a write outside any transaction in the line (on MariaDB, at once). Transactions need no
 * call: openDatabase puts every top-level SQLite transaction in the line. Never call it from
 * inside a transaction: the write ahead in the line may be waiting for that very transaction.
 */
export async function inWriteLine<T>(sequelize: Sequelize, work: () => Promise<T>): Promise<T> {
  if (sequelize.getDialect() !== "sqlite") return work();
  const release = await enterWriteLine(sequelize);
  try {
    return await work();
  } finally {
    release();
  }
}
