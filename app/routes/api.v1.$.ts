import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { unknownPath } from "~/api/endpoint.server";

// every /api/v1 path without an endpoint, whatever the method, answers the API's JSON 404
export const loader = (args: LoaderFunctionArgs) => unknownPath(args);
export const action = (args: ActionFunctionArgs) => unknownPath(args);
