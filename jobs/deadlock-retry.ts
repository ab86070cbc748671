const RETRYABLE = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT"]);

/**
 * Runs a MariaDB transaction again when InnoDB chose it as a deadlock victim (it has been rolled
 * back whole, so running it again is safe). Transactions that meet on one new unique key deadlock
 * by design: each failed INSERT holds a shared lock on the winner's row, and each then asks for an
 * exclusive one to update it.
 */
export async function withDeadlockRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
    }
  }
}

/** Whether InnoDB rolled the statement's transaction back as a deadlock victim (or after a lock wait timeout). */
function isDeadlock(error: unknown): boolean {
  const code = (error as { parent?: { code?: string } } | null)?.parent?.code;
  return code !== undefined && RETRYABLE.has(code);
}
