import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { DataTable, type Column } from "~/components/ui/DataTable";
import { requireUser } from "~/auth/session.server";
import { msg } from "../../../models/messages";
import { formatMoney, formatNumber } from "~/format";
import { countCustomers, displayPhone, getCustomerFilterOptions, listCustomers, storeCountry } from "~/domain/customers.server";
import { exportDialogOptions } from "~/domain/exports.server";
import { ExportDialog } from "~/components/exports/ExportDialog";
import { CUSTOMER_SORTS, LIST_CHANNELS, customerListSearch, hasFilters, readCustomerListQuery, type CustomerListQuery } from "../../../models/customers/list-query";
import { criteriaForFilters, newSegmentHref } from "../../../models/customers/list-segment";
import { countryName, customerName, formatDay } from "../customers.ui/display";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("customers")) }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const db = context.services.db;
  const { query, problems } = readCustomerListQuery(new URL(request.url).searchParams);
  const store = await getStoreForReader(request, context);
  const viewer = { id: user.id, role: user.role };
  const country = storeCountry(store);
  const options = await getCustomerFilterOptions(db, viewer);
  // a segment filter names live segments only: a deleted one is dropped and said so
  const liveSegments = new Set(options.segments.map((s) => s.id));
  for (const key of ["segment", "notSegment"] as const) {
    const ids = query[key];
    const unknown = ids?.filter((id) => !liveSegments.has(id)) ?? [];
    if (!ids || !unknown.length) continue;
    problems.push({ field: key, reason: msg("ingest.customers.noSuchSegments", { ids: unknown.join(", ") }) });
    const kept = ids.filter((id) => liveSegments.has(id));
    query[key] = kept.length ? kept : undefined;
  }
  const [page, count, exporting] = await Promise.all([
    listCustomers(db, { viewer, query, storeCountry: country }),
    countCustomers(db, { viewer, query, storeCountry: country }),
    exportDialogOptions(db, user.role),
  ]);
  const rows = page.rows.map((r) => ({ ...r, phone: displayPhone(r.phone) }));
  // a search is no criterion, so only filters alone make a segment; managers do not make segments
  const criteria = query.q || !(user.role === "admin" || user.role === "marketer") ? null : criteriaForFilters(query, options);
  const segmentHref = criteria ? newSegmentHref(criteria) : null;
  return json({ query, problems, page: { ...page, rows }, count, options, store, isManager: user.role === "manager", segmentHref, exporting });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function CustomersList() {
  const { query, problems, page, count, options, store, isManager, segmentHref, exporting } = useLoaderData<typeof loader>();
  const { t } = useTranslation("customers");
  const navigation = useNavigation();
  const isLoading = navigation.state === "loading" && navigation.location?.pathname === "/customers";
  const filtered = hasFilters(query);
  const total = count.isCapped ? t("list.countCapped", { capped: formatNumber(count.count, store.locale) }) : t("list.count", { count: count.count, formatted: formatNumber(count.count, store.locale) });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <h1 className="page-title">{t("list.title")}</h1>
          <p className="text-sm text-slate-500" data-testid="customer-count">
            {filtered ? t("list.matching", { total, count: count.isCapped ? count.count + 1 : count.count }) : total}
            {isManager ? ` · ${t("list.assignedToYou")}` : ""}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {exporting && (
            <ExportDialog
              source={{ kind: "customers", filters: customerListSearch({ ...query, after: undefined, before: undefined }).slice(1) }}
              rows={count}
              jobFromRows={exporting.jobFromRows}
              customFields={exporting.customFields}
              locale={store.locale}
            />
          )}
          {segmentHref && (
            <Link to={segmentHref} className="btn" data-testid="save-as-segment">
              {t("list.saveAsSegment")}
            </Link>
          )}
        </div>
      </div>

      <Filters query={query} options={options} store={store} isManager={isManager} />

      {problems.length > 0 && (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800" role="status">
          {t("list.ignored")} {problems.map((p) => `${t(`filters.${p.field}`, { defaultValue: p.field })}: ${p.reason}`).join("; ")}
        </p>
      )}

      <div className={`card overflow-hidden p-0 transition-opacity ${isLoading ? "opacity-60" : ""}`}>
        <DataTable
          testId="customer-table"
          rows={page.rows}
          rowKey={(c) => c.id}
          rowProps={() => ({ className: "hover:bg-slate-50" })}
          empty={<EmptyState filtered={filtered} isManager={isManager} />}
          columns={customerColumns(t, store)}
        />
      </div>

      <Pager query={query} page={page} />
    </div>
  );
}

