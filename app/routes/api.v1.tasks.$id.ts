import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { taskEndpoints } from "./api.v1.tasks.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, taskEndpoints());
export const action = (args: ActionFunctionArgs) => serveApi(args, taskEndpoints());
