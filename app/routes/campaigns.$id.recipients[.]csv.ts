import { Readable } from "node:stream";
import { createReadableStreamFromReadable, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { msg } from "../../models/messages";
import { getCampaign, recipientsCsv } from "~/domain/campaigns.server";
import { STATUSES_OF_DELIVERIES } from "../../campaigns/definition";
import type { DeliveryStatus } from "../../models/campaign-models";
import { CAMPAIGN_ROLES, campaignIdParam } from "./campaigns.ui/editor.server";

/** The campaign's recipients (of one status, with ?status=) as a CSV download, streamed a page at a time. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  const id = campaignIdParam(params.id);
  const db = context.services.db;
  const campaign = await getCampaign(db, id);
  // a download opened in a tab shows this text as it is
  if (!campaign) throw new Response(msg("campaigns.control.noSuchCampaign"), { status: 404, statusText: "Not Found" });
  const raw = new URL(request.url).searchParams.get("status");
  const status = (STATUSES_OF_DELIVERIES as readonly string[]).includes(raw ?? "") ? (raw as DeliveryStatus) : undefined;
  const fileName = `campaign-${id}-recipients${status ? `-${status}` : ""}.csv`;
  return new Response(createReadableStreamFromReadable(Readable.from(recipientsCsv(db, id, status))), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}
