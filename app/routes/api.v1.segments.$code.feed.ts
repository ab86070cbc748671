import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { feedEndpoints } from "./api.v1.segments.ui/feed-endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, feedEndpoints());
export const action = (args: ActionFunctionArgs) => serveApi(args, feedEndpoints());
