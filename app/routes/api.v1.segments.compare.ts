import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serveApi } from "~/api/endpoint.server";
import { segmentEndpoints } from "./api.v1.segments.ui/endpoints.server";
import { compareEndpoint } from "./api.v1.storefront.ui/endpoints.server";

// GET compares segments; the other methods are those of a segment whose code is "compare", which
// this path shadows (as /segments/preview does)
const endpoints = (args: LoaderFunctionArgs) => [compareEndpoint(), ...segmentEndpoints(args.context.services, () => "compare")];

const withCode = <A extends LoaderFunctionArgs>(args: A) => ({ ...args, params: { ...args.params, code: "compare" } });

export const loader = (args: LoaderFunctionArgs) => serveApi(withCode(args), endpoints(args));
export const action = (args: ActionFunctionArgs) => serveApi(withCode(args), endpoints(args));
