import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { unknownMethod } from "~/api/endpoint.server";
import { openApiDocument } from "~/api/openapi.server";

/** The API's OpenAPI 3.1 document; public, like the API's documentation. */
export function loader(_args: LoaderFunctionArgs) {
  return new Response(JSON.stringify(openApiDocument("/api/v1")), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}

export const action = (args: ActionFunctionArgs) => unknownMethod(args, "GET");
