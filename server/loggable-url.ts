// A request URL as the request log keeps it: the parts that name a customer (an external id in an
// API path, a search term, a customer filter) are left out, so an erased customer's id or name
// never stays in the logs (docs/decisions/0040).
const CUSTOMER_PATH = /^(\/api\/v1\/(?:storefront\/)?customers\/)([^/?]+)/;
const NAMING_PARAMS = new Set(["q", "customerExternalId"]);

export function loggableUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const [pathPart, query] = url.split("?", 2) as [string, string | undefined];
  const path = pathPart.replace(CUSTOMER_PATH, (_, head: string, id: string) => (id === "bulk" ? `${head}${id}` : `${head}{externalId}`));
  if (query === undefined) return path;
  const params = new URLSearchParams(query);
  for (const name of [...params.keys()]) if (NAMING_PARAMS.has(name)) params.set(name, "…");
  return `${path}?${params.toString()}`;
}
