/** What an API key may do. Write scopes ingest store data; read scopes read it back. Browser-safe: the key form lists them. */
export const API_SCOPES = [
  "customers:read",
  "customers:write",
  "orders:write",
  "catalog:read",
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
  // the shop's product pages: the storefront lookup and nothing else (docs/decisions/0037)
  "storefront",
] as const;
export type ApiScope = (typeof API_SCOPES)[number];
