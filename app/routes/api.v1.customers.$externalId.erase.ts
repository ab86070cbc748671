import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { msg } from "../../models/messages";
import { endpoint, serveApi } from "~/api/endpoint.server";
import { errorReply, reply } from "~/api/reply.server";
import { customerIdByExternalId, eraseCustomer, erasureFileDeps } from "~/domain/privacy.server";
import type { ConsoleServices } from "../../models/context";

// made per request: the erasure's file scrub logs to the process's log and enqueues on its queue
const endpoints = (services: ConsoleServices) => [
  endpoint(contract.eraseCustomer, async ({ db, params, requestId, caller, now }) => {
    // an erased customer's external id names nobody any more: erasing it again is a 404, as for any unknown id
    const customerId = await customerIdByExternalId(db, params.externalId ?? "");
    const out = customerId === null ? null : await eraseCustomer(db, customerId, { apiKeyId: caller?.apiKeyId ?? null }, now, erasureFileDeps(services));
    if (!out?.ok) return errorReply("not_found", msg("ingest.noCustomer"), [{ field: "externalId", reason: msg("ingest.unknownCustomer") }], requestId);
    return reply(200, { customerId: out.customerId, erasedAt: out.erasedAt.toISOString(), alreadyErased: out.alreadyErased });
  }),
];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints(args.context.services));
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints(args.context.services));
