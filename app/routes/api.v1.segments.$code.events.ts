import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { eventsEndpoint } from "./api.v1.segments.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [eventsEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [eventsEndpoint()]);
