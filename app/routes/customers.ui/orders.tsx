import { Link, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDateTime, formatMoney, formatNumber } from "~/format";
import type { OrderStatus } from "../../../models/models";
import { Card } from "./card";
import type { CustomerPageData } from "./page-data.server";

const STATUS_STYLE: Record<OrderStatus, string> = {
  completed: "bg-emerald-50 text-emerald-700",
  pending: "bg-amber-50 text-amber-800",
  processing: "bg-sky-50 text-sky-800",
  cancelled: "bg-slate-100 text-slate-600",
  refunded: "bg-rose-50 text-rose-700",
};

export function StatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useTranslation("customers");
  return <span className={`badge ${STATUS_STYLE[status] ?? ""}`}>{t(`statuses.${status}`, { defaultValue: status })}</span>;
}

/** A link to this page with one of its paged lists moved to `cursor` (null: back to the newest). */
export function usePageLink() {
  const [params] = useSearchParams();
  return (key: string, cursor: string | null) => {
    const next = new URLSearchParams(params);
    if (cursor) next.set(key, cursor);
    else next.delete(key);
    const s = next.toString();
    return s ? `?${s}` : ".";
  };
}

export function OrdersCard({ data }: { data: CustomerPageData }) {
  const { orders, store } = data;
  const { t } = useTranslation("customers");
  const [params] = useSearchParams();
  const link = usePageLink();
  const isFirstPage = !params.get("orders");
  return (
    <Card title={t("page.orders")} aside={orders.total ? t("page.ordersTotal", { count: orders.total, formatted: formatNumber(orders.total, store.locale) }) : undefined} testId="orders">
      {orders.orders.length === 0 ? (
        <p className="text-sm text-slate-500">{isFirstPage ? t("page.noOrders") : t("page.noMoreOrders")}</p>
      ) : (
        <ul className="-mx-4 divide-y divide-slate-100 border-y border-slate-100 text-sm">
          {orders.orders.map((o) => (
            <li key={o.id}>
              <details className="group">
                <summary className="grid cursor-pointer list-none grid-cols-[1fr_auto] items-center gap-x-3 gap-y-1 px-4 py-2.5 hover:bg-slate-50 sm:grid-cols-[11rem_minmax(0,1fr)_auto_auto]">
                  <span className="whitespace-nowrap text-slate-700">{formatDateTime(o.placedAt, store.locale, store.timeZone)}</span>
                  <span className="order-first [overflow-wrap:anywhere] font-medium text-slate-900 sm:order-none">
                    <span aria-hidden="true" className="mr-1 inline-block text-slate-400 transition-transform group-open:rotate-90">
                      ▸
                    </span>
                    #{o.externalId}
                    <span className="ml-2 text-xs font-normal text-slate-500">{t("page.itemsCount", { count: o.items.length })}</span>
                  </span>
                  <StatusBadge status={o.status} />
                  <span className="text-right font-medium tabular-nums">{formatMoney(o.total, o.currency, store.locale)}</span>
                </summary>
                {o.items.length > 0 ? (
                  <table className="mb-2 ml-8 mr-4 w-[calc(100%-3rem)] text-xs">
                    <thead>
                      <tr className="text-left text-slate-500">
                        <th className="py-1 font-medium">{t("page.product")}</th>
                        <th className="py-1 font-medium">{t("page.category")}</th>
                        <th className="py-1 text-right font-medium">{t("page.quantity")}</th>
                        <th className="py-1 text-right font-medium">{t("page.price")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {o.items.map((i) => (
                        <tr key={i.id} className="border-t border-slate-100">
                          <td className="py-1 pr-2">
                            {i.productName ?? <span className="italic text-slate-400">{t("page.unknownProduct")}</span>}
                            {i.variantName && <span className="text-slate-500"> · {i.variantName}</span>}
                          </td>
                          <td className="py-1 pr-2 text-slate-600">{i.categoryName ?? "—"}</td>
                          <td className="py-1 text-right tabular-nums">{formatNumber(i.quantity, store.locale)}</td>
                          <td className="py-1 text-right tabular-nums">{formatMoney(i.price, o.currency, store.locale)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="mb-2 ml-8 text-xs text-slate-500">{t("page.noItems")}</p>
                )}
              </details>
            </li>
          ))}
        </ul>
      )}
      {(orders.olderCursor || !isFirstPage) && (
        <div className="mt-3 flex justify-between text-sm">
          {!isFirstPage ? (
            <Link to={link("orders", null)} preventScrollReset className="text-indigo-700 hover:underline">
              ← {t("page.newestOrders")}
            </Link>
          ) : (
            <span />
          )}
          {orders.olderCursor && (
            <Link to={link("orders", orders.olderCursor)} preventScrollReset className="text-indigo-700 hover:underline">
              {t("page.olderOrders")} →
            </Link>
          )}
        </div>
      )}
    </Card>
  );
}

export function CartsCard({ data }: { data: CustomerPageData }) {
  const { carts, store } = data;
  const { t } = useTranslation("customers");
  return (
    <Card title={t("page.carts")} aside={carts.total > carts.carts.length ? t("page.cartsShown", { shown: carts.carts.length, total: carts.total }) : undefined} testId="carts">
      {carts.carts.length === 0 ? (
        <p className="text-sm text-slate-500">{t("page.noCarts")}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {carts.carts.map((c) => (
            <li key={c.id} className="flex items-center justify-between gap-3 py-2">
              <div className="min-w-0">
                <div className="text-slate-700">{formatDateTime(c.abandonedAt, store.locale, store.timeZone)}</div>
                <div className="[overflow-wrap:anywhere] text-xs text-slate-500">
                  #{c.externalId}
                </div>
              </div>
              <div className="shrink-0 text-right">
                <div className="font-medium tabular-nums">{formatMoney(c.value, c.currency, store.locale)}</div>
                {c.recoveredAt ? (
                  <span className="badge bg-emerald-50 text-emerald-700">{t("page.recoveredOn", { date: formatDateTime(c.recoveredAt, store.locale, store.timeZone) })}</span>
                ) : (
                  <span className="badge bg-amber-50 text-amber-800">{t("page.notRecovered")}</span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
