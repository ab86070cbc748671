import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { msg } from "../../models/messages";
import { endpoint, serveApi } from "~/api/endpoint.server";
import { errorReply, reply } from "~/api/reply.server";
import { customerIdByExternalId, listConsentHistory } from "~/domain/privacy.server";

const endpoints = [
  endpoint(contract.getCustomerConsents, async ({ db, params, requestId }) => {
    const externalId = params.externalId ?? "";
    const customerId = await customerIdByExternalId(db, externalId);
    if (customerId === null) return errorReply("not_found", msg("ingest.noCustomer"), [{ field: "externalId", reason: msg("ingest.unknownCustomer") }], requestId);
    return reply(200, { externalId, consents: await listConsentHistory(db, customerId) });
  }),
];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints);
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints);
