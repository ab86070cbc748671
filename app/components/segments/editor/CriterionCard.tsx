// One criterion in the editor: which field, and the inputs its kind needs, with its errors next to
// them and how many customers it matches on its own.
import { useTranslation } from "react-i18next";
import { formatNumber } from "~/format";
import type { SegmentVocabulary } from "../../../../models/segments/vocabulary.server";
import { CATALOGUE, CATEGORY_MODES, CHANNELS, emptyDate, errorsAt, kindOf, ORDER_STATUSES, type CriterionDraft, type DraftError } from "../catalogue";
import { countryCode, countryName } from "../words";
import { Bounds, DateInput, InputError, Select, TextInput, TimeFrame, ValueList } from "./inputs";

export interface EditorStore {
  locale: string;
  currency: string;
  moneyDigits: number;
}

/** The category tree in depth-first order, each with its depth, for an indented menu. */
function categoryTree(categories: SegmentVocabulary["categories"]): Array<{ externalId: string; name: string; depth: number }> {
  const children = new Map<string | null, SegmentVocabulary["categories"]>();
  for (const c of categories) children.set(c.parentExternalId, [...(children.get(c.parentExternalId) ?? []), c]);
  const known = new Set(categories.map((c) => c.externalId));
  const out: Array<{ externalId: string; name: string; depth: number }> = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of children.get(parent) ?? []) {
      out.push({ externalId: c.externalId, name: c.name, depth });
      if (depth < 20) walk(c.externalId, depth + 1);
    }
  };
  walk(null, 0);
  // categories whose parent is unknown still appear, at the top
  for (const c of categories) if (c.parentExternalId !== null && !known.has(c.parentExternalId) && !out.some((o) => o.externalId === c.externalId)) out.push({ externalId: c.externalId, name: c.name, depth: 0 });
  return out;
}

