// The one form of a campaign, for a new one and for changes: name, the channel chain (add, remove,
// reorder), the audience, the schedule, quiet hours, and a message editor per channel of the chain.
// It posts plain fields (campaignInputOfForm reads them); the server answers with the API's field
// errors, shown beside their fields and listed on top.
import { Form, Link, useNavigation } from "@remix-run/react";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { CAMPAIGN_NAME_MAX, type CampaignChannel } from "../../../campaigns/definition";
import type { FieldError } from "../../../models/ingest/schemas";
import { formatNumber } from "~/format";
import { emptyTemplate, errorsAt, errorsUnder, type CampaignFormValues, type TemplateValues } from "./form";
import { ChannelChainEditor, Problems, TemplateEditor } from "~/components/messages/MessageEditor";
import { VariablesReference } from "./parts";
import { TryOutPanel } from "./TryOut";

export interface SegmentChoice {
  id: number;
  name: string;
  code: string;
  memberCount: number;
  isActive: boolean;
}

interface Props {
  initial: CampaignFormValues;
  segments: SegmentChoice[];
  store: { timeZone: string; locale: string };
  storeQuietHours: { start: string; end: string } | null;
  variables: Array<{ name: string; key: string; example?: string }> | null;
  errors?: FieldError[];
  submitLabel: string;
  cancelTo: string;
  /** The saved campaign being edited (the test send's audit names it); null for a new one. */
  campaignId?: number | null;
  /** The signed-in user's address: where a test email goes. */
  ownEmail: string;
}

