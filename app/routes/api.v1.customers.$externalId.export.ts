import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { msg } from "../../models/messages";
import { endpoint, serveApi } from "~/api/endpoint.server";
import { errorReply, reply } from "~/api/reply.server";
import { answerAccessRequest, customerIdByExternalId } from "~/domain/privacy.server";

const endpoints = [
  endpoint(contract.exportCustomer, async ({ db, params, requestId, caller, now }) => {
    const customerId = await customerIdByExternalId(db, params.externalId ?? "");
    const answer = customerId === null ? null : await answerAccessRequest(db, customerId, "json", { apiKeyId: caller?.apiKeyId ?? null }, now);
    if (!answer?.ok) return errorReply("not_found", msg("ingest.noCustomer"), [{ field: "externalId", reason: msg("ingest.unknownCustomer") }], requestId);
    return reply(200, answer.document);
  }),
];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints);
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints);
