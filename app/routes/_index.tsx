import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireUser } from "~/auth/session.server";
import { formatMoney, formatNumber } from "~/format";
import { getStoreOverview, getStoreSettings } from "~/domain/store.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const [overview, store] = await Promise.all([getStoreOverview(context.services.db), getStoreSettings(context.services.db)]);
  return json({ user, overview, store });
}

export default function Dashboard() {
  const { user, overview, store } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const tiles = [
    { label: t("dashboard.customers"), value: formatNumber(overview.customers, store.locale) },
    { label: t("dashboard.orders"), value: formatNumber(overview.orders, store.locale) },
    { label: t("dashboard.revenue"), value: formatMoney(overview.completedRevenue, store.currency, store.locale) },
    { label: t("dashboard.subscribed"), value: formatNumber(overview.subscribedCustomers, store.locale) },
  ];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="page-title">{t("dashboard.title")}</h1>
        <p className="text-sm text-slate-500">{t("dashboard.welcome", { name: user.name, role: t(`roles.${user.role}`) })}</p>
      </div>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {tiles.map((tile) => (
          <div key={tile.label} className="card">
            <div className="text-sm text-slate-500">{tile.label}</div>
            <div className="mt-1 text-2xl font-semibold" data-testid="tile-value">
              {tile.value}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
