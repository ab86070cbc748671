import type { LoaderFunctionArgs } from "@remix-run/node";
import { serveFeed } from "./feeds.ui/serve.server";

/**
 * Every address under /feeds/: a segment's secret feed (/feeds/<token>/members.csv|json,
 * /feeds/<token>/events.csv|json?since=), or the same 404 as an unknown token.
 */
export const loader = ({ request, params, context }: LoaderFunctionArgs) => serveFeed(request, params["*"] ?? "", context);
