import { useEffect, useRef, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { ConfirmSubmit } from "~/components/ui/ConfirmSubmit";
import { DataTable } from "~/components/ui/DataTable";
import { formatDateTime, formatNumber } from "~/format";
import { FEED_FILES, feedUrl } from "~/routes/feeds.ui/urls";
import type { FeedActionData } from "~/routes/segments.$id_.feed";
import { Notice } from "./parts";

export interface FeedPanelData {
  isEnabled: boolean;
  formats: Array<"csv" | "json">;
  enabledAt: string | null;
  rotatedAt: string | null;
  revokedAt: string | null;
  reads: Array<{ id: number; at: string; address: string; resource: "members" | "events"; format: "csv" | "json"; rows: number }>;
}

/**
 * The segment page's secret feed settings (admins): on/off, formats, a new URL shown once with a
 * copy button, and the feed's last reads. The URL exposes personal data, and the panel says so.
 */
export function FeedPanel({ segmentId, feed, locale, timeZone }: { segmentId: number; feed: FeedPanelData; locale: string; timeZone: string }) {
  const { t } = useTranslation("feeds");
  const fetcher = useFetcher<FeedActionData>();
  const busy = fetcher.state !== "idle";
  const answer = fetcher.data;
  const fresh = answer?.ok && (answer.intent === "enable" || answer.intent === "rotate") && feed.isEnabled ? answer : null;
  const at = (v: string | null) => formatDateTime(v, locale, timeZone);
  const state = feed.isEnabled ? "on" : feed.revokedAt ? "revoked" : "off";
  const badge = { on: "bg-emerald-50 text-emerald-700", revoked: "bg-rose-50 text-rose-700", off: "bg-slate-100 text-slate-600" }[state];

  return (
    <section className="card min-w-0 space-y-4" id="feed" data-testid="feed-panel" aria-labelledby="feed-title">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="feed-title" className="text-sm font-semibold text-slate-900">
          {t("panel.title")}
        </h2>
        <span className={`badge ${badge}`} data-testid="feed-state">
          {t(`panel.${state}`)}
        </span>
      </div>
      <p className="text-sm text-slate-600">{t("panel.help")}</p>
      <Notice tone="warning" testId="feed-warning">
        {t("panel.warning")}
      </Notice>

      <p className="text-sm text-slate-700" data-testid="feed-state-text">
        {state === "on" ? t("panel.stateOn", { at: at(feed.enabledAt) }) : state === "revoked" ? t("panel.stateRevoked", { at: at(feed.revokedAt) }) : t("panel.stateOff")}
        {state === "on" && feed.rotatedAt && <> {t("panel.rotatedAt", { at: at(feed.rotatedAt) })}</>}
      </p>

      {fresh && <FreshUrl token={fresh.token} origin={fresh.origin} formats={feed.formats} />}
      {answer && !answer.ok && (
        <Notice tone="error" testId="feed-error">
          {answer.error}
        </Notice>
      )}
      {answer?.ok && answer.intent === "revoke" && !feed.isEnabled && <Notice tone="success">{t("panel.revokedNow")}</Notice>}
      {answer?.ok && answer.intent === "formats" && <Notice tone="success">{t("panel.formatsSaved")}</Notice>}

      <fetcher.Form method="post" action={`/segments/${segmentId}/feed`} className="space-y-3">
        <AuthenticityTokenInput />
        <fieldset>
          <legend className="label">{t("panel.formats")}</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {(["csv", "json"] as const).map((f) => (
              <label key={f} className="flex items-center gap-2 text-sm text-slate-700">
                <input type="checkbox" name="formats" value={f} defaultChecked={feed.formats.includes(f)} className="h-4 w-4 rounded border-slate-300" data-testid={`feed-format-${f}`} />
                {t(`panel.${f}`)}
              </label>
            ))}
          </div>
          <p className="mt-1 text-xs text-slate-500">{t("panel.formatsHelp")}</p>
        </fieldset>
        <div className="flex flex-wrap gap-2">
          {feed.isEnabled ? (
            <>
              <button type="submit" name="intent" value="formats" className="btn-secondary" disabled={busy}>
                {t("panel.saveFormats")}
              </button>
              <ConfirmSubmit label={t("panel.rotate")} question={t("panel.rotateQuestion")} confirmLabel={t("panel.rotateConfirm")} name="intent" value="rotate" />
              <ConfirmSubmit label={t("panel.revoke")} question={t("panel.revokeQuestion")} confirmLabel={t("panel.revokeConfirm")} name="intent" value="revoke" danger />
            </>
          ) : (
            <button type="submit" name="intent" value="enable" className="btn" disabled={busy} data-testid="feed-enable">
              {t("panel.enable")}
            </button>
          )}
        </div>
      </fetcher.Form>

      <div className="min-w-0">
        <h3 className="text-sm font-semibold text-slate-900">{t("panel.reads")}</h3>
        {feed.reads.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500" data-testid="feed-no-reads">
            {t("panel.noReads")}
          </p>
        ) : (
          <div className="mt-2">
            <DataTable
              testId="feed-reads"
              rows={feed.reads}
              rowKey={(r) => r.id}
              columns={[
                { key: "at", header: t("panel.readAt"), primary: true, className: "whitespace-nowrap", cell: (r) => at(r.at) },
                { key: "address", header: t("panel.readAddress"), className: "font-mono text-xs [overflow-wrap:anywhere]", cell: (r) => r.address },
                { key: "what", header: t("panel.readWhat"), cell: (r) => t("panel.readResource", { resource: t(`panel.resources.${r.resource}`), format: r.format.toUpperCase() }) },
                { key: "rows", header: t("panel.readRows"), align: "right", className: "tabular-nums", cell: (r) => formatNumber(r.rows, locale) },
              ]}
            />
          </div>
        )}
      </div>
    </section>
  );
}

/** The new URL, shown once: a read-only field with a copy button, and the other files of the token. */
function FreshUrl({ token, origin, formats }: { token: string; origin: string; formats: Array<"csv" | "json"> }) {
  const { t } = useTranslation("feeds");
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const files = FEED_FILES.filter((f) => formats.some((format) => f.endsWith(`.${format}`)));
  const main = files[0] ?? FEED_FILES[0];
  const url = feedUrl(origin, token, main);
  useEffect(() => setCopied(null), [token]);
  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(url);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <div className="space-y-2 rounded-lg border border-indigo-200 bg-indigo-50 p-3" data-testid="feed-fresh-url">
      <label className="label" htmlFor="feed-url">
        {t("panel.url")}
      </label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <input
          id="feed-url"
          ref={input}
          className="input min-w-0 flex-1 bg-white font-mono text-xs"
          readOnly
          value={url}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          data-testid="feed-url"
        />
        <button type="button" className="btn shrink-0" onClick={() => void copy()} data-testid="feed-copy">
          {copied === "yes" ? t("panel.copied") : copied === "failed" ? t("panel.copyFailed") : t("panel.copy")}
        </button>
      </div>
      <p className="text-xs text-indigo-900">{t("panel.shownOnce")}</p>
      <div className="text-xs text-slate-700">
        <p>{t("panel.otherFiles")}</p>
        <ul className="mt-1 space-y-1">
          {files.map((f) => (
            <li key={f} className="min-w-0">
              <code className="font-mono [overflow-wrap:anywhere]">…/{f}</code> — {t(`panel.files.${f}`)}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
