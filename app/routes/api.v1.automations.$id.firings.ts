import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { firingsEndpoint } from "./api.v1.automations.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [firingsEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [firingsEndpoint()]);
