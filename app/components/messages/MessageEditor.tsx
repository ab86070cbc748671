// The message parts of the campaign form that the automation form uses too: the channel chain
// (add, remove, reorder) and one Liquid template editor per channel. Both post the campaign
// form's field names (`channels`, `templates.sms.textBody`), which the preview and test-send
// routes read as well; each form maps the server's field errors onto them.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { CAMPAIGN_CHANNELS, SUBJECT_MAX, type CampaignChannel } from "../../../campaigns/definition";
import { SmsCounter } from "~/routes/campaigns.ui/parts";
import type { TemplateValues } from "~/routes/campaigns.ui/form";

/** A field's problems, joined, under the field. */
export function Problems({ messages, id }: { messages: string[]; id?: string }) {
  if (messages.length === 0) return null;
  return (
    <p className="field-error" id={id}>
      {messages.join(" · ")}
    </p>
  );
}

/** The fallback chain being edited: each channel in order, with moves, removal and the channels to add. */
export function ChannelChainEditor({
  channels,
  onChange,
  onAdd,
  problems,
}: {
  channels: CampaignChannel[];
  onChange: (channels: CampaignChannel[]) => void;
  /** A channel was added at the end (its template editor then needs a value). */
  onAdd: (channel: CampaignChannel) => void;
  problems: string[];
}) {
  const { t } = useTranslation("campaigns");
  const move = (from: number, to: number) => {
    const next = [...channels];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    onChange(next);
  };
  const missing = CAMPAIGN_CHANNELS.filter((c) => !channels.includes(c));
  return (
    <section className="card space-y-3" data-testid="channel-chain-editor">
      <div>
        <h2 className="text-sm font-semibold text-slate-900">{t("editor.channelsTitle")}</h2>
        <p className="text-xs text-slate-500">{t("editor.channelsHelp")}</p>
      </div>
      <ol className="space-y-2">
        {channels.map((channel, i) => (
          <li key={channel} className="flex flex-wrap items-center gap-2 rounded-md border border-slate-200 px-3 py-2" data-testid={`chain-${channel}`}>
            <input type="hidden" name="channels" value={channel} />
            <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700">{i + 1}</span>
            <span className="min-w-0 flex-1 font-medium">
              {t(`channels.${channel}`)}
              {i > 0 && <span className="ml-2 text-xs font-normal text-slate-500">{t("editor.fallbackOf", { channel: t(`channels.${channels[i - 1]}`) })}</span>}
            </span>
            <span className="flex gap-1">
              <button type="button" className="btn-secondary px-2" onClick={() => move(i, i - 1)} disabled={i === 0} aria-label={t("editor.moveUp", { channel: t(`channels.${channel}`) })}>
                ↑
              </button>
              <button type="button" className="btn-secondary px-2" onClick={() => move(i, i + 1)} disabled={i === channels.length - 1} aria-label={t("editor.moveDown", { channel: t(`channels.${channel}`) })}>
                ↓
              </button>
              <button type="button" className="btn-secondary px-2 text-red-700" onClick={() => onChange(channels.filter((c) => c !== channel))} disabled={channels.length === 1} aria-label={t("editor.removeChannel", { channel: t(`channels.${channel}`) })}>
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
      {missing.length > 0 && (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm text-slate-600">{t("editor.addChannel")}</span>
          {missing.map((c) => (
            <button
              key={c}
              type="button"
              className="btn-secondary"
              onClick={() => {
                onChange([...channels, c]);
                onAdd(c);
              }}
              data-testid={`add-${c}`}
            >
              + {t(`channels.${c}`)}
            </button>
          ))}
        </div>
      )}
      <Problems messages={problems} />
    </section>
  );
}

/** One channel's message: subject, HTML and text part for email; the text (with its counter) otherwise. */
export function TemplateEditor({
  channel,
  value,
  onChange,
  problems,
}: {
  channel: CampaignChannel;
  value: TemplateValues;
  onChange: (field: keyof TemplateValues, value: string) => void;
  problems: (field?: keyof TemplateValues) => string[];
}) {
  const { t } = useTranslation("campaigns");
  const ids = useId();
  const field = (f: keyof TemplateValues) => `templates.${channel}.${f}`;
  const own = problems().filter((p) => !(["subject", "htmlBody", "textBody"] as const).some((f) => problems(f).includes(p)));
  return (
    <section className="card space-y-3" data-testid={`template-${channel}`}>
      <h2 className="text-sm font-semibold text-slate-900">{t("editor.messageOn", { channel: t(`channels.${channel}`) })}</h2>
      {channel === "email" ? (
        <>
          <div>
            <label className="label" htmlFor={`${ids}-subject`}>
              {t("editor.subject")}
            </label>
            <input id={`${ids}-subject`} name={field("subject")} className="input mt-1" maxLength={SUBJECT_MAX} value={value.subject} onChange={(e) => onChange("subject", e.currentTarget.value)} />
            <Problems messages={problems("subject")} />
          </div>
          <div>
            <label className="label" htmlFor={`${ids}-html`}>
              {t("editor.htmlBody")}
            </label>
            <textarea id={`${ids}-html`} name={field("htmlBody")} rows={10} className="input mt-1 font-mono text-xs" spellCheck={false} value={value.htmlBody} onChange={(e) => onChange("htmlBody", e.currentTarget.value)} />
            <Problems messages={problems("htmlBody")} />
          </div>
          <div>
            <label className="label" htmlFor={`${ids}-text`}>
              {t("editor.textPart")}
            </label>
            <textarea id={`${ids}-text`} name={field("textBody")} rows={5} className="input mt-1" value={value.textBody} onChange={(e) => onChange("textBody", e.currentTarget.value)} aria-describedby={`${ids}-text-help`} />
            <p className="mt-1 text-xs text-slate-500" id={`${ids}-text-help`}>
              {t("editor.textPartHelp")}
            </p>
            <Problems messages={problems("textBody")} />
          </div>
        </>
      ) : (
        <div>
          <label className="label" htmlFor={`${ids}-text`}>
            {t("editor.message")}
          </label>
          <textarea id={`${ids}-text`} name={field("textBody")} rows={5} className="input mt-1" value={value.textBody} onChange={(e) => onChange("textBody", e.currentTarget.value)} aria-describedby={`${ids}-count`} />
          {channel === "sms" ? (
            <SmsCounter text={value.textBody} id={`${ids}-count`} />
          ) : (
            <p className="mt-1 text-xs text-slate-500" id={`${ids}-count`}>
              {t("editor.characters", { count: [...value.textBody].length })}
            </p>
          )}
          <Problems messages={problems("textBody")} />
        </div>
      )}
      <Problems messages={own} />
    </section>
  );
}
