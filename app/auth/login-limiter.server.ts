import { RateLimiterMemory } from "rate-limiter-flexible";

// Failed logins are limited per (email, address) and per address, so guessing one account's
// password and spraying many accounts from one address are both slowed down.
const perAccount = new RateLimiterMemory({ keyPrefix: "login-account", points: 5, duration: 15 * 60 });
const perAddress = new RateLimiterMemory({ keyPrefix: "login-ip", points: 50, duration: 60 * 60 });

/** Seconds until another attempt is allowed, or 0 when one is allowed now. */
export async function loginRetryAfterS(email: string, ip: string): Promise<number> {
  const [account, address] = await Promise.all([perAccount.get(`${email}|${ip}`), perAddress.get(ip)]);
  const blocked = [account, address].filter((r) => r && r.remainingPoints <= 0).map((r) => Math.ceil(r!.msBeforeNext / 1000));
  return blocked.length ? Math.max(...blocked) : 0;
}

export async function recordFailedLogin(email: string, ip: string): Promise<void> {
  await Promise.all([perAccount.penalty(`${email}|${ip}`, 1), perAddress.penalty(ip, 1)]);
}

export async function clearFailedLogins(email: string, ip: string): Promise<void> {
  await perAccount.delete(`${email}|${ip}`);
}
