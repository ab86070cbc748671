import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { serveApi, upsert } from "~/api/endpoint.server";
import { upsertCarts } from "~/domain/api.server";

const endpoints = [upsert(contract.upsertCart, upsertCarts, (body) => [body], "single")];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints);
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints);
