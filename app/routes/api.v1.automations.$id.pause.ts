import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { controlEndpoint } from "./api.v1.automations.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [controlEndpoint(args.context.services, "pause")]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [controlEndpoint(args.context.services, "pause")]);
