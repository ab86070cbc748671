import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { rotateFeedEndpoint } from "./api.v1.segments.ui/feed-endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [rotateFeedEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [rotateFeedEndpoint()]);
