import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { reassignEndpoint } from "./api.v1.tasks.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [reassignEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [reassignEndpoint()]);
