import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { controlEndpoint } from "./api.v1.campaigns.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [controlEndpoint(args.context.services, "start")]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [controlEndpoint(args.context.services, "start")]);