type Row = LoaderData["page"]["rows"][number];

function customerColumns(t: TFunction<"customers">, store: LoaderData["store"]): Array<Column<Row>> {
  const none = <span className="text-slate-400">—</span>;
  return [
    {
      key: "name",
      header: t("columns.name"),
      primary: true,
      className: "md:min-w-[11rem]",
      cell: (c) => {
        const name = customerName(c);
        return (
          <>
            <Link to={`/customers/${c.id}`} className="font-medium text-indigo-700 hover:underline">
              {name ?? <span className="italic text-slate-500">{t("list.noName")}</span>}
            </Link>
            <div className="[overflow-wrap:anywhere] text-xs text-slate-500">{c.externalId}</div>
          </>
        );
      },
    },
    {
      key: "contact",
      header: t("columns.contact"),
      className: "md:max-w-[16rem]",
      cell: (c) => (
        <>
          <div className="[overflow-wrap:anywhere]">{c.email ?? none}</div>
          {c.phone && <div className="whitespace-nowrap text-xs text-slate-500">{c.phone}</div>}
        </>
      ),
    },
    {
      key: "location",
      header: t("columns.location"),
      cell: (c) => [c.city, countryName(c.country, store.locale)].filter(Boolean).join(", ") || none,
    },
    { key: "group", header: t("columns.group"), cell: (c) => (c.groupName ? <span className="badge">{c.groupName}</span> : none) },
    {
      // the number of orders under the money, as the phone under the email: room for the last order beside them
      key: "totalSpent",
      header: t("columns.totalSpent"),
      align: "right",
      className: "whitespace-nowrap tabular-nums",
      cell: (c) =>
        c.ordersCount ? (
          <>
            <div>{formatMoney(c.totalSpent, store.currency, store.locale)}</div>
            <div className="text-xs text-slate-500">{t("list.orders", { count: c.ordersCount, formatted: formatNumber(c.ordersCount, store.locale) })}</div>
          </>
        ) : (
          none
        ),
    },
    { key: "lastOrder", header: t("columns.lastOrder"), className: "whitespace-nowrap", cell: (c) => (c.lastOrderAt ? formatDay(c.lastOrderAt, store.locale, store.timeZone) : none) },
    { key: "registered", header: t("columns.registered"), className: "whitespace-nowrap", cell: (c) => formatDay(c.registeredAt, store.locale, store.timeZone) },
  ];
}