export function CampaignForm({ initial, segments, store, storeQuietHours, variables, errors, submitLabel, cancelTo, campaignId = null, ownEmail }: Props) {
  const { t } = useTranslation("campaigns");
  const navigation = useNavigation();
  const [channels, setChannels] = useState<CampaignChannel[]>(initial.channels);
  const [templates, setTemplates] = useState(initial.templates);
  const [include, setInclude] = useState<number[]>(initial.includeSegmentIds);
  const [exclude, setExclude] = useState<number[]>(initial.excludeSegmentIds);
  const [scheduleKind, setScheduleKind] = useState(initial.scheduleKind);
  const [timeZoneMode, setTimeZoneMode] = useState(initial.timeZoneMode);
  const [quietMode, setQuietMode] = useState(initial.quietHoursMode);
  const ids = useId();
  const under = (...fields: string[]) => errorsUnder(errors, ...fields);

  const setTemplate = (channel: CampaignChannel, field: keyof TemplateValues, value: string) =>
    setTemplates((all) => ({ ...all, [channel]: { ...(all[channel] ?? emptyTemplate()), [field]: value } }));

  return (
    <Form method="post" className="space-y-5" data-testid="campaign-form" noValidate>
      <AuthenticityTokenInput />
      {errors && errors.length > 0 && (
        <div className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert" data-testid="campaign-errors">
          <p className="font-medium">{t("editor.hasErrors")}</p>
          <ul className="mt-1 list-inside list-disc">
            {errors.map((e, i) => (
              <li key={i} className="break-words">
                <span className="font-mono text-xs">{e.field}</span> {e.reason}
              </li>
            ))}
          </ul>
        </div>
      )}

      <section className="card space-y-2">
        <label className="label" htmlFor={`${ids}-name`}>
          {t("editor.name")}
        </label>
        <input id={`${ids}-name`} name="name" className="input" defaultValue={initial.name} maxLength={CAMPAIGN_NAME_MAX} required placeholder={t("editor.namePlaceholder")} aria-invalid={under("name").length > 0} />
        <Problems messages={under("name")} />
      </section>

      <ChannelChainEditor channels={channels} onChange={setChannels} onAdd={(channel) => setTemplates((all) => (all[channel] ? all : { ...all, [channel]: emptyTemplate() }))} problems={under("channels")} />

      <section className="card space-y-4">
        <div>
          <h2 className="text-sm font-semibold text-slate-900">{t("editor.audienceTitle")}</h2>
          <p className="text-xs text-slate-500">{t("editor.audienceHelp")}</p>
        </div>
        <div className="grid gap-4 lg:grid-cols-2">
          <SegmentPicker
            name="includeSegmentIds"
            legend={t("editor.include")}
            segments={segments}
            selected={include}
            unavailable={exclude}
            onChange={setInclude}
            locale={store.locale}
            problems={under("includeSegmentIds")}
          />
          <SegmentPicker
            name="excludeSegmentIds"
            legend={t("editor.exclude")}
            segments={segments}
            selected={exclude}
            unavailable={include}
            onChange={setExclude}
            locale={store.locale}
            problems={under("excludeSegmentIds")}
          />
        </div>
      </section>

      <section className="card space-y-3">
        <h2 className="text-sm font-semibold text-slate-900">{t("editor.scheduleTitle")}</h2>
        <fieldset className="flex flex-wrap gap-4 text-sm">
          <legend className="sr-only">{t("editor.scheduleTitle")}</legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="scheduleKind" value="now" checked={scheduleKind === "now"} onChange={() => setScheduleKind("now")} />
            {t("editor.sendNow")}
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="scheduleKind" value="at" checked={scheduleKind === "at"} onChange={() => setScheduleKind("at")} data-testid="schedule-at" />
            {t("editor.sendAt")}
          </label>
        </fieldset>
        {scheduleKind === "at" && (
          <div className="grid gap-3 sm:grid-cols-2">
            <div>
              <label className="label" htmlFor={`${ids}-at`}>
                {t("editor.dateTime")}
              </label>
              <input id={`${ids}-at`} type="datetime-local" name="sendAt" className="input mt-1" defaultValue={initial.sendAt} aria-invalid={under("schedule.sendAt", "schedule.localSendAt").length > 0} />
              <Problems messages={under("schedule.sendAt", "schedule.localSendAt")} />
            </div>
            <fieldset className="space-y-1 text-sm">
              <legend className="label">{t("editor.timeZone")}</legend>
              <label className="flex items-start gap-2">
                <input type="radio" name="timeZoneMode" value="store" className="mt-1" checked={timeZoneMode === "store"} onChange={() => setTimeZoneMode("store")} />
                <span>{t("editor.storeZone", { zone: store.timeZone })}</span>
              </label>
              <label className="flex items-start gap-2">
                <input type="radio" name="timeZoneMode" value="customer" className="mt-1" checked={timeZoneMode === "customer"} onChange={() => setTimeZoneMode("customer")} />
                <span>{t("editor.customerZone")}</span>
              </label>
            </fieldset>
          </div>
        )}
        <Problems messages={errorsAt(errors, "schedule", "schedule.kind", "schedule.timeZoneMode")} />
      </section>

      <section className="card space-y-3">
        <h2 className="text-sm font-semibold text-slate-900">{t("editor.quietTitle")}</h2>
        <fieldset className="space-y-1 text-sm">
          <legend className="sr-only">{t("editor.quietTitle")}</legend>
          <label className="flex items-start gap-2">
            <input type="radio" name="quietHoursMode" value="store" className="mt-1" checked={quietMode === "store"} onChange={() => setQuietMode("store")} />
            <span>{storeQuietHours ? t("editor.quietStore", storeQuietHours) : t("editor.quietStoreNone")}</span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="quietHoursMode" value="own" className="mt-1" checked={quietMode === "own"} onChange={() => setQuietMode("own")} data-testid="quiet-own" />
            <span>{t("editor.quietOwn")}</span>
          </label>
        </fieldset>
        {quietMode === "own" && (
          <div className="flex flex-wrap items-end gap-3">
            <label className="block">
              <span className="label">{t("editor.quietFrom")}</span>
              <input type="time" name="quietHoursStart" className="input mt-1" defaultValue={initial.quietHoursStart || "21:00"} />
            </label>
            <label className="block">
              <span className="label">{t("editor.quietTo")}</span>
              <input type="time" name="quietHoursEnd" className="input mt-1" defaultValue={initial.quietHoursEnd || "09:00"} />
            </label>
          </div>
        )}
        <p className="text-xs text-slate-500">{t("editor.quietHelp")}</p>
        <Problems messages={under("quietHours")} />
      </section>

      <div className="grid gap-5 xl:grid-cols-3">
        <div className="space-y-5 xl:col-span-2">
          {channels.map((channel) => (
            <TemplateEditor key={channel} channel={channel} value={templates[channel] ?? emptyTemplate()} onChange={(field, value) => setTemplate(channel, field, value)} problems={(f) => under(f ? `templates.${channel}.${f}` : `templates.${channel}`)} />
          ))}
          <Problems messages={errorsAt(errors, "templates")} />
        </div>
        <div>
          <VariablesReference variables={variables} />
        </div>
      </div>

      <TryOutPanel channels={channels} templates={templates} campaignId={campaignId} ownEmail={ownEmail} />

      <div className="flex flex-wrap items-center justify-end gap-2">
        <Link to={cancelTo} className="btn-secondary">
          {t("editor.cancel")}
        </Link>
        <button type="submit" className="btn" disabled={navigation.state !== "idle"} data-testid="save-campaign">
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}

function SegmentPicker({
  name,
  legend,
  segments,
  selected,
  unavailable,
  onChange,
  locale,
  problems,
}: {
  name: string;
  legend: string;
  segments: SegmentChoice[];
  selected: number[];
  unavailable: number[];
  onChange: (ids: number[]) => void;
  locale: string;
  problems: string[];
}) {
  const { t } = useTranslation("campaigns");
  const [filter, setFilter] = useState("");
  const shown = useMemo(() => {
    const needle = filter.trim().toLocaleLowerCase();
    return needle ? segments.filter((s) => s.name.toLocaleLowerCase().includes(needle) || s.code.includes(needle) || selected.includes(s.id)) : segments;
  }, [filter, segments, selected]);
  const toggle = (id: number, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  // ids posted but not listed (a segment deleted since): kept, so that the server names them
  const unlisted = selected.filter((id) => !segments.some((s) => s.id === id));
  return (
    <fieldset className="min-w-0" data-testid={`picker-${name}`}>
      <legend className="label">{legend}</legend>
      {segments.length > 8 && (
        <input type="search" className="input mt-1" value={filter} onChange={(e) => setFilter(e.currentTarget.value)} placeholder={t("editor.filterSegments")} aria-label={t("editor.filterSegmentsOf", { legend })} />
      )}
      <div className="mt-2 max-h-60 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
        {segments.length === 0 && <p className="text-sm text-slate-500">{t("editor.noSegments")}</p>}
        {shown.map((s) => (
          <label key={s.id} className={`flex items-start gap-2 rounded px-1 py-0.5 text-sm hover:bg-slate-50 ${unavailable.includes(s.id) ? "opacity-50" : ""}`}>
            <input type="checkbox" name={name} value={s.id} className="mt-0.5" checked={selected.includes(s.id)} disabled={unavailable.includes(s.id)} onChange={(e) => toggle(s.id, e.currentTarget.checked)} />
            <span className="min-w-0 flex-1 break-words">
              {s.name}
              {!s.isActive && <span className="ml-1 text-xs text-slate-400">({t("editor.inactive")})</span>}
            </span>
            <span className="shrink-0 text-xs tabular-nums text-slate-500">{formatNumber(s.memberCount, locale)}</span>
          </label>
        ))}
        {unlisted.map((id) => (
          <input key={id} type="hidden" name={name} value={id} />
        ))}
      </div>
      <Problems messages={problems} />
    </fieldset>
  );
}
