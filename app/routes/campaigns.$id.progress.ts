import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { msg } from "../../models/messages";
import { deliveryCounts, getCampaign } from "~/domain/campaigns.server";
import { CAMPAIGN_ROLES, campaignIdParam } from "./campaigns.ui/editor.server";

/** The campaign's state and its delivery rows by status, polled by the progress panel. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  const id = campaignIdParam(params.id);
  const db = context.services.db;
  const campaign = await getCampaign(db, id);
  if (!campaign) throw json({ error: msg("campaigns.control.noSuchCampaign") }, { status: 404 });
  return json({ status: campaign.status, counts: await deliveryCounts(db, id) }, { headers: { "Cache-Control": "no-store" } });
}
