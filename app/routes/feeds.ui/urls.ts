// The addresses of a segment's feed, given its token (browser-safe: the feed panel builds them too).
export const FEED_FILES = ["members.csv", "members.json", "events.json", "events.csv"] as const;
export type FeedFile = (typeof FEED_FILES)[number];

export const feedUrl = (origin: string, token: string, file: FeedFile) => `${origin.replace(/\/$/, "")}/feeds/${token}/${file}`;