function Filters({ query, options, store, isManager }: { query: LoaderData["query"]; options: LoaderData["options"]; store: LoaderData["store"]; isManager: boolean }) {
  const { t } = useTranslation("customers");
  const submit = useSubmit();
  const filtered = hasFilters(query);
  // a changed menu applies at once; the search box applies on Enter or the button
  const onMenuChange = (event: React.ChangeEvent<HTMLSelectElement>) => submit(event.currentTarget.form);
  const select = (name: keyof CustomerListQuery, label: string, value: string | number | undefined, choices: Array<{ value: string; label: string }>) => (
    <label className="block min-w-0">
      <span className="label text-xs">{label}</span>
      <select name={name} defaultValue={value === undefined ? "" : String(value)} onChange={onMenuChange} className="input mt-1 bg-white pr-8">
        <option value="">{t("filters.any")}</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
  // a segment menu adds one segment to its filter: the ones chosen already travel as hidden inputs
  // of the same name, and show as chips that remove themselves
  const chosen = new Set([...(query.segment ?? []), ...(query.notSegment ?? [])]);
  const segmentMenu = (name: "segment" | "notSegment", label: string) => (
    <label className="block min-w-0">
      <span className="label text-xs">{label}</span>
      <select name={name} defaultValue="" onChange={onMenuChange} className="input mt-1 bg-white pr-8" data-testid={`filter-${name}`}>
        <option value="">{t("filters.addSegment")}</option>
        {options.segments
          .filter((s) => !chosen.has(s.id))
          .map((s) => (
            <option key={s.id} value={String(s.id)}>
              {s.name}
            </option>
          ))}
      </select>
    </label>
  );
  // the key resets uncontrolled inputs when the URL changes (back button, clear)
  return (
    <Form method="get" className="card space-y-3" role="search" key={customerListSearch({ ...query, after: undefined, before: undefined })}>
      <div className="flex flex-wrap items-end gap-2">
        <label className="block min-w-0 flex-1 basis-64">
          <span className="label text-xs">{t("filters.search")}</span>
          <input type="search" name="q" defaultValue={query.q ?? ""} placeholder={t("filters.searchPlaceholder")} className="input mt-1" maxLength={200} />
        </label>
        <button type="submit" className="btn">
          {t("filters.apply")}
        </button>
        {filtered && (
          <Link to={query.sort === "newest" ? "/customers" : `/customers?sort=${query.sort}`} className="btn-secondary">
            {t("filters.clear")}
          </Link>
        )}
      </div>
      <SegmentChips query={query} segments={options.segments} />
      <div className="grid grid-cols-1 gap-2 min-[420px]:grid-cols-2 sm:grid-cols-3 xl:grid-cols-4 2xl:grid-cols-5">
        {select(
          "country",
          t("filters.country"),
          query.country,
          options.countries
            .map((code) => ({ value: code, label: countryName(code, store.locale) ?? code }))
            .sort((a, b) => a.label.localeCompare(b.label, store.locale)),
        )}
        {select("group", t("filters.group"), query.group, options.groups.map((g) => ({ value: String(g.id), label: g.name })))}
        {select("tag", t("filters.tag"), query.tag, options.tags.map((g) => ({ value: String(g.id), label: g.name })))}
        {!isManager &&
          select("manager", t("filters.manager"), query.manager, [
            { value: "none", label: t("filters.noManager") },
            ...options.managers.map((m) => ({ value: String(m.id), label: m.isActive ? m.name : t("filters.inactiveManager", { name: m.name }) })),
          ])}
        {select("marketing", t("filters.marketing"), query.marketing, [
          { value: "yes", label: t("filters.yes") },
          { value: "no", label: t("filters.no") },
        ])}
        {select("channel", t("filters.channel"), query.channel, LIST_CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) })))}
        {segmentMenu("segment", t("filters.segment"))}
        {segmentMenu("notSegment", t("filters.notSegment"))}
        {/* two columns wide where there are few, so "Last order, most recent first" is read whole */}
        <label className="block min-w-0 min-[420px]:col-span-2 2xl:col-span-1">
          <span className="label text-xs">{t("filters.sort")}</span>
          <select name="sort" defaultValue={query.sort} onChange={onMenuChange} className="input mt-1 bg-white pr-8">
            {CUSTOMER_SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`sorts.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
    </Form>
  );
}

/** The segment filters in force, each a chip whose × removes it; their ids ride along as hidden inputs. */
function SegmentChips({ query, segments }: { query: LoaderData["query"]; segments: LoaderData["options"]["segments"] }) {
  const { t } = useTranslation("customers");
  const name = (id: number) => segments.find((s) => s.id === id)?.name ?? `#${id}`;
  const chips = [
    ...(query.segment ?? []).map((id) => ({ key: "segment" as const, id, label: t("filters.inSegmentChip", { name: name(id) }) })),
    ...(query.notSegment ?? []).map((id) => ({ key: "notSegment" as const, id, label: t("filters.notInSegmentChip", { name: name(id) }) })),
  ];
  if (!chips.length) return null;
  const without = (key: "segment" | "notSegment", id: number) => {
    const rest = (query[key] ?? []).filter((x) => x !== id);
    return `/customers${customerListSearch({ ...query, [key]: rest.length ? rest : undefined, after: undefined, before: undefined })}`;
  };
  return (
    <ul className="flex flex-wrap gap-2" data-testid="segment-filters">
      {chips.map((c) => (
        <li key={`${c.key}-${c.id}`} className={`badge gap-1 py-1 ${c.key === "segment" ? "bg-indigo-50 text-indigo-800" : "bg-amber-50 text-amber-900"}`}>
          <input type="hidden" name={c.key} value={String(c.id)} />
          <span className="[overflow-wrap:anywhere]">{c.label}</span>
          <Link to={without(c.key, c.id)} className="rounded px-1 font-semibold hover:bg-white/70" aria-label={t("filters.removeSegment", { filter: c.label })}>
            ×
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Pager({ query, page }: { query: LoaderData["query"]; page: LoaderData["page"] }) {
  const { t } = useTranslation("customers");
  if (!page.previousCursor && !page.nextCursor) return null;
  const base = { ...query, after: undefined, before: undefined };
  const disabled = "btn-secondary pointer-events-none opacity-40";
  return (
    <nav className="flex items-center justify-between" aria-label={t("list.paging")}>
      {page.previousCursor ? (
        <Link to={`/customers${customerListSearch({ ...base, before: page.previousCursor })}`} className="btn-secondary" rel="prev" prefetch="intent">
          ← {t("list.previous")}
        </Link>
      ) : (
        <span className={disabled} aria-disabled="true">
          ← {t("list.previous")}
        </span>
      )}
      {page.previousCursor && (
        <Link to={`/customers${customerListSearch(base)}`} className="text-sm text-indigo-700 hover:underline">
          {t("list.first")}
        </Link>
      )}
      {page.nextCursor ? (
        <Link to={`/customers${customerListSearch({ ...base, after: page.nextCursor })}`} className="btn-secondary" rel="next" prefetch="intent">
          {t("list.next")} →
        </Link>
      ) : (
        <span className={disabled} aria-disabled="true">
          {t("list.next")} →
        </span>
      )}
    </nav>
  );
}

function EmptyState({ filtered, isManager }: { filtered: boolean; isManager: boolean }) {
  const { t } = useTranslation("customers");
  return (
    <div className="px-6 py-16 text-center" data-testid="customers-empty">
      <svg aria-hidden="true" viewBox="0 0 24 24" className="mx-auto h-10 w-10 text-slate-300" fill="none" stroke="currentColor" strokeWidth="1.5">
        <path d="M15 19a6 6 0 0 0-12 0M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8ZM21 19a6 6 0 0 0-4.5-5.8M15.5 3.2a4 4 0 0 1 0 7.6" strokeLinecap="round" />
      </svg>
      <h2 className="mt-3 text-base font-semibold text-slate-900">{filtered ? t("empty.noMatchTitle") : isManager ? t("empty.noneAssignedTitle") : t("empty.noneTitle")}</h2>
      <p className="mt-1 text-sm text-slate-500">{filtered ? t("empty.noMatch") : isManager ? t("empty.noneAssigned") : t("empty.none")}</p>
      {filtered ? (
        <Link to="/customers" className="btn-secondary mt-4">
          {t("filters.clear")}
        </Link>
      ) : (
        !isManager && (
          <Link to="/imports" className="btn mt-4">
            {t("empty.import")}
          </Link>
        )
      )}
    </div>
  );
}
