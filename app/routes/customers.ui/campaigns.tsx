import { Link, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatNumber } from "~/format";
import { Card } from "./card";
import { DeliveryStatusBadge } from "../campaigns.ui/parts";
import { usePageLink } from "./orders";
import type { CustomerPageData } from "./page-data.server";

/** The campaigns that reached or skipped the customer, newest first; names link to the campaign for those who may open it. */
export function CampaignsCard({ data }: { data: CustomerPageData }) {
  const { campaigns, store } = data;
  const { t } = useTranslation("customers");
  const { t: tc } = useTranslation("campaigns");
  const [params] = useSearchParams();
  const link = usePageLink();
  const isFirstPage = !params.get("campaigns");
  return (
    <Card
      title={t("campaigns.title")}
      aside={campaigns.total ? t("campaigns.total", { count: campaigns.total, formatted: formatNumber(campaigns.total, store.locale) }) : undefined}
      testId="customer-campaigns"
    >
      {campaigns.entries.length === 0 ? (
        <p className="text-sm text-slate-500">{isFirstPage ? t("campaigns.empty") : t("campaigns.noMore")}</p>
      ) : (
        <ul className="-mx-4 divide-y divide-slate-100 border-y border-slate-100 text-sm">
          {campaigns.entries.map((e) => {
            const name = e.campaignName ?? t("campaigns.gone", { id: e.campaignId });
            return (
              <li key={e.deliveryId} className="grid grid-cols-[minmax(0,1fr)_auto] items-start gap-x-3 gap-y-1 px-4 py-2.5" data-testid="customer-campaign">
                <div className="min-w-0">
                  {campaigns.canOpen && e.campaignName !== null ? (
                    <Link to={`/campaigns/${e.campaignId}`} className="break-words font-medium text-indigo-700 hover:underline">
                      {name}
                    </Link>
                  ) : (
                    <span className="break-words font-medium text-slate-900">{name}</span>
                  )}
                  <div className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-500">
                    <span>{e.channel ? tc(`channels.${e.channel}`, { defaultValue: e.channel }) : t("campaigns.noChannel")}</span>
                    <time dateTime={e.at}>{formatDateTime(e.at, store.locale, store.timeZone)}</time>
                  </div>
                </div>
                <div className="flex flex-col items-end gap-1 text-right">
                  <DeliveryStatusBadge status={e.status} />
                  {e.skipReason && <span className="text-xs text-slate-500">{tc(`skipReasons.${e.skipReason}`)}</span>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {(campaigns.olderCursor || !isFirstPage) && (
        <div className="mt-3 flex justify-between text-sm">
          {!isFirstPage ? (
            <Link to={link("campaigns", null)} preventScrollReset className="text-indigo-700 hover:underline">
              ← {t("campaigns.newest")}
            </Link>
          ) : (
            <span />
          )}
          {campaigns.olderCursor && (
            <Link to={link("campaigns", campaigns.olderCursor)} preventScrollReset rel="next" className="text-indigo-700 hover:underline" data-testid="customer-campaigns-older">
              {t("campaigns.older")} →
            </Link>
          )}
        </div>
      )}
    </Card>
  );
}
