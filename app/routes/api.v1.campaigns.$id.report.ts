import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { reportEndpoint } from "./api.v1.campaigns.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [reportEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [reportEndpoint()]);
