// The segment editor: name, code, type, active flag, interval, All/Any and up to four criteria,
// with a live preview beside it (debounced, through a fetcher, nothing saved) and, for a saved
// segment, the impact of saving. The draft travels to the server as the API's JSON definition,
// which the server checks with the same schema as the API; its errors come back by criterion
// index and field and are shown next to the input they name.
import { Form, Link, useActionData, useFetcher, useNavigation } from "@remix-run/react";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput, useAuthenticityToken } from "remix-utils/csrf/react";
import type { SegmentVocabulary } from "../../../../models/segments/vocabulary.server";
import {
  draftToDefinition,
  errorsAt,
  MAX_CRITERIA,
  newCriterion,
  SEGMENT_TYPES,
  suggestCode,
  type DefinitionDraft,
  type DraftError,
} from "../catalogue";
import type { PreviewAnswer } from "../preview-answer";
import { LockIcon } from "../parts";
import { wordingFrom } from "../words";
import { CriterionCard, type EditorStore } from "./CriterionCard";
import { InputError, TextInput } from "./inputs";
import { PreviewPanel } from "./PreviewPanel";
import { ImpactUses, needsConfirmation } from "./ImpactUses";
import { Dialog } from "~/components/ui/Dialog";
import { formatNumber } from "~/format";
import type { CheckedCustomer } from "./CustomerCheck";

const PREVIEW_DELAY_MS = 350;

const TOP_FIELDS = ["name", "code", "type", "isActive", "match", "recomputeEveryMinutes", "criteria"];

