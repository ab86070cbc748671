import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { variantSegmentsEndpoints } from "./api.v1.storefront.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, variantSegmentsEndpoints());
export const action = (args: ActionFunctionArgs) => serveApi(args, variantSegmentsEndpoints());
