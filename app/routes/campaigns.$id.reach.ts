import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { msg } from "../../models/messages";
import { getCampaign } from "~/domain/campaigns.server";
import { CAMPAIGN_ROLES, campaignIdParam } from "./campaigns.ui/editor.server";
import { campaignReach } from "./campaigns.ui/domain.server";

/**
 * How many a campaign that has not started would reach now, per channel and skip reason. Loaded by
 * the campaign page's reach card on its own, so the page itself answers without evaluating segments,
 * and a campaign that has started (its audience fixed) is not counted again: its progress says more.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  const id = campaignIdParam(params.id);
  const { services } = context;
  const campaign = await getCampaign(services.db, id);
  if (!campaign) throw json({ error: msg("campaigns.control.noSuchCampaign") }, { status: 404 });
  const headers = { "Cache-Control": "no-store" };
  if (campaign.status !== "draft" && campaign.status !== "scheduled") return json({ status: campaign.status, reach: null }, { headers });
  return json({ status: campaign.status, reach: await campaignReach(services, campaign, new Date()) }, { headers });
}
