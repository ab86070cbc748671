import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { fieldEndpoints } from "./api.v1.store.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, fieldEndpoints());
export const action = (args: ActionFunctionArgs) => serveApi(args, fieldEndpoints());
