/** How long segment history may be kept, in days (browser-safe: the store page validates with it). */
export const DEFAULT_RETENTION_DAYS = 400;
export const MIN_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3650;
