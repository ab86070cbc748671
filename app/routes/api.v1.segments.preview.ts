import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { previewEndpoint, segmentEndpoints } from "./api.v1.segments.ui/endpoints.server";

// POST previews criteria; the other methods are those of a segment whose code is "preview", which
// this path shadows
const endpoints = (args: LoaderFunctionArgs) => [previewEndpoint(args.context.services), ...segmentEndpoints(args.context.services, () => "preview")];

// the shadowed segment's code is this path's, checked like any other code
const withCode = <A extends LoaderFunctionArgs>(args: A) => ({ ...args, params: { ...args.params, code: "preview" } });

export const loader = (args: LoaderFunctionArgs) => serveApi(withCode(args), endpoints(args));
export const action = (args: ActionFunctionArgs) => serveApi(withCode(args), endpoints(args));
