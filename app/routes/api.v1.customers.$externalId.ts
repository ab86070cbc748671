import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { endpoint, serveApi } from "~/api/endpoint.server";
import { errorReply, reply } from "~/api/reply.server";
import { getCustomerRecord } from "~/domain/api.server";

const endpoints = [
  endpoint(contract.getCustomer, async ({ db, params, requestId }) => {
    const customer = await getCustomerRecord(db, params.externalId ?? "");
    if (!customer) return errorReply("not_found", "There is no customer with this external id.", [{ field: "externalId", reason: "is not the external id of a known customer" }], requestId);
    return reply(200, customer);
  }),
];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints);
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints);
