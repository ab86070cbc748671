import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { storefrontCustomerEndpoint } from "./api.v1.storefront.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, [storefrontCustomerEndpoint()]);
export const action = (args: ActionFunctionArgs) => serveApi(args, [storefrontCustomerEndpoint()]);
