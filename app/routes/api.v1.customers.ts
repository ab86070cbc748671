import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { contract } from "~/api/contract.server";
import { msg } from "../../models/messages";
import { endpoint, serveApi, upsert } from "~/api/endpoint.server";
import { errorReply, reply } from "~/api/reply.server";
import { listCustomerRecords, upsertCustomers } from "~/domain/api.server";

const endpoints = [
  endpoint(contract.listCustomers, async ({ db, query, requestId }) => {
    const page = await listCustomerRecords(db, {
      limit: query.limit,
      cursor: query.cursor,
      updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
      segment: query.segment,
      notSegment: query.notSegment,
    });
    if (!page.ok) return errorReply("validation_failed", msg("api.queryErrors"), [{ field: page.field, reason: page.reason }], requestId);
    return reply(200, page.page);
  }),
  upsert(contract.upsertCustomer, upsertCustomers, (body) => [body], "single"),
];

export const loader = (args: LoaderFunctionArgs) => serveApi(args, endpoints);
export const action = (args: ActionFunctionArgs) => serveApi(args, endpoints);
