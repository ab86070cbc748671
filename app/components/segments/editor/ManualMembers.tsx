// A manual segment's members, changed by hand: search a customer and add them, remove one, or
// upload a CSV of customer external ids to add or remove many. Each change is an enter or leave
// event, the same as a recompute's.
import { Form, Link, useActionData, useFetcher, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { formatDateTime, formatNumber } from "~/format";
import { Notice } from "../parts";

interface MemberView {
  id: number;
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  city: string | null;
  enteredAt: string;
}

interface SearchAnswer {
  q: string;
  customers: Array<{ id: number; externalId: string; name: string; email: string | null; city: string | null; isMember: boolean }>;
}

interface MembersAnswer {
  intent: string;
  members?: { changed: number; unchanged: number; unknown: string[]; unknownCount: number };
  problem?: string;
}

const SEARCH_DELAY_MS = 250;

function MemberButton({ segmentId, customerId, intent, label, className }: { segmentId: number; customerId: number; intent: "add" | "remove"; label: string; className: string }) {
  const fetcher = useFetcher<MembersAnswer>();
  return (
    <fetcher.Form method="post" action={`/segments/${segmentId}/edit`}>
      <AuthenticityTokenInput />
      <input type="hidden" name="customerId" value={customerId} />
      <button type="submit" name="intent" value={intent} className={className} disabled={fetcher.state !== "idle"}>
        {label}
      </button>
    </fetcher.Form>
  );
}

export function ManualMembers({
  segmentId,
  memberCount,
  members,
  store,
}: {
  segmentId: number;
  memberCount: number;
  members: { rows: MemberView[]; hasMore: boolean };
  store: { locale: string; timeZone: string };
}) {
  const { t } = useTranslation("segments");
  const [q, setQ] = useState("");
  const search = useFetcher<SearchAnswer>({ key: `segment-${segmentId}-search` });
  useEffect(() => {
    const term = q.trim();
    if (!term) return;
    const timer = setTimeout(() => search.load(`/segments/customers?segment=${segmentId}&q=${encodeURIComponent(term)}`), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q, segmentId]);
  const found = q.trim() && search.data?.q === q.trim() ? search.data.customers : null;
  const uploaded = useActionData<MembersAnswer>();
  const navigation = useNavigation();
  const isUploading = navigation.state === "submitting" && navigation.formData?.get("intent") === "upload";
  const n = (v: number) => formatNumber(v, store.locale);
  const name = (m: { firstName: string | null; lastName: string | null }) => [m.firstName, m.lastName].filter(Boolean).join(" ");

  return (
    <section className="card space-y-5" data-testid="manual-members">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-900">{t("manual.title")}</h2>
        <span className="text-sm text-slate-600" data-testid="manual-count">
          {t("manual.count", { count: memberCount, formatted: n(memberCount) })}
        </span>
      </div>

      <div>
        <label className="block">
          <span className="label text-xs">{t("manual.search")}</span>
          <input type="search" className="input mt-1" value={q} onChange={(e) => setQ(e.currentTarget.value)} placeholder={t("manual.searchPlaceholder")} maxLength={200} data-testid="manual-search" />
        </label>
        {found && (
          <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="manual-results">
            {found.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">{t("manual.noResults")}</li>}
            {found.map((c) => (
              <li key={c.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
                <div className="min-w-0">
                  <div className="truncate font-medium text-slate-900">{c.name || <span className="italic text-slate-500">{t("preview.noName")}</span>}</div>
                  <div className="truncate text-xs text-slate-500">{[c.externalId, c.email, c.city].filter(Boolean).join(" · ")}</div>
                </div>
                {c.isMember ? (
                  <span className="badge shrink-0 bg-emerald-50 text-emerald-700">{t("manual.alreadyIn")}</span>
                ) : (
                  <MemberButton segmentId={segmentId} customerId={c.id} intent="add" label={t("manual.add")} className="btn-secondary shrink-0" />
                )}
              </li>
            ))}
          </ul>
        )}
      </div>

      <Form method="post" encType="multipart/form-data" className="rounded-md border border-dashed border-slate-300 p-3" data-testid="manual-upload">
        <AuthenticityTokenInput />
        <div className="flex flex-wrap items-end gap-3">
          <label className="block min-w-[14rem] flex-1">
            <span className="label text-xs">{t("manual.csv")}</span>
            <input type="file" name="file" accept=".csv,text/csv,text/plain" required className="mt-1 block w-full text-sm" />
          </label>
          <fieldset className="flex gap-3 text-sm">
            <legend className="sr-only">{t("manual.csvMode")}</legend>
            <label className="inline-flex items-center gap-1.5">
              <input type="radio" name="mode" value="add" defaultChecked /> {t("manual.csvAdd")}
            </label>
            <label className="inline-flex items-center gap-1.5">
              <input type="radio" name="mode" value="remove" /> {t("manual.csvRemove")}
            </label>
          </fieldset>
          <button type="submit" name="intent" value="upload" className="btn-secondary" disabled={isUploading}>
            {isUploading ? t("manual.uploading") : t("manual.upload")}
          </button>
        </div>
        <p className="mt-2 text-xs text-slate-500">{t("manual.csvHelp")}</p>
      </Form>

      {uploaded?.intent === "upload" && uploaded.members && (
        <Notice tone={uploaded.members.unknownCount ? "warning" : "success"} testId="upload-result">
          {t("manual.uploaded", { changed: n(uploaded.members.changed), unchanged: n(uploaded.members.unchanged) })}
          {uploaded.members.unknownCount > 0 && (
            <span className="block">
              {t("manual.unknown", { count: uploaded.members.unknownCount })} <span className="font-mono">{uploaded.members.unknown.join(", ")}</span>
              {uploaded.members.unknownCount > uploaded.members.unknown.length ? " …" : ""}
            </span>
          )}
        </Notice>
      )}
      {uploaded?.problem && <Notice tone="error">{t(`manual.problems.${uploaded.problem}`, { defaultValue: t("manual.problems.badRequest") })}</Notice>}

      {members.rows.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="manual-empty">
          {t("manual.empty")}
        </p>
      ) : (
        <div className="table-box">
          <table className="table" data-testid="manual-table">
            <thead>
              <tr>
                <th scope="col">{t("members.customer")}</th>
                <th scope="col">{t("members.entered")}</th>
                <th scope="col">
                  <span className="sr-only">{t("list.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.rows.map((m) => (
                <tr key={m.id}>
                  <td className="max-w-[18rem]">
                    <Link to={`/customers/${m.id}`} className="block truncate font-medium text-indigo-700 hover:underline">
                      {name(m) || <span className="italic text-slate-500">{t("preview.noName")}</span>}
                    </Link>
                    <div className="truncate text-xs text-slate-500">{[m.externalId, m.email].filter(Boolean).join(" · ")}</div>
                  </td>
                  <td className="whitespace-nowrap text-sm">{formatDateTime(m.enteredAt, store.locale, store.timeZone)}</td>
                  <td className="text-right">
                    <MemberButton segmentId={segmentId} customerId={m.id} intent="remove" label={t("manual.remove")} className="btn-secondary text-red-700" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {members.hasMore && (
            <Link to={`/segments/${segmentId}#members`} className="mt-2 inline-block text-sm text-indigo-700 hover:underline">
              {t("manual.more")}
            </Link>
          )}
        </div>
      )}
    </section>
  );
}