export function CriterionCard({
  criterion: c,
  index,
  onChange,
  onRemove,
  onLeave,
  vocabulary,
  store,
  errors,
  aloneCount,
  selfCode,
  canRemove,
}: {
  criterion: CriterionDraft;
  index: number;
  onChange: (next: CriterionDraft) => void;
  onRemove: () => void;
  /** Focus left the criterion: from then on its problems are shown (not while it is first filled in). */
  onLeave?: () => void;
  vocabulary: SegmentVocabulary;
  store: EditorStore;
  errors: DraftError[];
  aloneCount: number | null;
  selfCode: string;
  canRemove: boolean;
}) {
  const { t } = useTranslation("segments");
  const set = (patch: Partial<CriterionDraft>) => onChange({ ...c, ...patch });
  const at = (path: string) => errorsAt(errors, index, path);
  const kind = kindOf(c.field);
  const fieldOptions = CATALOGUE.flatMap((g) => g.fields.map((f) => ({ value: f.field, label: t(`fields.${f.field}`), group: t(`groups.${g.group}`) })));
  const shownPaths = new Set<string>();
  const track = (path: string) => {
    shownPaths.add(path);
    return at(path);
  };

  let body: React.ReactNode = null;
  switch (kind) {
    case "money":
    case "count":
      body = (
        <div className="space-y-3">
          <Bounds
            min={c.min}
            max={c.max}
            onChange={(b) => set(b)}
            errors={{ min: track("min"), max: track("max") }}
            suffix={kind === "money" ? store.currency : undefined}
            inputMode={kind === "money" ? "decimal" : "numeric"}
            testId={`criterion-${index}`}
          />
          {kind === "money" && <p className="text-xs text-slate-500">{t("editor.moneyHelp", { currency: store.currency })}</p>}
          <TimeFrame
            value={{ form: c.timeForm, from: c.timeFrom, to: c.timeTo, days: c.timeDays }}
            onChange={(f) => set({ timeForm: f.form, timeFrom: f.from, timeTo: f.to, timeDays: f.days })}
            errors={{ from: track("timeFrame.from"), to: track("timeFrame.to"), days: track("timeFrame.lastDays"), all: [] }}
            testId={`criterion-${index}-timeframe`}
          />
        </div>
      );
      break;
    case "date":
      shownPaths.add("date");
      body = <DateInput value={c.date} onChange={(date) => set({ date })} errorsAt={(p) => at(`date.${p}`).concat(p === "form" ? errors.filter((e) => e.index === index && e.field === "date").map((e) => e.reason) : [])} locale={store.locale} isYearly={c.field === "birthday"} testId={`criterion-${index}-date`} />;
      break;
    case "boolean":
      body = (
        <fieldset className="flex gap-4 text-sm">
          <legend className="sr-only">{t(`fields.${c.field}`)}</legend>
          {[true, false].map((v) => (
            <label key={String(v)} className="inline-flex items-center gap-2">
              <input type="radio" checked={c.flag === v} onChange={() => set({ flag: v })} />
              {v ? t("words.acceptsMarketing") : t("words.noMarketing")}
            </label>
          ))}
        </fieldset>
      );
      break;
    case "values": {
      shownPaths.add("values");
      const known =
        c.field === "orderStatus" ? [...ORDER_STATUSES] : c.field === "country" ? vocabulary.countries : c.field === "city" ? vocabulary.cities : c.field === "tag" ? vocabulary.tags : vocabulary.groups;
      const show = c.field === "orderStatus" ? (v: string) => t(`statuses.${v}`, { defaultValue: v }) : c.field === "country" ? (v: string) => `${countryName(v, store.locale)} (${v})` : undefined;
      body = (
        <ValueList
          label={t(`fields.${c.field}`)}
          items={c.values}
          onChange={(values) => set({ values })}
          known={known}
          fixed={c.field === "orderStatus"}
          show={show}
          errors={errors.filter((e) => e.index === index && e.field === "values").map((e) => e.reason)}
          itemErrors={(i) => at(`values[${i}]`)}
          resolve={c.field === "country" ? (text) => countryCode(text, store.locale) : undefined}
          testId={`criterion-${index}-values`}
        />
      );
      break;
    }
    case "categories": {
      shownPaths.add("categories");
      shownPaths.add("mode");
      const tree = categoryTree(vocabulary.categories);
      const names = new Map(tree.map((n) => [n.externalId, n.name]));
      body = (
        <div className="space-y-3">
          <fieldset className="flex flex-wrap gap-4 text-sm">
            <legend className="sr-only">{t("editor.categoryMode")}</legend>
            {CATEGORY_MODES.map((m) => (
              <label key={m} className="inline-flex items-center gap-2">
                <input type="radio" checked={c.categoryMode === m} onChange={() => set({ categoryMode: m })} />
                {t(`categoryModes.${m}`)}
              </label>
            ))}
          </fieldset>
          {c.categories.length > 0 && (
            <ul className="flex flex-wrap gap-1.5">
              {c.categories.map((id, i) => (
                <li key={id} className={`badge gap-1 ${at(`categories[${i}]`).length ? "bg-red-50 text-red-800" : "bg-indigo-50 text-indigo-800"}`} title={at(`categories[${i}]`)[0]}>
                  {names.get(id) ?? id}
                  <button type="button" onClick={() => set({ categories: c.categories.filter((x) => x !== id) })} aria-label={t("editor.removeValue", { value: names.get(id) ?? id })}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
          {tree.length === 0 ? (
            <p className="text-sm text-slate-500">{t("editor.noCategories")}</p>
          ) : (
            <select
              className="input bg-white"
              value=""
              aria-label={t("editor.addCategory")}
              onChange={(e) => {
                const id = e.currentTarget.value;
                if (id && !c.categories.includes(id)) set({ categories: [...c.categories, id] });
              }}
            >
              <option value="">{t("editor.addCategory")}</option>
              {tree.map((n) => (
                <option key={n.externalId} value={n.externalId} disabled={c.categories.includes(n.externalId)}>
                  {`${"\u00a0\u00a0".repeat(n.depth)}${n.depth ? "└ " : ""}${n.name}`}
                </option>
              ))}
            </select>
          )}
          <p className="text-xs text-slate-500">{t("editor.categoryHelp")}</p>
          <InputError errors={at("categories").concat(at("mode"))} />
        </div>
      );
      break;
    }
    case "channel":
      shownPaths.add("channel");
      body = (
        <Select
          label={t("editor.channel")}
          value={c.channel}
          onChange={(channel) => set({ channel: channel as CriterionDraft["channel"] })}
          options={CHANNELS.map((ch) => ({ value: ch, label: t(`channels.${ch}`) }))}
          errors={at("channel")}
          className="max-w-xs"
        />
      );
      break;
    case "customField": {
      shownPaths.add("key");
      shownPaths.add("condition");
      const field = vocabulary.customFields.find((f) => f.key === c.fieldKey);
      body = (
        <div className="space-y-3">
          <Select
            label={t("editor.customField")}
            value={c.fieldKey}
            onChange={(fieldKey) => set({ fieldKey, values: [] })}
            options={vocabulary.customFields.map((f) => ({ value: f.key, label: `${f.label} (${t(`fieldTypes.${f.type}`)})` }))}
            placeholder={vocabulary.customFields.length ? t("editor.choose") : t("editor.noCustomFields")}
            errors={at("key").concat(at("condition.type"))}
          />
          {field?.type === "number" && (
            <Bounds min={c.min} max={c.max} onChange={(b) => set(b)} errors={{ min: at("condition.min"), max: at("condition.max") }} inputMode="decimal" />
          )}
          {field?.type === "date" && <DateInput value={c.date} onChange={(date) => set({ date })} errorsAt={(p) => at(`condition.date.${p}`)} locale={store.locale} isYearly={false} />}
          {field?.type === "select" && (
            <ValueList
              label={field.label}
              items={c.values}
              onChange={(values) => set({ values })}
              known={field.options}
              fixed
              errors={at("condition.values")}
              itemErrors={(i) => at(`condition.values[${i}]`)}
            />
          )}
          {field?.type === "text" && (
            <div className="grid grid-cols-[10rem_minmax(0,1fr)] gap-3">
              <Select
                label={t("editor.textOp")}
                value={c.textOp}
                onChange={(textOp) => set({ textOp: textOp as CriterionDraft["textOp"] })}
                options={[
                  { value: "contains", label: t("textOps.contains") },
                  { value: "equals", label: t("textOps.equals") },
                ]}
              />
              <TextInput label={t("editor.text")} value={c.text} onChange={(text) => set({ text })} errors={at("condition.value")} help={t("editor.textHelp")} />
            </div>
          )}
        </div>
      );
      break;
    }
    case "answer": {
      shownPaths.add("question");
      shownPaths.add("options");
      const question = vocabulary.questions.find((q) => q.key === c.question);
      body = (
        <div className="space-y-3">
          <Select
            label={t("editor.question")}
            value={c.question}
            onChange={(q) => set({ question: q, options: [] })}
            options={vocabulary.questions.map((q) => ({ value: q.key, label: q.text }))}
            placeholder={vocabulary.questions.length ? t("editor.choose") : t("editor.noQuestions")}
            errors={at("question")}
          />
          {question && (
            <fieldset>
              <legend className="label text-xs">{t("editor.answerOptions")}</legend>
              <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
                {question.options.map((o) => (
                  <label key={o.key} className="inline-flex items-center gap-2">
                    <input
                      type="checkbox"
                      checked={c.options.includes(o.key)}
                      onChange={(e) => set({ options: e.currentTarget.checked ? [...c.options, o.key] : c.options.filter((k) => k !== o.key) })}
                    />
                    {o.label}
                  </label>
                ))}
              </div>
              <InputError errors={at("options")} />
            </fieldset>
          )}
        </div>
      );
      break;
    }
    case "segment": {
      shownPaths.add("segment");
      const others = vocabulary.segments.filter((s) => s.code !== selfCode);
      body = (
        <div className="space-y-3">
          <fieldset className="flex gap-4 text-sm">
            <legend className="sr-only">{t("editor.membership")}</legend>
            {[true, false].map((v) => (
              <label key={String(v)} className="inline-flex items-center gap-2">
                <input type="radio" checked={c.flag === v} onChange={() => set({ flag: v })} />
                {v ? t("editor.isMember") : t("editor.isNotMember")}
              </label>
            ))}
          </fieldset>
          <Select
            label={t("editor.otherSegment")}
            value={c.segment}
            onChange={(segment) => set({ segment })}
            options={others.map((s) => ({ value: s.code, label: `${s.name} (${t(`types.${s.type}`, { defaultValue: s.type })})` }))}
            placeholder={others.length ? t("editor.choose") : t("editor.noOtherSegments")}
            errors={at("segment")}
          />
        </div>
      );
      break;
    }
  }

  // errors about this criterion that no input above names (an unknown field, say)
  const unplaced = errors.filter((e) => e.index === index && ![...shownPaths].some((p) => e.field === p || e.field.startsWith(`${p}.`) || e.field.startsWith(`${p}[`)));

  return (
    <section className={`rounded-lg border bg-white p-4 ${errors.some((e) => e.index === index) ? "border-red-300" : "border-slate-200"}`} data-testid={`criterion-${index}`}
      aria-label={t("editor.criterionN", { n: index + 1 })}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onLeave?.();
      }}
    >
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <span className="flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-sm font-semibold text-white" aria-hidden="true">
          {index + 1}
        </span>
        <Select
          label={t("editor.criterion")}
          value={c.field}
          onChange={(field) => set({ field: field as CriterionDraft["field"], values: [], date: field === "birthday" ? emptyDate("dayOfYear") : c.date })}
          options={fieldOptions}
          className="min-w-[14rem] flex-1"
          testId={`criterion-${index}-field`}
        />
        <div className="ml-auto flex items-center gap-3 pb-1.5">
          <span className="whitespace-nowrap text-xs text-slate-500" data-testid={`criterion-${index}-alone`}>
            {aloneCount === null ? "…" : t("editor.aloneCount", { count: aloneCount, formatted: formatNumber(aloneCount, store.locale) })}
          </span>
          {canRemove && (
            <button type="button" className="text-sm text-slate-500 hover:text-red-700" onClick={onRemove} aria-label={t("editor.removeCriterion", { n: index + 1 })}>
              {t("editor.remove")}
            </button>
          )}
        </div>
      </div>
      {body}
      <InputError errors={unplaced.map((e) => (e.field === "(body)" || e.field === "field" ? e.reason : `${e.field}: ${e.reason}`))} />
    </section>
  );
}
