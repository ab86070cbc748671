import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { segmentEndpoints } from "./api.v1.segments.ui/endpoints.server";

const endpoints = (args: LoaderFunctionArgs) => segmentEndpoints(args.context.services, (call) => call.params.code ?? "");

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints(args));
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints(args));
