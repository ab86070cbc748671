import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { storeEndpoints } from "./api.v1.store.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, storeEndpoints());
export const action = (args: ActionFunctionArgs) => serveApi(args, storeEndpoints());
