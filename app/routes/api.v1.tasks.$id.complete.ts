import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { completeEndpoint } from "./api.v1.tasks.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [completeEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [completeEndpoint()]);
