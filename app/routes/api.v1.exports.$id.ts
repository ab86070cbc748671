import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { exportEndpoint } from "./api.v1.exports.ui/endpoints.server";

export const loader = (args: LoaderFunctionArgs) => serveApi(args, exportEndpoint());
export const action = (args: ActionFunctionArgs) => serveApi(args, exportEndpoint());
