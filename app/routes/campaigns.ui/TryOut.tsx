// "Preview and test" on the campaign form: pick a customer (the customer list's own search, through
// /segments/customers), see every channel of the chain rendered for them from what the form holds
// now (POST /campaigns/preview, again a moment after each change), and send one channel's message
// to yourself (POST /campaigns/test-send). It sits inside the campaign form, so nothing here has a
// name (nothing is posted with the campaign) and Enter never submits the campaign.
import { Link, useFetcher } from "@remix-run/react";
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { useAuthenticityToken } from "remix-utils/csrf/react";
import type { CampaignChannel } from "../../../campaigns/definition";
import { Dialog } from "~/components/ui/Dialog";
import { emptyTemplate, type TemplateValues } from "./form";
import type { ChannelPreview, PreviewAnswer, TestSendAnswer } from "./try-out";

interface PickedCustomer {
  id: number;
  name: string;
  externalId: string;
  email: string | null;
}

interface SearchAnswer {
  q: string;
  customers: PickedCustomer[];
}

const SEARCH_DELAY_MS = 250;
const PREVIEW_DELAY_MS = 400;

const stopEnter = (event: KeyboardEvent) => {
  // the panel is inside the campaign form: Enter here must not save the campaign
  if (event.key === "Enter") event.preventDefault();
};

/** The drafts as the preview and test-send routes read them (the campaign form's own field names). */
function draftFields(body: FormData, channels: readonly CampaignChannel[], templates: Partial<Record<CampaignChannel, TemplateValues>>) {
  for (const channel of channels) {
    const t = templates[channel] ?? emptyTemplate();
    if (channel === "email") {
      body.append("templates.email.subject", t.subject);
      body.append("templates.email.htmlBody", t.htmlBody);
    }
    body.append(`templates.${channel}.textBody`, t.textBody);
  }
}

