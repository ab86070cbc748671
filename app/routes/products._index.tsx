import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataTable } from "~/components/ui/DataTable";
import { FilterBar } from "~/components/ui/FilterBar";
import { z } from "../../models/zod";
import { withoutControlCharacters } from "../../models/ingest/text";
import { requireRole } from "~/auth/session.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatNumber } from "~/format";
import { getStoreSettings, listProducts } from "~/domain/storefront.server";
import { PRODUCT_EDITORS, PRODUCT_READERS } from "./products.ui/roles";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("products")) }];

const PAGE = 50;

/** The list's filter in the query string: ?q=boot&restricted=yes&after=…; anything unknown is ignored. */
const ProductsQuery = z.object({
  q: z.string().max(200).catch(""),
  restricted: z.enum(["yes"]).optional().catch(undefined),
  after: z.string().max(500).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ...PRODUCT_READERS);
  const params = new URL(request.url).searchParams;
  const filter = ProductsQuery.parse({ q: params.get("q") ?? "", restricted: params.get("restricted") ?? undefined, after: params.get("after") ?? undefined });
  const db = context.services.db;
  const [page, store] = await Promise.all([
    listProducts(db, { search: withoutControlCharacters(filter.q), isRestricted: filter.restricted === "yes", after: filter.after, limit: PAGE }),
    getStoreSettings(db),
  ]);
  return json({
    locale: store.locale,
    canEdit: (PRODUCT_EDITORS as readonly string[]).includes(user.role),
    filter: { q: filter.q, restricted: filter.restricted ?? "" },
    isFirstPage: filter.after === undefined,
    nextAfter: page.nextAfter,
    products: page.products,
  });
}

export default function Products() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("storefront");
  const [params] = useSearchParams();
  const filtered = Boolean(data.filter.q || data.filter.restricted);
  const pageLink = (after: string | null) => {
    const next = new URLSearchParams(params);
    if (after === null) next.delete("after");
    else next.set("after", after);
    const query = next.toString();
    return query ? `/products?${query}` : "/products";
  };
  return (
    <div className="space-y-4">
      <div>
        <h1 className="page-title">{t("products.title")}</h1>
        <p className="max-w-3xl text-sm text-slate-500">{data.canEdit ? t("products.subtitle") : t("products.subtitleReadOnly")}</p>
      </div>
      <FilterBar
        testId="products-filter"
        search={{ label: t("products.search"), placeholder: t("products.searchPlaceholder"), value: data.filter.q, testId: "products-search" }}
        choices={[
          {
            name: "restricted",
            label: t("products.restricted"),
            value: data.filter.restricted,
            anyLabel: t("products.anyRestricted"),
            options: [{ value: "yes", label: t("products.onlyRestricted") }],
          },
        ]}
        submitLabel={t("products.filter")}
      />
      <div className="card overflow-hidden p-0">
        <DataTable
          testId="products-table"
          rows={data.products}
          rowKey={(p) => p.id}
          rowProps={(p) => ({ "data-testid": `product-row-${p.externalId}` })}
          empty={
            <div className="px-6 py-12 text-center" data-testid="products-empty">
              <p className="text-sm text-slate-600">{filtered ? t("products.noMatch") : t("products.empty")}</p>
              {filtered && (
                <Link to="/products" className="btn-secondary mt-3">
                  {t("products.clearFilter")}
                </Link>
              )}
            </div>
          }
          columns={[
            {
              key: "product",
              header: t("products.product"),
              primary: true,
              className: "md:min-w-[16rem]",
              cell: (p) => (
                <>
                  <Link to={`/products/${p.id}`} className="break-words font-medium text-indigo-700 hover:underline">
                    {p.name}
                  </Link>
                  <div className="break-all font-mono text-xs text-slate-500">{p.externalId}</div>
                </>
              ),
            },
            { key: "category", header: t("products.category"), cell: (p) => p.category ?? t("products.noCategory") },
            { key: "variants", header: t("products.variants"), align: "right", className: "tabular-nums", cell: (p) => formatNumber(p.variants, data.locale) },
            {
              key: "restricted",
              header: t("products.restrictedCount"),
              align: "right",
              className: "tabular-nums",
              cell: (p) =>
                p.restrictedVariants > 0 ? (
                  <span className="badge bg-amber-100 text-amber-800" data-testid="restricted-count">
                    {formatNumber(p.restrictedVariants, data.locale)}
                  </span>
                ) : (
                  <span className="text-slate-400">0</span>
                ),
            },
          ]}
        />
        {(data.nextAfter !== null || !data.isFirstPage) && (
          <nav className="flex items-center justify-between border-t border-slate-100 px-4 py-3" aria-label={t("products.paging")}>
            {!data.isFirstPage ? (
              <Link to={pageLink(null)} className="btn-secondary">
                ← {t("products.firstPage")}
              </Link>
            ) : (
              <span />
            )}
            {data.nextAfter !== null && (
              <Link to={pageLink(data.nextAfter)} className="btn-secondary" rel="next">
                {t("products.next")} →
              </Link>
            )}
          </nav>
        )}
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
