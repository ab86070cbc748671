import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { automationEndpoints } from "./api.v1.automations.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, automationEndpoints(args.context.services));
export const action = (args: ActionFunctionArgs) => serveApi(args, automationEndpoints(args.context.services));
