// The worker's senders, kept in line with the channels page while the worker runs. Before each batch
// the sender asks `refresh()`, which reads the channel_settings rows (four small rows, nothing
// decrypted) and rebuilds the sender of any channel whose row changed since its sender was made.
// An old sender is closed once the sends it has under way are done (closing a nodemailer pool fails
// the messages still queued on it).
import type { Database } from "../../models/db";
import { CHANNELS, type ChannelName, type ChannelSender } from "./channel";
import { channelSenderFor, type ChannelEnv, type SenderOptions } from "./senders.server";

/** Each channel's sender now, and the means to keep them current. */
export interface SenderSet {
  /** The senders by channel; the object stays the same, its senders change after a refresh. */
  readonly senders: Record<ChannelName, ChannelSender>;
  /** Rebuilds the senders of channels whose saved settings changed; returns those channels. */
  refresh(): Promise<ChannelName[]>;
  /** Closes the senders this set made. */
  close(): Promise<void>;
}

/** Senders handed in (tests aim them at stand-ins): never rebuilt, and closed by whoever made them. */
export function fixedSenders(senders: Record<ChannelName, ChannelSender>): SenderSet {
  return { senders, refresh: async () => [], close: async () => {} };
}

/** What a channel's settings row says, compared as a whole: any save or removal changes it. */
async function settingsStamps(db: Database): Promise<Map<ChannelName, string>> {
  const rows = await db.models.ChannelSettings.findAll({ attributes: ["channel", "settings", "ratePerSecond", "updatedAt"], raw: true });
  const stamps = new Map<ChannelName, string>(CHANNELS.map((channel) => [channel, "none"]));
  for (const row of rows) stamps.set(row.channel as ChannelName, JSON.stringify([row.settings, row.ratePerSecond, new Date(row.updatedAt).getTime()]));
  return stamps;
}

/** A sender that counts its sends under way, so it can be closed when the last one ends. */
class CountedSender {
  private active = 0;
  private retired: (() => void) | null = null;
  readonly counted: ChannelSender;

  constructor(readonly inner: ChannelSender) {
    const send = inner.send.bind(inner) as (...args: unknown[]) => ReturnType<ChannelSender["send"]>;
    this.counted = {
      channel: inner.channel,
      provider: inner.provider,
      defaultRatePerSecond: inner.defaultRatePerSecond,
      // every argument passed on: the outbox takes the sender's transaction as a second one
      send: async (...args: unknown[]) => {
        this.active++;
        try {
          return await send(...args);
        } finally {
          if (--this.active === 0) this.retired?.();
        }
      },
      close: () => inner.close(),
    } as ChannelSender;
  }

  /** Closes the sender once no send is under way on it. */
  retire(): Promise<void> {
    const idle = this.active === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.retired = resolve));
    return idle.then(() => this.inner.close()).catch(() => {});
  }
}

/**
 * Senders made from the channels page and the environment (senders.server.ts), rebuilt for a channel
 * when its saved settings change: a running worker sends with what an admin saved, without a restart.
 */
export async function currentSenders(db: Database, env: ChannelEnv, secret: string, options: SenderOptions = {}): Promise<SenderSet> {
  const senders = {} as Record<ChannelName, ChannelSender>;
  const made = new Map<ChannelName, CountedSender>();
  const retiring = new Set<Promise<void>>();
  const stamps = await settingsStamps(db);
  const build = async (channel: ChannelName) => {
    const sender = new CountedSender(await channelSenderFor(db, env, secret, channel, options));
    const old = made.get(channel);
    made.set(channel, sender);
    senders[channel] = sender.counted;
    if (old) {
      const closing = old.retire();
      retiring.add(closing);
      void closing.then(() => retiring.delete(closing));
    }
  };
  try {
    for (const channel of CHANNELS) await build(channel);
  } catch (error) {
    await Promise.all([...made.values()].map((s) => s.inner.close().catch(() => {})));
    throw error;
  }

  // lanes of several campaigns ask at once: one look at the rows serves them all
  let looking: Promise<ChannelName[]> | null = null;
  const look = async () => {
    const now = await settingsStamps(db);
    const changed = CHANNELS.filter((channel) => now.get(channel) !== stamps.get(channel));
    for (const channel of changed) {
      await build(channel);
      stamps.set(channel, now.get(channel)!);
    }
    return changed;
  };
  return {
    senders,
    refresh() {
      looking ??= look().finally(() => (looking = null));
      return looking;
    },
    async close() {
      await looking?.catch(() => {});
      await Promise.all([...[...made.values()].map((s) => s.retire()), ...retiring]);
    },
  };
}
