// The one form of an automation, for a new one and for changes: the trigger (a customer enters or
// leaves a segment), the delay, the action with its settings, the cap per customer, the firing
// hours and the active flag. A message action uses the campaign form's chain, template editors and
// preview/test-send panel. Every input is controlled, so switching the action or the delay back
// and forth keeps what was typed; the server answers with the API's field errors.
import { Form, Link, useNavigation } from "@remix-run/react";
import { useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import type { CampaignChannel } from "../../../campaigns/definition";
import { AUTOMATION_NAME_MAX, TASK_DESCRIPTION_MAX, TASK_TITLE_MAX } from "../../../automations/definition";
import type { FieldError } from "../../../models/ingest/schemas";
import { formatNumber } from "~/format";
import { ChannelChainEditor, Problems, TemplateEditor } from "~/components/messages/MessageEditor";
import { VariablesReference } from "../campaigns.ui/parts";
import { TryOutPanel } from "../campaigns.ui/TryOut";
import { emptyTemplate, errorsAt, errorsUnder, type TemplateValues } from "../campaigns.ui/form";
import { ACTION_KINDS, CAP_KINDS, DELAY_KINDS, type AutomationFormValues } from "./form";

export interface SegmentOption {
  id: number;
  name: string;
  code: string;
  type: string;
  memberCount: number;
  isActive: boolean;
}

export interface UserOption {
  id: number;
  name: string;
  role: string;
}

interface Props {
  initial: AutomationFormValues;
  segments: SegmentOption[];
  users: UserOption[];
  store: { timeZone: string; locale: string };
  variables: Array<{ name: string; key: string; example?: string }> | null;
  errors?: FieldError[];
  submitLabel: string;
  cancelTo: string;
  /** The signed-in user's address: where a test email goes. */
  ownEmail: string;
}

function Section({ title, help, children, testId }: { title: string; help?: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card space-y-3" data-testid={testId}>
      <div>
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        {help && <p className="text-xs text-slate-500">{help}</p>}
      </div>
      {children}
    </section>
  );
}

export function AutomationForm({ initial, segments, users, store, variables, errors, submitLabel, cancelTo, ownEmail }: Props) {
  const { t } = useTranslation("automations");
  const navigation = useNavigation();
  const ids = useId();
  const [v, setValues] = useState<AutomationFormValues>(initial);
  const set = <K extends keyof AutomationFormValues>(key: K, value: AutomationFormValues[K]) => setValues((all) => ({ ...all, [key]: value }));
  const under = (...fields: string[]) => errorsUnder(errors, ...fields);
  const invalid = (...fields: string[]) => under(...fields).length > 0;
  const setTemplate = (channel: CampaignChannel, field: keyof TemplateValues, value: string) =>
    setValues((all) => ({ ...all, templates: { ...all.templates, [channel]: { ...(all.templates[channel] ?? emptyTemplate()), [field]: value } } }));
  const manualSegments = segments.filter((s) => s.type === "manual");
  const segmentLabel = (s: SegmentOption) => `${s.name} (${formatNumber(s.memberCount, store.locale)})${s.isActive ? "" : ` · ${t("form.inactive")}`}`;
  const userLabel = (u: UserOption) => `${u.name} · ${t(`roles.${u.role}`, { defaultValue: u.role })}`;

  return (
    <Form method="post" className="space-y-5" data-testid="automation-form" noValidate>
      <AuthenticityTokenInput />
      {errors && errors.length > 0 && (
        <div className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert" data-testid="automation-errors">
          <p className="font-medium">{t("form.hasErrors")}</p>
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
          {t("form.name")}
        </label>
        <input id={`${ids}-name`} name="name" className="input" value={v.name} onChange={(e) => set("name", e.currentTarget.value)} maxLength={AUTOMATION_NAME_MAX} placeholder={t("form.namePlaceholder")} aria-invalid={invalid("name")} />
        <Problems messages={under("name")} />
      </section>

      <Section title={t("form.triggerTitle")} help={t("form.triggerHelp")} testId="trigger">
        <div className="grid gap-3 sm:grid-cols-[minmax(0,12rem)_minmax(0,1fr)]">
          <label className="block">
            <span className="label">{t("form.when")}</span>
            <select name="triggerKind" className="input mt-1" value={v.triggerKind} onChange={(e) => set("triggerKind", e.currentTarget.value as "entered" | "left")} aria-invalid={invalid("trigger.kind")}>
              <option value="entered">{t("form.entersSegment")}</option>
              <option value="left">{t("form.leavesSegment")}</option>
            </select>
            <Problems messages={under("trigger.kind")} />
          </label>
          <label className="block min-w-0">
            <span className="label">{t("form.segment")}</span>
            <select name="triggerSegmentId" className="input mt-1" value={v.triggerSegmentId} onChange={(e) => set("triggerSegmentId", e.currentTarget.value)} aria-invalid={invalid("trigger.segmentId")} data-testid="trigger-segment">
              <option value="">{t("form.pickSegment")}</option>
              {segments.map((s) => (
                <option key={s.id} value={s.id}>
                  {segmentLabel(s)}
                </option>
              ))}
            </select>
            <Problems messages={under("trigger.segmentId")} />
          </label>
        </div>
        <Problems messages={errorsAt(errors, "trigger")} />
      </Section>

      <Section title={t("form.delayTitle")} help={t("form.delayHelp")} testId="delay">
        <div className="flex flex-wrap items-end gap-3">
          <label className="block">
            <span className="label">{t("form.delayKind")}</span>
            <select name="delayKind" className="input mt-1" value={v.delayKind} onChange={(e) => set("delayKind", e.currentTarget.value as AutomationFormValues["delayKind"])} data-testid="delay-kind">
              {DELAY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`delayKinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          {(v.delayKind === "minutes" || v.delayKind === "hours" || v.delayKind === "days") && (
            <label className="block">
              <span className="label">{t(`form.amountOf.${v.delayKind}`)}</span>
              <input name="delayAmount" inputMode="numeric" className="input mt-1 w-28" value={v.delayAmount} onChange={(e) => set("delayAmount", e.currentTarget.value)} aria-invalid={invalid("delay.amount")} data-testid="delay-amount" />
            </label>
          )}
          {v.delayKind === "next_day_at" && (
            <label className="block">
              <span className="label">{t("form.delayTime")}</span>
              <input type="time" name="delayTime" className="input mt-1" value={v.delayTime} onChange={(e) => set("delayTime", e.currentTarget.value)} aria-invalid={invalid("delay.time")} />
            </label>
          )}
        </div>
        {v.delayKind === "next_day_at" && <p className="text-xs text-slate-500">{t("form.delayTimeHelp", { zone: store.timeZone })}</p>}
        <Problems messages={under("delay")} />
      </Section>

      <Section title={t("form.actionTitle")} testId="action">
        <label className="block max-w-md">
          <span className="label">{t("form.actionKind")}</span>
          <select name="actionKind" className="input mt-1" value={v.actionKind} onChange={(e) => set("actionKind", e.currentTarget.value as AutomationFormValues["actionKind"])} data-testid="action-kind">
            {ACTION_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`actionKinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <Problems messages={errorsAt(errors, "action", "action.kind")} />

        {v.actionKind === "task" && (
          <div className="grid gap-3 md:grid-cols-2" data-testid="task-settings">
            <label className="block md:col-span-2">
              <span className="label">{t("form.taskTitle")}</span>
              <input name="taskTitle" className="input mt-1" value={v.taskTitle} onChange={(e) => set("taskTitle", e.currentTarget.value)} maxLength={TASK_TITLE_MAX} placeholder={t("form.taskTitlePlaceholder")} aria-invalid={invalid("action.title")} />
              <Problems messages={under("action.title")} />
            </label>
            <label className="block md:col-span-2">
              <span className="label">{t("form.taskDescription")}</span>
              <textarea name="taskDescription" rows={4} className="input mt-1" value={v.taskDescription} onChange={(e) => set("taskDescription", e.currentTarget.value)} maxLength={TASK_DESCRIPTION_MAX} aria-invalid={invalid("action.description")} />
              <span className="mt-1 block text-xs text-slate-500">{t("form.taskDescriptionHelp")}</span>
              <Problems messages={under("action.description")} />
            </label>
            <label className="block">
              <span className="label">{t("form.taskDueIn")}</span>
              <input name="taskDueInHours" inputMode="numeric" className="input mt-1 w-28" value={v.taskDueInHours} onChange={(e) => set("taskDueInHours", e.currentTarget.value)} aria-invalid={invalid("action.dueInHours")} />
              <span className="mt-1 block text-xs text-slate-500">{t("form.taskDueInHelp")}</span>
              <Problems messages={under("action.dueInHours")} />
            </label>
            <label className="block min-w-0">
              <span className="label">{t("form.taskFallback")}</span>
              <select name="taskFallbackUserId" className="input mt-1" value={v.taskFallbackUserId} onChange={(e) => set("taskFallbackUserId", e.currentTarget.value)} aria-invalid={invalid("action.fallbackUserId")}>
                <option value="">{t("form.nobodySkip")}</option>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {userLabel(u)}
                  </option>
                ))}
              </select>
              <span className="mt-1 block text-xs text-slate-500">{t("form.taskFallbackHelp")}</span>
              <Problems messages={under("action.fallbackUserId")} />
            </label>
          </div>
        )}

        {v.actionKind === "notify" && (
          <label className="block max-w-md">
            <span className="label">{t("form.notifyUser")}</span>
            <select name="notifyUserId" className="input mt-1" value={v.notifyUserId} onChange={(e) => set("notifyUserId", e.currentTarget.value)} aria-invalid={invalid("action.userId")}>
              <option value="">{t("form.pickUser")}</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {userLabel(u)}
                </option>
              ))}
            </select>
            <Problems messages={under("action.userId")} />
          </label>
        )}

        {(v.actionKind === "add_to_segment" || v.actionKind === "remove_from_segment") && (
          <label className="block max-w-md">
            <span className="label">{t("form.manualSegment")}</span>
            <select name="targetSegmentId" className="input mt-1" value={v.targetSegmentId} onChange={(e) => set("targetSegmentId", e.currentTarget.value)} aria-invalid={invalid("action.segmentId")}>
              <option value="">{t("form.pickSegment")}</option>
              {manualSegments.map((s) => (
                <option key={s.id} value={s.id}>
                  {segmentLabel(s)}
                </option>
              ))}
            </select>
            {manualSegments.length === 0 && <span className="mt-1 block text-xs text-slate-500">{t("form.noManualSegments")}</span>}
            <Problems messages={under("action.segmentId")} />
          </label>
        )}
      </Section>

      {v.actionKind === "message" && (
        <>
          <ChannelChainEditor
            channels={v.channels}
            onChange={(channels) => set("channels", channels)}
            onAdd={(channel) => setValues((all) => (all.templates[channel] ? all : { ...all, templates: { ...all.templates, [channel]: emptyTemplate() } }))}
            problems={under("action.channels")}
          />
          <div className="grid gap-5 xl:grid-cols-3">
            <div className="space-y-5 xl:col-span-2">
              {v.channels.map((channel) => (
                <TemplateEditor
                  key={channel}
                  channel={channel}
                  value={v.templates[channel] ?? emptyTemplate()}
                  onChange={(field, value) => setTemplate(channel, field, value)}
                  problems={(f) => under(f ? `action.templates.${channel}.${f}` : `action.templates.${channel}`)}
                />
              ))}
              <Problems messages={errorsAt(errors, "action.templates")} />
            </div>
            <div>
              <VariablesReference variables={variables} />
            </div>
          </div>
          <TryOutPanel channels={v.channels} templates={v.templates} campaignId={null} ownEmail={ownEmail} />
        </>
      )}

      <Section title={t("form.capTitle")} help={t("form.capHelp")} testId="cap">
        <fieldset className="space-y-2 text-sm">
          <legend className="sr-only">{t("form.capTitle")}</legend>
          {CAP_KINDS.map((k) => (
            <label key={k} className="flex flex-wrap items-center gap-2">
              <input type="radio" name="capKind" value={k} checked={v.capKind === k} onChange={() => set("capKind", k)} />
              <span>{t(`capKinds.${k}`)}</span>
              {k === "days" && v.capKind === "days" && (
                <>
                  <input name="capDays" inputMode="numeric" className="input w-20" value={v.capDays} onChange={(e) => set("capDays", e.currentTarget.value)} aria-label={t("form.capDays")} aria-invalid={invalid("cap.days")} />
                  <span>{t("form.days")}</span>
                </>
              )}
            </label>
          ))}
        </fieldset>
        <Problems messages={under("cap")} />
      </Section>

      <Section title={t("form.hoursTitle")} help={t("form.hoursHelp", { zone: store.timeZone })} testId="firing-hours">
        <fieldset className="space-y-2 text-sm">
          <legend className="sr-only">{t("form.hoursTitle")}</legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="firingHoursMode" value="any" checked={v.firingHoursMode === "any"} onChange={() => set("firingHoursMode", "any")} />
            {t("form.anyTime")}
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="firingHoursMode" value="own" checked={v.firingHoursMode === "own"} onChange={() => set("firingHoursMode", "own")} />
            {t("form.onlyBetween")}
          </label>
        </fieldset>
        {v.firingHoursMode === "own" && (
          <div className="flex flex-wrap items-end gap-3">
            <label className="block">
              <span className="label">{t("form.from")}</span>
              <input type="time" name="firingHoursStart" className="input mt-1" value={v.firingHoursStart} onChange={(e) => set("firingHoursStart", e.currentTarget.value)} aria-invalid={invalid("firingHours.start")} />
            </label>
            <label className="block">
              <span className="label">{t("form.to")}</span>
              <input type="time" name="firingHoursEnd" className="input mt-1" value={v.firingHoursEnd} onChange={(e) => set("firingHoursEnd", e.currentTarget.value)} aria-invalid={invalid("firingHours.end")} />
            </label>
          </div>
        )}
        <Problems messages={under("firingHours")} />
      </Section>

      <section className="card">
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="isActive" className="mt-0.5" checked={v.isActive} onChange={(e) => set("isActive", e.currentTarget.checked)} data-testid="is-active" />
          <span>
            <span className="font-medium text-slate-900">{t("form.isActive")}</span>
            <span className="block text-xs text-slate-500">{t("form.isActiveHelp")}</span>
          </span>
        </label>
        <Problems messages={under("isActive")} />
      </section>

      <div className="flex flex-wrap items-center justify-end gap-2">
        <Link to={cancelTo} className="btn-secondary">
          {t("form.cancel")}
        </Link>
        <button type="submit" className="btn" disabled={navigation.state !== "idle"} data-testid="save-automation">
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}
