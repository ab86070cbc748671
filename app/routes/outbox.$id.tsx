import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/auth/session.server";
import { msg } from "../../models/messages";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { formatDateTime } from "~/format";
import { campaignOfDelivery, getOutboxEntry } from "~/domain/campaigns.server";
import { CAMPAIGN_ROLES } from "./campaigns.ui/editor.server";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.message.subject || titled("message"), titled("outbox")) }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  if (!/^[1-9]\d{0,17}$/.test(params.id ?? "")) throw new Response(msg("ingest.noMessage"), { status: 404, statusText: "Not Found" });
  const db = context.services.db;
  const message = await getOutboxEntry(db, Number(params.id));
  if (!message) throw new Response(msg("ingest.noMessage"), { status: 404, statusText: "Not Found" });
  const [store, campaign] = await Promise.all([getStoreForReader(request, context), message.deliveryId ? campaignOfDelivery(db, message.deliveryId) : null]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return json({
    store: { locale: store.locale, timeZone: store.timeZone },
    campaign,
    message: {
      id: message.id,
      channel: message.channel,
      purpose: message.purpose,
      recipient: message.recipient,
      customerId: message.customerId,
      subject: message.subject,
      status: message.status,
      error: message.error,
      providerMessageId: message.providerMessageId,
      createdAt: iso(message.createdAt),
      sentAt: iso(message.sentAt),
      textBody: message.textBody,
      htmlBody: message.htmlBody,
    },
  });
}

export default function OutboxMessagePage() {
  const { message: m, store, campaign } = useLoaderData<typeof loader>();
  const { t } = useTranslation("campaigns");
  const at = (v: string | null) => formatDateTime(v, store.locale, store.timeZone);
  const rows: Array<[string, React.ReactNode]> = [
    [t("outbox.channel"), t(`channels.${m.channel}`, { defaultValue: m.channel })],
    [t("outbox.recipient"), m.customerId ? <Link to={`/customers/${m.customerId}`} className="text-indigo-700 hover:underline">{m.recipient}</Link> : m.recipient],
    [t("outbox.purpose"), t(`outbox.purposes.${m.purpose}`, { defaultValue: m.purpose })],
    [t("outbox.status"), t(`outbox.statuses.${m.status}`, { defaultValue: m.status })],
    [t("outbox.written"), at(m.createdAt)],
    ...(m.sentAt ? ([[t("outbox.sent"), at(m.sentAt)]] as Array<[string, string]>) : []),
    ...(campaign ? ([[t("outbox.campaign"), <Link key="c" to={`/campaigns/${campaign.id}`} className="text-indigo-700 hover:underline">{campaign.name}</Link>]] as Array<[string, React.ReactNode]>) : []),
    ...(m.providerMessageId ? ([[t("outbox.providerId"), <span key="p" className="break-all font-mono text-xs">{m.providerMessageId}</span>]] as Array<[string, React.ReactNode]>) : []),
    ...(m.error ? ([[t("outbox.error"), <span key="e" className="text-red-700">{m.error}</span>]] as Array<[string, React.ReactNode]>) : []),
  ];
  return (
    <div className="space-y-5">
      <div>
        <Link to="/outbox" className="text-sm text-indigo-700 hover:underline">
          ← {t("outbox.back")}
        </Link>
        <h1 className="page-title mt-2 break-words" data-testid="outbox-subject">
          {m.subject || t("outbox.messageTo", { recipient: m.recipient })}
        </h1>
      </div>
      <section className="card">
        <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-slate-500">{label}</dt>
              <dd className="min-w-0 break-words [overflow-wrap:anywhere]">{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      {m.htmlBody && (
        <section className="card space-y-2">
          <h2 className="text-sm font-semibold text-slate-900">{t("outbox.html")}</h2>
          <p className="text-xs text-slate-500">{t("outbox.htmlHelp")}</p>
          {/* an empty sandbox: no scripts, no forms, no same-origin access, no navigation of this page */}
          <iframe title={t("outbox.html")} sandbox="" srcDoc={m.htmlBody} className="h-[32rem] w-full rounded-md border border-slate-200 bg-white" data-testid="outbox-html" />
        </section>
      )}
      <section className="card space-y-2">
        <h2 className="text-sm font-semibold text-slate-900">{m.channel === "email" ? t("outbox.text") : t("outbox.messageText")}</h2>
        <pre className="whitespace-pre-wrap break-words font-sans text-sm [overflow-wrap:anywhere]" data-testid="outbox-text">
          {m.textBody || t("outbox.noText")}
        </pre>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
