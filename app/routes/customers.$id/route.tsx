import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { StatCard, StatGrid } from "~/components/ui/StatCard";
import { requireUser } from "~/auth/session.server";
import { msg } from "../../../models/messages";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime, formatMoney, formatNumber } from "~/format";
import { customerName } from "../customers.ui/display";
import { loadCustomerPanel } from "../customers.ui/page-data.server";
import { AnswersCard, ChannelsCard, ConsentBadge, CustomFieldsCard, ProfileCard } from "../customers.ui/profile";
import { OrdersCard, CartsCard } from "../customers.ui/orders";
import { TimelineCard } from "../customers.ui/timeline";
import { SegmentsCard } from "../customers.ui/segments";
import { CampaignsCard } from "../customers.ui/campaigns";
import { pageTitle, titled } from "~/title";
import { ConsentHistoryCard, ErasedNotice, PrivacyCard } from "../customers.ui/privacy";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const name = data ? (customerName(data.profile) ?? data.profile.externalId) : titled("customer");
  return [{ title: pageTitle(matches, name, titled("customers")) }];
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  if (!/^\d{1,10}$/.test(params.id ?? "")) throw new Response(msg("ingest.customers.notFound"), { status: 404, statusText: "Not Found" });
  const result = await loadCustomerPanel(request, context, user, Number(params.id), new URL(request.url).searchParams, new Date());
  if (!result.ok && result.reason === "forbidden") {
    throw new Response(msg("ingest.customers.notYours"), { status: 403, statusText: "Forbidden" });
  }
  if (!result.ok) throw new Response(msg("ingest.customers.notFound"), { status: 404, statusText: "Not Found" });
  return json(result.panel);
}

export default function CustomerPage() {
  const data = useLoaderData<typeof loader>();
  const { profile: p, store } = data;
  const { t } = useTranslation("customers");
  const name = customerName(p);
  const isErased = data.privacy.erasedAt !== null;
  return (
    <div className="space-y-5">
      <div>
        <Link to="/customers" className="text-sm text-indigo-700 hover:underline">
          ← {t("page.back")}
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="page-title break-words" data-testid="customer-name">
              {isErased ? t("privacy.erasedName") : (name ?? <span className="italic text-slate-500">{t("list.noName")}</span>)}
            </h1>
            <p className="mt-0.5 text-sm text-slate-500">
              {t("page.externalId")} <span className="font-mono text-slate-700">{p.externalId}</span>
              {p.group && (
                <>
                  {" · "}
                  <span className="badge bg-indigo-50 text-indigo-700">{p.group.name}</span>
                </>
              )}
            </p>
          </div>
          <ConsentBadge acceptsMarketing={p.acceptsMarketing} />
        </div>
        {isErased && (
          <div className="mt-3">
            <ErasedNotice data={data} />
          </div>
        )}
        {p.tags.length > 0 && (
          <ul className="mt-3 flex flex-wrap gap-1.5" aria-label={t("page.tags")}>
            {p.tags.map((tag) => (
              <li key={tag.id} className="badge max-w-full [overflow-wrap:anywhere]">
                {tag.name}
              </li>
            ))}
          </ul>
        )}
      </div>

      <StatGrid>
        <StatCard label={t("page.ordersCount")} value={formatNumber(p.ordersCount, store.locale)} />
        <StatCard label={t("page.totalSpent")} value={formatMoney(p.totalSpent, store.currency, store.locale)} />
        <StatCard label={t("page.lastOrder")} value={p.lastOrderAt ? formatDateTime(p.lastOrderAt, store.locale, store.timeZone) : t("page.never")} />
        <StatCard label={t("page.registered")} value={formatDateTime(p.registeredAt, store.locale, store.timeZone)} />
      </StatGrid>

      <div className="grid gap-5 lg:grid-cols-3">
        <div className="min-w-0 space-y-5">
          <ProfileCard data={data} />
          <ChannelsCard data={data} />
          <ConsentHistoryCard data={data} />
          <SegmentsCard data={data} />
          <CustomFieldsCard data={data} />
          <AnswersCard data={data} />
          <PrivacyCard data={data} />
        </div>
        <div className="min-w-0 space-y-5 lg:col-span-2">
          <OrdersCard data={data} />
          <CartsCard data={data} />
          <CampaignsCard data={data} />
          <TimelineCard data={data} />
        </div>
      </div>
    </div>
  );
}

/** A customer that is not there, or not the manager's, gets its own sentence and a way back to the list. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("customers");
  if (!isRouteErrorResponse(error) || (error.status !== 403 && error.status !== 404)) return <GeneralErrorBoundary />;
  return (
    <div className="card max-w-2xl" role="alert" data-testid="customer-error">
      <h1 className="page-title">{error.status === 403 ? t("page.forbiddenTitle") : t("page.notFoundTitle")}</h1>
      <p className="mt-2 text-slate-700">{error.status === 403 ? t("page.forbidden") : t("page.notFound")}</p>
      <Link to="/customers" className="btn-secondary mt-4">
        ← {t("page.backToList")}
      </Link>
    </div>
  );
}

