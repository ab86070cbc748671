import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { msg } from "../../models/messages";
import { endpoint, serveApi } from "~/api/endpoint.server";
import { errorReply, reply } from "~/api/reply.server";
import { getCustomerRecord } from "~/domain/api.server";

const endpoints = [
  endpoint(contract.getCustomer, async ({ db, params, requestId }) => {
    const customer = await getCustomerRecord(db, params.externalId ?? "");
    if (!customer) return errorReply("not_found", msg("ingest.noCustomer"), [{ field: "externalId", reason: msg("ingest.unknownCustomer") }], requestId);
    return reply(200, customer);
  }),
];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints);
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints);
