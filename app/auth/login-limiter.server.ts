import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { perConsole, type ConsoleServices } from "../../models/context";

// Login attempts are limited per (email, address) and per address, so guessing one account's
// password and spraying many accounts from one address are both slowed down. An attempt is taken
// from both allowances before the password is checked: counting only after a failure let parallel
// attempts all pass the check before any of them had been counted. The allowances belong to the
// console (one per web process), not to the module: consoles in one process keep their own.
const limitsOf = perConsole(() => ({
  perAccount: new RateLimiterMemory({ keyPrefix: "login-account", points: 5, duration: 15 * 60 }),
  perAddress: new RateLimiterMemory({ keyPrefix: "login-ip", points: 50, duration: 60 * 60 }),
}));

export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterS: number };

const accountKey = (email: string, ip: string) => `${email.trim().toLowerCase()}|${ip}`;

function refusal(error: unknown): LoginAttempt {
  if (!(error instanceof RateLimiterRes)) throw error;
  return { allowed: false, retryAfterS: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
}

/** Takes one attempt from the account's and the address's allowance, atomically; refused when either is spent. */
export async function takeLoginAttempt(services: ConsoleServices, email: string, ip: string): Promise<LoginAttempt> {
  const { perAccount, perAddress } = limitsOf(services);
  const key = accountKey(email, ip);
  try {
    await perAccount.consume(key);
  } catch (error) {
    return refusal(error);
  }
  try {
    await perAddress.consume(ip);
  } catch (error) {
    // refused for the address: this attempt never reached the password, so the account keeps its point
    await perAccount.reward(key, 1);
    return refusal(error);
  }
  return { allowed: true };
}

/** The right password: the account's failures are forgiven and this attempt is given back to the address. */
export async function loginSucceeded(services: ConsoleServices, email: string, ip: string): Promise<void> {
  const { perAccount, perAddress } = limitsOf(services);
  await Promise.all([perAccount.delete(accountKey(email, ip)), perAddress.reward(ip, 1)]);
}
