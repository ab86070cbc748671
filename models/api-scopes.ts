/** What an API key may do. Write scopes ingest store data; read scopes read it back. Browser-safe: the key form lists them. */
export const API_SCOPES = [
  "customers:read",
  "customers:write",
  "orders:write",
  "catalog:write",
  "segments:read",
  "segments:write",
  "exports:read",
  "campaigns:read",
  "campaigns:write",
  "tasks:read",
  "tasks:write",
  "automations:read",
  "automations:write",
  // an admin's power over personal data: a customer's full export, and erasure
  "customers:privacy",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
