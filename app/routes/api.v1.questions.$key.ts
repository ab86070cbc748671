import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { questionEndpoints } from "./api.v1.store.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, questionEndpoints());
export const action = (args: ActionFunctionArgs) => serveApi(args, questionEndpoints());
