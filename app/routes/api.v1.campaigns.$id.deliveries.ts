import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { deliveriesEndpoint } from "./api.v1.campaigns.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [deliveriesEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [deliveriesEndpoint()]);