export function SegmentEditor({
  initial,
  vocabulary,
  store,
  segment,
  children,
}: {
  initial: DefinitionDraft;
  vocabulary: SegmentVocabulary;
  store: EditorStore & { timeZone: string };
  /** The saved segment being edited; absent for a new one. */
  segment?: { id: number; code: string; type: string; isLocked: boolean; memberCount: number };
  /** Shown under the form (a manual segment's members). */
  children?: React.ReactNode;
}) {
  const { t } = useTranslation("segments");
  const [draft, setDraft] = useState(initial);
  const fieldTypes = useMemo(() => Object.fromEntries(vocabulary.customFields.map((f) => [f.key, f.type])), [vocabulary]);
  const { definition, errors: localErrors } = useMemo(() => draftToDefinition(draft, { moneyDigits: store.moneyDigits, fieldTypes }), [draft, store.moneyDigits, fieldTypes]);
  const body = JSON.stringify(definition);

  // live preview
  const csrf = useAuthenticityToken();
  const fetcher = useFetcher<PreviewAnswer>({ key: `segment-preview-${segment?.id ?? "new"}` });
  const submitted = useRef<string | null>(null);
  // criteria with text that is not a number yet: the server counts the others
  const incomplete = [...new Set(localErrors.flatMap((e) => (e.index === undefined ? [] : [e.index])))].sort((a, b) => a - b).join(",");
  const blocking = localErrors.some((e) => e.index === undefined);
  // the customer picked in the preview's "Check a customer": judged with each preview of the draft
  const [checked, setChecked] = useState<CheckedCustomer | null>(null);
  const asked = `${body}\n${checked?.id ?? ""}`;
  useEffect(() => {
    if (blocking) return;
    const timer = setTimeout(() => {
      const form = new FormData();
      form.set("csrf", csrf);
      form.set("definition", body);
      form.set("incomplete", incomplete);
      if (segment) form.set("segmentId", String(segment.id));
      if (checked) form.set("customerId", String(checked.id));
      submitted.current = asked;
      fetcher.submit(form, { method: "post", action: "/segments/preview" });
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
    // the fetcher and token are stable for the page; the draft's JSON and the picked customer are what matter
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [body, incomplete, blocking, checked?.id]);
  const answer = fetcher.data as PreviewAnswer | undefined;
  const result = answer?.result ?? null;
  const isUpdating = fetcher.state !== "idle" || (!blocking && submitted.current !== asked);
  // the editor's criteria the preview is not counting yet (unfinished), by index
  const notCounted = result ? draft.criteria.map((_, i) => i).filter((i) => !result.counted.includes(i)) : [];

  // a refused save: its errors stand until the draft changes
  const saved = useActionData<{ intent: string; errors?: DraftError[] }>();
  const [refusal, setRefusal] = useState<{ body: string; errors: DraftError[] } | null>(null);
  useEffect(() => {
    if (saved?.intent === "save" && saved.errors) {
      setRefusal({ body, errors: saved.errors });
      setAttempted(true);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saved]);
  const serverErrors = [...(answer?.errors ?? []), ...(refusal && refusal.body === body ? refusal.errors : [])];
  const allErrors: DraftError[] = localErrors.length ? localErrors : serverErrors.filter((e, i) => serverErrors.findIndex((o) => o.index === e.index && o.field === e.field && o.reason === e.reason) === i);

  // A problem shows once its input has been touched, or once saving was tried: a new form does
  // not open covered in red.
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [attempted, setAttempted] = useState(false);
  const touch = (key: string) => setTouched((s) => (s.has(key) ? s : new Set(s).add(key)));
  const isShown = (e: DraftError) => {
    if (attempted) return true;
    if (e.index !== undefined) return touched.has(draft.criteria[e.index]?.key ?? "");
    const top = TOP_FIELDS.find((f) => e.field === f || e.field.startsWith(`${f}.`) || e.field.startsWith(`${f}[`));
    return top === undefined || touched.has(top) || (top === "criteria" && draft.criteria.some((c) => touched.has(c.key)));
  };
  const errors = allErrors.filter(isShown);
  const top = (field: string) => errorsAt(errors, undefined, field);
  const general = errors.filter((e) => e.index === undefined && !TOP_FIELDS.some((f) => e.field === f || e.field.startsWith(`${f}.`)));

  const set = (patch: Partial<DefinitionDraft>) => {
    for (const key of Object.keys(patch)) touch(key);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const isManual = draft.type === "manual";
  const navigation = useNavigation();
  const isSaving = navigation.state !== "idle" && navigation.formMethod === "POST" && navigation.formData?.get("intent") === "save";
  const wording = useMemo(() => wordingFrom(store, vocabulary), [store, vocabulary]);
  // the save dialog about what the edit sets off; a confirmed draft is saved without asking again
  const formRef = useRef<HTMLFormElement>(null);
  const [confirming, setConfirming] = useState(false);
  const confirmedBody = useRef<string | null>(null);
  // a save pressed before the preview of this very draft came back waits for it: the impact it
  // brings decides whether the dialog is needed, so a quick save cannot slip past the warning
  const [awaitingPreview, setAwaitingPreview] = useState(false);
  useEffect(() => {
    if (!awaitingPreview || isUpdating) return;
    setAwaitingPreview(false);
    if (needsConfirmation(result?.impact)) setConfirming(true);
    else {
      confirmedBody.current = body;
      formRef.current?.requestSubmit();
    }
    // the answer for the current draft is what matters; body is read as it is when it lands
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [awaitingPreview, isUpdating, result]);

  return (
    <div className="grid items-start gap-5 xl:grid-cols-[minmax(0,1fr)_26rem]">
      <div className="min-w-0 space-y-5">
        <Form
          method="post"
          className="space-y-5"
          data-testid="segment-form"
          noValidate
          ref={formRef}
          onSubmit={(e) => {
            setAttempted(true);
            // known problems are shown instead of sent; the server checks the rest
            if (localErrors.length > 0 || (!isUpdating && allErrors.length > 0)) return e.preventDefault();
            // customers this edit moves set off automations or change scheduled campaigns: say so first
            if (segment && confirmedBody.current !== body && isUpdating) {
              e.preventDefault();
              setAwaitingPreview(true);
              return;
            }
            if (segment && needsConfirmation(result?.impact) && confirmedBody.current !== body) {
              e.preventDefault();
              setConfirming(true);
            }
          }}
        >
          <AuthenticityTokenInput />
          <input type="hidden" name="intent" value="save" />
          <input type="hidden" name="definition" value={body} />

          <section className="card space-y-4">
            <div className="grid gap-4 md:grid-cols-2">
              <TextInput
                label={t("editor.name")}
                value={draft.name}
                onChange={(name) => set({ name, ...(draft.codeFollowsName ? { code: suggestCode(name) } : {}) })}
                errors={top("name")}
                testId="segment-name"
              />
              <TextInput
                label={t("editor.code")}
                value={draft.code}
                onChange={(code) => set({ code, codeFollowsName: false })}
                errors={top("code")}
                help={segment ? t("editor.codeHelpSaved") : t("editor.codeHelp")}
                testId="segment-code"
              />
            </div>

            <fieldset>
              <legend className="label">{t("editor.type")}</legend>
              <div className="mt-2 grid gap-2 sm:grid-cols-2">
                {SEGMENT_TYPES.map((type) => (
                  <label
                    key={type}
                    className={`flex cursor-pointer gap-3 rounded-lg border p-3 text-sm ${draft.type === type ? "border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500" : "border-slate-200 hover:border-slate-300"}`}
                  >
                    <input type="radio" name="segment-type" className="mt-0.5" checked={draft.type === type} onChange={() => set({ type, criteria: type === "manual" ? draft.criteria : draft.criteria.length ? draft.criteria : [newCriterion()] })} data-testid={`type-${type}`} />
                    <span>
                      <span className="flex items-center gap-1 font-medium text-slate-900">
                        {type === "snapshot" && <LockIcon />}
                        {t(`types.${type}`)}
                      </span>
                      <span className="mt-0.5 block text-slate-600">{t(`types.${type}Help`)}</span>
                    </span>
                  </label>
                ))}
              </div>
              {segment?.isLocked && draft.type === "snapshot" && <p className="mt-2 text-sm text-amber-800">{t("editor.lockedNote")}</p>}
              <InputError errors={top("type")} />
            </fieldset>

            <div className="flex flex-wrap items-start gap-x-8 gap-y-4">
              <label className="flex max-w-md items-start gap-2 text-sm">
                <input type="checkbox" className="mt-0.5" checked={draft.isActive} onChange={(e) => set({ isActive: e.currentTarget.checked })} data-testid="segment-active" />
                <span>
                  <span className="font-medium text-slate-900">{t("editor.active")}</span>
                  <span className="block text-slate-600">{t("editor.activeHelp")}</span>
                </span>
              </label>
              {(draft.type === "dynamic" || draft.type === "accumulating") && (
                <TextInput
                  label={t("editor.interval")}
                  value={draft.recomputeEveryMinutes}
                  onChange={(recomputeEveryMinutes) => set({ recomputeEveryMinutes })}
                  errors={top("recomputeEveryMinutes")}
                  inputMode="numeric"
                  suffix={t("editor.minutes")}
                  className="w-56"
                />
              )}
            </div>
          </section>

          {isManual ? (
            <section className="card text-sm text-slate-700" data-testid="manual-note">
              <h2 className="text-sm font-semibold text-slate-900">{t("editor.manualTitle")}</h2>
              <p className="mt-1">{segment ? t("editor.manualHelpSaved") : t("editor.manualHelpNew")}</p>
            </section>
          ) : (
            <section className="space-y-3" aria-label={t("editor.criteria")}>
              <div className="flex flex-wrap items-center justify-between gap-3">
                <h2 className="text-sm font-semibold text-slate-900">{t("editor.criteria")}</h2>
                <fieldset className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 text-sm" data-testid="match">
                  <legend className="sr-only">{t("editor.match")}</legend>
                  {(["all", "any"] as const).map((m) => (
                    <label key={m} className={`cursor-pointer rounded px-3 py-1 ${draft.match === m ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-50"}`}>
                      <input type="radio" className="sr-only" name="segment-match" checked={draft.match === m} onChange={() => set({ match: m })} />
                      {t(`editor.match_${m}`)}
                    </label>
                  ))}
                </fieldset>
              </div>
              <InputError errors={top("criteria").concat(top("match"))} />
              {draft.criteria.map((c, index) => (
                <div key={c.key}>
                  {index > 0 && <div className="py-1 text-center text-xs font-semibold uppercase tracking-wide text-slate-400">{draft.match === "all" ? t("editor.and") : t("editor.or")}</div>}
                  <CriterionCard
                    criterion={c}
                    index={index}
                    onLeave={() => touch(c.key)}
                    onChange={(next) => {
                      setDraft((d) => ({ ...d, criteria: d.criteria.map((x, i) => (i === index ? next : x)) }));
                    }}
                    onRemove={() => {
                      touch("criteria");
                      setDraft((d) => ({ ...d, criteria: d.criteria.filter((_, i) => i !== index) }));
                    }}
                    vocabulary={vocabulary}
                    store={store}
                    errors={errors}
                    aloneCount={result && !isUpdating && result.counted.includes(index) ? (result.perCriterion[result.counted.indexOf(index)] ?? null) : null}
                    selfCode={segment?.code ?? draft.code}
                    canRemove={draft.criteria.length > 1}
                  />
                </div>
              ))}
              {draft.criteria.length < MAX_CRITERIA ? (
                <button type="button" className="btn-secondary" onClick={() => setDraft((d) => ({ ...d, criteria: [...d.criteria, newCriterion(d.criteria.at(-1)?.field === "totalSpent" ? "lastOrderAt" : "totalSpent")] }))} data-testid="add-criterion">
                  + {t("editor.addCriterion")}
                </button>
              ) : (
                <p className="text-sm text-slate-500">{t("editor.maxCriteria", { max: MAX_CRITERIA })}</p>
              )}
            </section>
          )}

          {general.length > 0 && <InputError errors={general.map((e) => e.reason)} />}

          <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-4">
            <button type="submit" className="btn" disabled={isSaving || awaitingPreview} data-testid="save-segment">
              {isSaving || awaitingPreview ? t("editor.saving") : segment ? t("editor.save") : t("editor.create")}
            </button>
            <Link to={segment ? `/segments/${segment.id}` : "/segments"} className="btn-secondary">
              {t("editor.cancel")}
            </Link>
            {errors.length > 0 && (
              <span className="text-sm text-red-700" role="status" data-testid="error-count">
                {t("editor.errorCount", { count: errors.length })}
              </span>
            )}
          </div>
        </Form>
        {children}
      </div>
      {needsConfirmation(result?.impact) && (
        <Dialog open={confirming} onClose={() => setConfirming(false)} title={t("impact.confirmTitle")} testId="confirm-impact">
          <div className="text-sm text-slate-700">
            <p>{t("preview.impact", { count: result.impact.members, entering: formatNumber(result.impact.entering, store.locale), leaving: formatNumber(result.impact.leaving, store.locale), formatted: formatNumber(result.impact.members, store.locale) })}</p>
            <ImpactUses impact={result.impact} locale={store.locale} />
          </div>
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => setConfirming(false)}>
              {t("impact.confirmCancel")}
            </button>
            <button
              type="button"
              className="btn"
              data-autofocus
              data-testid="confirm-save"
              onClick={() => {
                confirmedBody.current = body;
                setConfirming(false);
                formRef.current?.requestSubmit();
              }}
            >
              {t("impact.confirmSave")}
            </button>
          </div>
        </Dialog>
      )}
      <PreviewPanel
        result={result}
        isUpdating={isUpdating}
        isManual={isManual}
        hasErrors={allErrors.length > 0}
        hasShownErrors={errors.length > 0}
        hasLocalErrors={blocking}
        notCounted={notCounted}
        match={draft.match}
        wording={wording}
        store={store}
        segment={segment}
        criteriaCount={draft.criteria.length}
        checked={checked}
        onCheck={setChecked}
      />
    </div>
  );
}

