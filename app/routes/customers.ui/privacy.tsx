// The customer page's cards about the customer's rights (docs/decisions/0040): the consent history
// per channel, and for admins the data export and the erasure behind a typed confirmation.
import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { useTranslation } from "react-i18next";
import { Dialog } from "~/components/ui/Dialog";
import { formatDateTime } from "~/format";
import { Card } from "./card";
import type { CustomerPageData } from "./page-data.server";
import type { EraseActionData } from "../customers.$id_.erase";

const SUBJECTS = ["marketing", "email", "sms", "messenger", "viber"] as const;

export function ConsentHistoryCard({ data }: { data: CustomerPageData }) {
  const { privacy, store } = data;
  const { t } = useTranslation("customers");
  const groups = SUBJECTS.map((subject) => ({ subject, records: privacy.consents.filter((r) => r.subject === subject) })).filter((g) => g.records.length > 0);
  return (
    <Card title={t("privacy.consentTitle")} testId="consent-history">
      {groups.length === 0 ? (
        <p className="text-sm text-slate-500">{t("privacy.noConsents")}</p>
      ) : (
        <div className="space-y-4 text-sm">
          {groups.map(({ subject, records }) => (
            <section key={subject} data-testid={`consent-${subject}`}>
              <h3 className="font-medium text-slate-900">{t(`privacy.subjects.${subject}`)}</h3>
              <ol className="mt-1 space-y-1.5 border-l border-slate-200 pl-3">
                {records.map((r) => (
                  <li key={r.id} className="min-w-0">
                    <div className="flex flex-wrap items-baseline gap-x-2">
                      <span className={`badge ${r.isGranted ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-600"}`}>{r.isGranted ? t("privacy.granted") : t("privacy.withdrawn")}</span>
                      <span className="text-xs text-slate-500">{formatDateTime(r.occurredAt, store.locale, store.timeZone)}</span>
                    </div>
                    <div className="text-xs text-slate-500 [overflow-wrap:anywhere]">
                      {t(`privacy.sources.${r.source}`)}
                      {r.reference && <span className="font-mono"> · {r.reference}</span>}
                    </div>
                  </li>
                ))}
              </ol>
            </section>
          ))}
        </div>
      )}
    </Card>
  );
}

/** Admins: download what the store holds about the customer, or erase them. */
export function PrivacyCard({ data }: { data: CustomerPageData }) {
  const { privacy, profile } = data;
  const { t } = useTranslation("customers");
  if (!privacy.canExport && !privacy.canErase) return null;
  const base = `/customers/${profile.id}/export`;
  return (
    <Card title={t("privacy.title")} testId="privacy">
      <p className="text-sm text-slate-600">{t("privacy.exportHint")}</p>
      <div className="mt-3 flex flex-wrap gap-2">
        {privacy.canExport && (
          <>
            <a className="btn-secondary" href={`${base}?format=json`} download data-testid="export-json">
              {t("privacy.exportJson")}
            </a>
            <a className="btn-secondary" href={`${base}?format=csv`} download data-testid="export-csv">
              {t("privacy.exportCsv")}
            </a>
          </>
        )}
      </div>
      {privacy.canErase && !privacy.erasedAt && <EraseButton customerId={profile.id} externalId={profile.externalId} />}
    </Card>
  );
}

function EraseButton({ customerId, externalId }: { customerId: number; externalId: string }) {
  const { t } = useTranslation(["customers", "common"]);
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const fetcher = useFetcher<EraseActionData>();
  const busy = fetcher.state !== "idle";
  const mismatch = fetcher.data && !fetcher.data.ok;
  return (
    <div className="mt-4 border-t border-slate-100 pt-3">
      <p className="text-sm text-slate-600">{t("privacy.eraseHint")}</p>
      <button type="button" className="btn-secondary mt-2 text-red-700" onClick={() => setOpen(true)} data-testid="erase-open">
        {t("privacy.erase")}
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("privacy.eraseTitle")} testId="erase-dialog">
        <fetcher.Form method="post" action={`/customers/${customerId}/erase`} className="space-y-3">
          <AuthenticityTokenInput />
          <p className="text-sm text-slate-700">{t("privacy.eraseWarning")}</p>
          <label className="block text-sm">
            <span className="text-slate-700">{t("privacy.eraseConfirmLabel", { externalId })}</span>
            <input
              name="confirmation"
              className="input mt-1 w-full font-mono"
              autoComplete="off"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              aria-invalid={mismatch || undefined}
              aria-describedby={mismatch ? "erase-confirmation-error" : undefined}
              data-autofocus
              data-testid="erase-confirmation"
            />
          </label>
          {mismatch && (
            <p id="erase-confirmation-error" className="text-sm text-red-700" role="alert">
              {t("privacy.eraseMismatch")}
            </p>
          )}
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => setOpen(false)}>
              {t("common:cancel")}
            </button>
            <button type="submit" className="btn-danger" disabled={busy || typed.trim() !== externalId} data-testid="erase-submit">
              {t("privacy.eraseConfirm")}
            </button>
          </div>
        </fetcher.Form>
      </Dialog>
    </div>
  );
}

/** What the page shows of an erased customer: that they were, when, and nothing personal. */
export function ErasedNotice({ data }: { data: CustomerPageData }) {
  const { privacy, store } = data;
  const { t } = useTranslation("customers");
  if (!privacy.erasedAt) return null;
  return (
    <div className="rounded-md border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900" role="status" data-testid="erased-notice">
      <p className="font-medium">{t("privacy.erasedTitle")}</p>
      <p className="mt-1">{t("privacy.erasedText", { date: formatDateTime(privacy.erasedAt, store.locale, store.timeZone) })}</p>
    </div>
  );
}
