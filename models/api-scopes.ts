/**
 * What an API key may do. Write scopes ingest store data; read scopes read it back; feeds:manage
 * turns segments' secret feeds on and off (keys are made by admins only). Browser-safe: the key form lists them.
 */
export const API_SCOPES = [
  "customers:read",
  "customers:write",
  "orders:write",
  "catalog:read",
  "catalog:write",
  "segments:read",
  "segments:write",
  "exports:read",
  "feeds:manage",
  "campaigns:read",
  "campaigns:write",
  "tasks:read",
  "tasks:write",
  "automations:read",
  "automations:write",
  "store:read",
  "store:write",
  // an admin's power over personal data: a customer's full export, and erasure
  "customers:privacy",
  // the shop's product pages: the storefront lookup and nothing else (docs/decisions/0037)
  "storefront",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