export function TryOutPanel({
  channels,
  templates,
  campaignId,
  ownEmail,
}: {
  channels: CampaignChannel[];
  templates: Partial<Record<CampaignChannel, TemplateValues>>;
  campaignId: number | null;
  ownEmail: string;
}) {
  const { t } = useTranslation("campaigns");
  const csrf = useAuthenticityToken();
  const [picked, setPicked] = useState<PickedCustomer | null>(null);
  const [testing, setTesting] = useState(false);
  const preview = useFetcher<PreviewAnswer>();
  const { submit } = preview;
  // what the preview depends on, as one value: a change of any of it renders again
  const draftKey = useMemo(() => JSON.stringify([picked?.id ?? null, channels, channels.map((c) => templates[c] ?? null)]), [picked, channels, templates]);
  useEffect(() => {
    if (!picked) return;
    const timer = setTimeout(() => {
      const body = new FormData();
      body.append("csrf", csrf);
      body.append("customerId", String(picked.id));
      for (const channel of channels) body.append("channels", channel);
      draftFields(body, channels, templates);
      submit(body, { method: "post", action: "/campaigns/preview" });
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
    // draftKey stands for picked, channels and templates
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftKey, csrf, submit]);

  const answer = picked && preview.data?.customerId === picked.id ? preview.data : null;
  const isUpdating = preview.state !== "idle";
  const customerName = picked ? picked.name || picked.externalId : "";

  return (
    <section className="card space-y-4" data-testid="try-out" aria-labelledby="try-out-title">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id="try-out-title" className="text-sm font-semibold text-slate-900">
            {t("tryOut.title")}
          </h2>
          <p className="text-xs text-slate-500">{t("tryOut.help")}</p>
        </div>
        <button type="button" className="btn-secondary" onClick={() => setTesting(true)} data-testid="open-test-send">
          {t("tryOut.testSend")}
        </button>
      </div>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,18rem)_minmax(0,1fr)]">
        <CustomerPicker picked={picked} onPick={setPicked} />
        <div className="min-w-0 space-y-3" aria-live="polite" aria-busy={isUpdating} data-testid="preview">
          {!picked ? (
            <p className="text-sm text-slate-500">{t("tryOut.pickFirst")}</p>
          ) : !answer ? (
            <p className="text-sm text-slate-500">{t("tryOut.updating")}</p>
          ) : answer.errors ? (
            <div className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert" data-testid="preview-errors">
              <p className="font-medium">{answer.errors.some((e) => e.field === "customerId") ? t("tryOut.notFound") : t("tryOut.failed")}</p>
              <ul className="mt-1 list-inside list-disc">
                {answer.errors.map((e, i) => (
                  <li key={i} className="break-words">
                    <span className="font-mono text-xs">{e.field}</span> {e.reason}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <div className={`space-y-3 transition-opacity ${isUpdating ? "opacity-60" : ""}`}>
              <p className="text-xs text-slate-500" data-testid="preview-for">
                {t("tryOut.previewFor", { name: customerName })}
              </p>
              {answer.previews?.map((p) => <MessagePreview key={p.channel} preview={p} customerName={customerName} />)}
            </div>
          )}
        </div>
      </div>
      <TestSendDialog open={testing} onClose={() => setTesting(false)} channels={channels} templates={templates} picked={picked} campaignId={campaignId} ownEmail={ownEmail} />
    </section>
  );
}

function CustomerPicker({ picked, onPick }: { picked: PickedCustomer | null; onPick: (c: PickedCustomer | null) => void }) {
  const { t } = useTranslation("campaigns");
  const ids = useId();
  const [q, setQ] = useState("");
  const search = useFetcher<SearchAnswer>();
  const { load } = search;
  useEffect(() => {
    const term = q.trim();
    if (!term) return;
    const timer = setTimeout(() => load(`/segments/customers?q=${encodeURIComponent(term)}`), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, load]);
  const found = !picked && q.trim() && search.data?.q === q.trim() ? search.data.customers : null;

  if (picked) {
    return (
      <div className="min-w-0 space-y-2 text-sm" data-testid="preview-customer">
        <span className="label text-xs">{t("tryOut.customer")}</span>
        <div className="min-w-0 rounded-md border border-slate-200 px-3 py-2">
          <div className="break-words font-medium text-slate-900" data-testid="preview-customer-name">
            {picked.name || <span className="italic text-slate-500">{t("tryOut.noName")}</span>}
          </div>
          <div className="break-words text-xs text-slate-500">{[picked.externalId, picked.email].filter(Boolean).join(" · ")}</div>
        </div>
        <button type="button" className="btn-secondary" onClick={() => onPick(null)} data-testid="preview-another">
          {t("tryOut.another")}
        </button>
      </div>
    );
  }
  return (
    <div className="min-w-0">
      <label className="label text-xs" htmlFor={`${ids}-q`}>
        {t("tryOut.search")}
      </label>
      <input
        id={`${ids}-q`}
        type="search"
        className="input mt-1"
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        onKeyDown={stopEnter}
        placeholder={t("tryOut.searchPlaceholder")}
        maxLength={200}
        autoComplete="off"
        data-testid="preview-search"
      />
      {found && (
        <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="preview-results">
          {found.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">{t("tryOut.noResults")}</li>}
          {found.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="flex w-full items-center justify-between gap-3 px-3 py-2 text-left text-sm hover:bg-slate-50 focus:bg-slate-50 focus:outline-none"
                onClick={() => {
                  onPick({ id: c.id, name: c.name, externalId: c.externalId, email: c.email });
                  setQ("");
                }}
                aria-label={t("tryOut.pickNamed", { name: c.name || c.externalId })}
                data-testid="preview-pick"
              >
                <span className="min-w-0">
                  <span className="block truncate font-medium text-slate-900">{c.name || <span className="italic text-slate-500">{t("tryOut.noName")}</span>}</span>
                  <span className="block truncate text-xs text-slate-500">{[c.externalId, c.email].filter(Boolean).join(" · ")}</span>
                </span>
                <span className="shrink-0 text-xs font-medium text-indigo-700">{t("tryOut.pick")}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Problems({ title, problems, testId }: { title: string; problems: ChannelPreview["problems"]; testId: string }) {
  if (problems.length === 0) return null;
  return (
    <div className="rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-800" role="alert" data-testid={testId}>
      <p className="font-medium">{title}</p>
      <ul className="mt-1 list-inside list-disc">
        {problems.map((p, i) => (
          <li key={i} className="break-words" data-line={p.line ?? undefined} data-variable={p.variable ?? undefined}>
            {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function MessagePreview({ preview, customerName }: { preview: ChannelPreview; customerName: string }) {
  const { t } = useTranslation("campaigns");
  const { channel, message, sms } = preview;
  return (
    <article className="min-w-0 space-y-2 rounded-md border border-slate-200 p-3" data-testid={`preview-${channel}`}>
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t(`channels.${channel}`)}</h3>
      <Problems title={message ? t("tryOut.cannotGo") : t("tryOut.cannotRender")} problems={preview.problems} testId={`preview-problems-${channel}`} />
      {message && channel === "email" && (
        <div className="space-y-2 text-sm">
          <p className="break-words">
            <span className="text-xs text-slate-500">{t("tryOut.subject")}: </span>
            <span className="font-medium text-slate-900" data-testid="preview-subject">
              {message.subject}
            </span>
          </p>
          {message.html !== undefined ? (
            // no scripts, forms, plugins or navigation of this page: sandbox without any allowance
            <iframe
              title={t("tryOut.htmlFrame", { name: customerName })}
              sandbox=""
              srcDoc={message.html}
              className="h-80 w-full rounded border border-slate-200 bg-white"
              data-testid="preview-html"
            />
          ) : (
            <p className="text-xs text-slate-500">{t("tryOut.noHtml")}</p>
          )}
          <details className="rounded border border-slate-200" open={message.html === undefined}>
            <summary className="cursor-pointer px-2 py-1 text-xs font-medium text-slate-600">{t("tryOut.textPart")}</summary>
            <pre className="max-h-60 overflow-auto whitespace-pre-wrap break-words border-t border-slate-200 p-2 font-sans text-sm text-slate-800" data-testid="preview-text">
              {message.text}
            </pre>
          </details>
        </div>
      )}
      {message && channel !== "email" && (
        <>
          <p className="whitespace-pre-wrap break-words rounded-lg bg-slate-100 px-3 py-2 text-sm text-slate-900" data-testid="preview-text">
            {message.text}
          </p>
          <p className="text-xs text-slate-500" data-testid={`preview-count-${channel}`}>
            {sms
              ? `${t("editor.smsCharacters", { count: sms.characters })} · ${sms.encoding} · ${t("editor.smsParts", { count: sms.parts })}`
              : t("editor.characters", { count: [...message.text].length })}
          </p>
        </>
      )}
    </article>
  );
}

function TestSendDialog({
  open,
  onClose,
  channels,
  templates,
  picked,
  campaignId,
  ownEmail,
}: {
  open: boolean;
  onClose: () => void;
  channels: CampaignChannel[];
  templates: Partial<Record<CampaignChannel, TemplateValues>>;
  picked: PickedCustomer | null;
  campaignId: number | null;
  ownEmail: string;
}) {
  const { t } = useTranslation("campaigns");
  const ids = useId();
  const csrf = useAuthenticityToken();
  const [chosen, setChosen] = useState<CampaignChannel>(channels[0]);
  const [to, setTo] = useState("");
  const sender = useFetcher<TestSendAnswer>();
  const channel = channels.includes(chosen) ? chosen : channels[0];
  const answer = sender.state === "idle" ? sender.data : undefined;
  const toErrors = answer?.errors?.filter((e) => e.field === "to") ?? [];
  const otherErrors = answer?.errors?.filter((e) => e.field !== "to") ?? [];

  const send = () => {
    const body = new FormData();
    body.append("csrf", csrf);
    body.append("channel", channel);
    body.append("customerId", picked ? String(picked.id) : "");
    body.append("campaignId", campaignId ? String(campaignId) : "");
    if (channel !== "email") body.append("to", to);
    draftFields(body, [channel], templates);
    sender.submit(body, { method: "post", action: "/campaigns/test-send" });
  };

  return (
    <Dialog open={open} onClose={onClose} title={t("tryOut.testTitle")} testId="test-send">
      <p className="text-sm text-slate-700">{picked ? t("tryOut.testHelp", { name: picked.name || picked.externalId }) : t("tryOut.testHelpSample")}</p>
      <div className="space-y-3">
        <label className="block">
          <span className="label">{t("tryOut.testChannel")}</span>
          <select className="input mt-1" value={channel} onChange={(e) => setChosen(e.currentTarget.value as CampaignChannel)} data-testid="test-channel">
            {channels.map((c) => (
              <option key={c} value={c}>
                {t(`channels.${c}`)}
              </option>
            ))}
          </select>
        </label>
        {channel === "email" ? (
          <p className="break-words text-sm text-slate-600" data-testid="test-email-to">
            {t("tryOut.testEmailTo", { email: ownEmail })}
          </p>
        ) : (
          <div>
            <label className="label" htmlFor={`${ids}-to`}>
              {t(`tryOut.testTo.${channel}`)}
            </label>
            <input
              id={`${ids}-to`}
              className="input mt-1"
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
              onKeyDown={(e) => {
                stopEnter(e);
                if (e.key === "Enter" && sender.state === "idle") send();
              }}
              inputMode={channel === "sms" ? "tel" : "text"}
              autoComplete={channel === "sms" ? "tel" : "off"}
              placeholder={t(`tryOut.testToPlaceholder.${channel}`)}
              aria-invalid={toErrors.length > 0}
              aria-describedby={toErrors.length ? `${ids}-to-error` : undefined}
              data-testid="test-to"
            />
            {toErrors.length > 0 && (
              <p className="field-error" id={`${ids}-to-error`}>
                {toErrors.map((e) => e.reason).join(" · ")}
              </p>
            )}
          </div>
        )}
        <p className="text-xs text-slate-500">{t("tryOut.testOutboxNote")}</p>
      </div>
      <div aria-live="polite" data-testid="test-result">
        {answer?.sent && (
          <p className="rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">
            {answer.sent.provider === "outbox" ? t("tryOut.sentOutbox", { to: answer.sent.to }) : t("tryOut.sent", { to: answer.sent.to, provider: t(`tryOut.providers.${answer.sent.provider}`) })}{" "}
            {answer.sent.provider === "outbox" && (
              <Link to="/outbox?purpose=test" className="font-medium underline" target="_blank" rel="noreferrer">
                {t("tryOut.openOutbox")}
              </Link>
            )}
          </p>
        )}
        {answer?.failed && (
          <p className="rounded-md bg-red-50 p-2 text-sm text-red-800" role="alert">
            {t("tryOut.sendFailed", { provider: t(`tryOut.providers.${answer.failed.provider}`), failure: answer.failed.failure, reason: answer.failed.reason })}
          </p>
        )}
        {otherErrors.length > 0 && (
          <div className="rounded-md bg-red-50 p-2 text-sm text-red-800" role="alert">
            <p className="font-medium">{t("tryOut.notSent")}</p>
            <ul className="mt-1 list-inside list-disc">
              {otherErrors.map((e, i) => (
                <li key={i} className="break-words">
                  <span className="font-mono text-xs">{e.field}</span> {e.reason}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <div className="flex flex-wrap justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onClose}>
          {t("tryOut.close")}
        </button>
        <button type="button" className="btn" onClick={send} disabled={sender.state !== "idle"} data-autofocus data-testid="test-send-button">
          {sender.state !== "idle" ? t("tryOut.sending") : t("tryOut.send")}
        </button>
      </div>
    </Dialog>
  );
}
