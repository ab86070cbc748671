import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { previewEndpoint, segmentEndpoints } from "./api.v1.segments.ui/endpoints.server";

// POST previews criteria; the other methods are those of a segment whose code is "preview", which
// this path shadows
const endpoints = (args: LoaderFunctionArgs) => [previewEndpoint(args.context.services), ...segmentEndpoints(args.context.services, () => "preview")];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints(args));
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints(args));
