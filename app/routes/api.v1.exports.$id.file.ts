import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { exportFileEndpoint } from "./api.v1.exports.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, exportFileEndpoint());
export const action = (args: ActionFunctionArgs) => serveApi(args, exportFileEndpoint());
