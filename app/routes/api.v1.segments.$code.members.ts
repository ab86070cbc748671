import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { membersEndpoint } from "./api.v1.segments.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [membersEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [membersEndpoint()]);
