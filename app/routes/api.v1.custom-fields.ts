import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { fieldCollectionEndpoints } from "./api.v1.store.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, fieldCollectionEndpoints());
export const action = (args: ActionFunctionArgs) => serveApi(args, fieldCollectionEndpoints());
