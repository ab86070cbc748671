// The inputs a criterion is built from: include/exclude value lists, min/max bounds, an order time
// frame, and a date condition in any of its forms.
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { DATE_FORMS, type DateDraft, type ValueItem } from "../catalogue";

/** The first error of an input, in red under it. */
export function InputError({ errors, id }: { errors: string[]; id?: string }) {
  if (errors.length === 0) return null;
  return (
    <p className="field-error" id={id} data-testid="field-error">
      {errors[0]}
    </p>
  );
}

const invalid = (errors: string[]) => (errors.length ? "border-red-400 focus:border-red-500 focus:ring-red-500" : "");

export function TextInput({
  label,
  value,
  onChange,
  errors = [],
  type = "text",
  placeholder,
  inputMode,
  className = "",
  help,
  testId,
  list,
  suffix,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  type?: string;
  placeholder?: string;
  inputMode?: "numeric" | "decimal" | "text";
  className?: string;
  help?: string;
  testId?: string;
  list?: string;
  suffix?: string;
}) {
  const id = useId();
  return (
    <label className={`block min-w-0 ${className}`} htmlFor={id}>
      <span className="label text-xs">{label}</span>
      <span className="mt-1 flex items-center gap-1.5">
        <input
          id={id}
          type={type}
          value={value}
          placeholder={placeholder}
          inputMode={inputMode}
          list={list}
          onChange={(e) => onChange(e.currentTarget.value)}
          aria-invalid={errors.length > 0 || undefined}
          aria-describedby={errors.length ? `${id}-error` : undefined}
          className={`input ${invalid(errors)}`}
          data-testid={testId}
        />
        {suffix && <span className="shrink-0 text-sm text-slate-500">{suffix}</span>}
      </span>
      {help && <span className="mt-1 block text-xs text-slate-500">{help}</span>}
      <InputError errors={errors} id={`${id}-error`} />
    </label>
  );
}

export function Select({
  label,
  value,
  onChange,
  options,
  errors = [],
  className = "",
  testId,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string; group?: string }>;
  errors?: string[];
  className?: string;
  testId?: string;
  placeholder?: string;
}) {
  const id = useId();
  const groups = [...new Set(options.map((o) => o.group ?? ""))];
  const render = (list: typeof options) =>
    list.map((o) => (
      <option key={o.value} value={o.value}>
        {o.label}
      </option>
    ));
  return (
    <label className={`block min-w-0 ${className}`} htmlFor={id}>
      <span className="label text-xs">{label}</span>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        className={`input mt-1 bg-white pr-8 ${invalid(errors)}`}
        aria-invalid={errors.length > 0 || undefined}
        data-testid={testId}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {groups.length > 1 || groups[0]
          ? groups.map((g) => (
              <optgroup key={g} label={g}>
                {render(options.filter((o) => (o.group ?? "") === g))}
              </optgroup>
            ))
          : render(options)}
      </select>
      <InputError errors={errors} />
    </label>
  );
}

/**
 * A list of values, each included or excluded: chips with a toggle and a remove button, and a box
 * that offers the store's known values (or a fixed menu when `fixed`).
 */
export function ValueList({
  label,
  items,
  onChange,
  known,
  fixed = false,
  show = (v) => v,
  errors,
  itemErrors,
  testId,
  resolve,
}: {
  label: string;
  items: ValueItem[];
  onChange: (items: ValueItem[]) => void;
  known: string[];
  fixed?: boolean;
  show?: (value: string) => string;
  /** The stored value a typed text stands for ("Bulgaria" or "bg" → "BG"), beyond the known values' names. */
  resolve?: (text: string) => string | undefined;
  errors: string[];
  itemErrors: (i: number) => string[];
  testId?: string;
}) {
  const { t } = useTranslation("segments");
  const id = useId();
  const [text, setText] = useState("");
  // typed text is taken by value, by the name shown for it, or by the field's own resolver
  const fold = (v: string) => v.trim().toLocaleLowerCase();
  const find = (raw: string) => {
    const typed = fold(raw);
    return known.find((k) => k === raw.trim()) ?? known.find((k) => fold(k) === typed || fold(show(k)) === typed) ?? resolve?.(raw) ?? raw.trim();
  };
  const add = (raw: string, mode: ValueItem["mode"] = "include") => {
    const value = find(raw);
    if (!value || items.some((i) => i.value === value)) return;
    onChange([...items, { value, mode }]);
    setText("");
  };
  const offered = known.filter((k) => !items.some((i) => i.value === k));
  return (
    <div className="min-w-0" data-testid={testId}>
      <span className="label text-xs" id={`${id}-label`}>
        {label}
      </span>
      {items.length > 0 && (
        <ul className="mt-1 flex flex-wrap gap-1.5" aria-labelledby={`${id}-label`}>
          {items.map((item, i) => {
            const bad = itemErrors(i);
            const included = item.mode === "include";
            return (
              <li
                key={item.value}
                className={`inline-flex max-w-full items-center gap-1 rounded-full py-0.5 pl-1 pr-1.5 text-xs font-medium ring-1 ring-inset ${
                  bad.length ? "bg-red-50 text-red-800 ring-red-300" : included ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-rose-50 text-rose-800 ring-rose-200 line-through decoration-rose-400"
                }`}
                title={bad[0] ?? (included ? t("editor.included") : t("editor.excluded"))}
                aria-describedby={bad.length ? `${id}-bad-${i}` : undefined}
                data-testid="value-chip"
              >
                <button
                  type="button"
                  className={`rounded-full px-1.5 py-0.5 no-underline ${included ? "bg-emerald-600 text-white" : "bg-rose-600 text-white"}`}
                  onClick={() => onChange(items.map((x, k) => (k === i ? { ...x, mode: included ? "exclude" : "include" } : x)))}
                  aria-label={t(included ? "editor.makeExclude" : "editor.makeInclude", { value: show(item.value) })}
                >
                  {included ? t("editor.includeShort") : t("editor.excludeShort")}
                </button>
                <span className="truncate">{show(item.value)}</span>
                <button type="button" className="ml-0.5 text-slate-500 no-underline hover:text-slate-900" onClick={() => onChange(items.filter((_, k) => k !== i))} aria-label={t("editor.removeValue", { value: show(item.value) })}>
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {items.some((_, i) => itemErrors(i).length > 0) && (
        <ul className="mt-1 space-y-0.5">
          {items.map((item, i) =>
            itemErrors(i).length ? (
              <li key={item.value} id={`${id}-bad-${i}`} className="field-error" data-testid="value-error">
                “{item.value}”: {itemErrors(i)[0]}
              </li>
            ) : null,
          )}
        </ul>
      )}
      <div className="mt-1.5 flex flex-wrap items-center gap-1.5">
        {fixed ? (
          <select
            className="input w-auto min-w-[12rem] bg-white pr-8"
            value=""
            aria-label={t("editor.addValue", { field: label })}
            onChange={(e) => add(e.currentTarget.value)}
          >
            <option value="">{t("editor.choose")}</option>
            {offered.map((v) => (
              <option key={v} value={v}>
                {show(v)}
              </option>
            ))}
          </select>
        ) : (
          <>
            <input
              className="input w-auto min-w-[12rem] flex-1"
              value={text}
              list={`${id}-known`}
              placeholder={t("editor.typeOrChoose")}
              aria-label={t("editor.addValue", { field: label })}
              onChange={(e) => {
                const value = e.currentTarget.value;
                // picking from the datalist fills the box with a known value: take it at once
                if (offered.includes(value)) add(value);
                else setText(value);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  add(text);
                }
              }}
            />
            <datalist id={`${id}-known`}>
              {offered.map((v) => (
                <option key={v} value={v} label={show(v) === v ? undefined : show(v)} />
              ))}
            </datalist>
            <button type="button" className="btn-secondary" onClick={() => add(text)} disabled={!text.trim()}>
              {t("editor.include")}
            </button>
            <button type="button" className="btn-secondary" onClick={() => add(text, "exclude")} disabled={!text.trim()}>
              {t("editor.exclude")}
            </button>
          </>
        )}
      </div>
      <p className="mt-1 text-xs text-slate-500">{t("editor.valuesHelp")}</p>
      <InputError errors={errors} />
    </div>
  );
}

export function Bounds({
  min,
  max,
  onChange,
  errors,
  suffix,
  inputMode,
  testId,
}: {
  min: string;
  max: string;
  onChange: (next: { min: string; max: string }) => void;
  errors: { min: string[]; max: string[] };
  suffix?: string;
  inputMode: "numeric" | "decimal";
  testId?: string;
}) {
  const { t } = useTranslation("segments");
  return (
    <div className="grid grid-cols-2 gap-3">
      <TextInput label={t("editor.min")} value={min} onChange={(v) => onChange({ min: v, max })} errors={errors.min} inputMode={inputMode} suffix={suffix} testId={testId ? `${testId}-min` : undefined} />
      <TextInput label={t("editor.max")} value={max} onChange={(v) => onChange({ min, max: v })} errors={errors.max} inputMode={inputMode} suffix={suffix} testId={testId ? `${testId}-max` : undefined} />
    </div>
  );
}

export interface TimeFrameValue {
  form: "between" | "lastDays";
  from: string;
  to: string;
  days: string;
}

/** An order time frame: from/to store days, or rolling, the last N days. */
export function TimeFrame({
  value,
  onChange,
  errors,
  testId,
}: {
  value: TimeFrameValue;
  onChange: (next: TimeFrameValue) => void;
  errors: { from: string[]; to: string[]; days: string[]; all: string[] };
  testId?: string;
}) {
  const { t } = useTranslation("segments");
  const { form, from, to, days } = value;
  const [open, setOpen] = useState(Boolean(from || to || days));
  if (!open) {
    return (
      <button type="button" className="text-sm text-indigo-700 hover:underline" onClick={() => setOpen(true)} data-testid={testId ? `${testId}-add` : undefined}>
        + {t("editor.timeFrameAdd")}
      </button>
    );
  }
  return (
    <fieldset className="rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-xs font-medium text-slate-600">{t("editor.timeFrame")}</legend>
      <div className="mb-2 flex flex-wrap gap-4 text-sm">
        {(["lastDays", "between"] as const).map((f) => (
          <label key={f} className="inline-flex items-center gap-2">
            <input type="radio" checked={form === f} onChange={() => onChange({ ...value, form: f })} data-testid={testId ? `${testId}-${f}` : undefined} />
            {t(`editor.timeFrameForms.${f}`)}
          </label>
        ))}
      </div>
      {form === "lastDays" ? (
        <TextInput
          label={t("editor.lastDays")}
          value={days}
          onChange={(v) => onChange({ ...value, days: v })}
          errors={errors.days}
          inputMode="numeric"
          help={t("editor.timeFrameRollingHelp")}
          testId={testId ? `${testId}-days` : undefined}
        />
      ) : (
        <div className="grid grid-cols-2 gap-3">
          <TextInput type="date" label={t("editor.from")} value={from} onChange={(v) => onChange({ ...value, from: v })} errors={errors.from} />
          <TextInput type="date" label={t("editor.to")} value={to} onChange={(v) => onChange({ ...value, to: v })} errors={errors.to} />
        </div>
      )}
      <div className="mt-2 flex items-center justify-between gap-2">
        <p className="text-xs text-slate-500">{form === "between" ? t("editor.timeFrameHelp") : ""}</p>
        <button
          type="button"
          className="shrink-0 text-xs text-slate-600 hover:underline"
          onClick={() => {
            onChange({ form, from: "", to: "", days: "" });
            setOpen(false);
          }}
        >
          {t("editor.timeFrameRemove")}
        </button>
      </div>
      <InputError errors={errors.all} />
    </fieldset>
  );
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Month and day of year as two menus, giving MM-DD. */
function MonthDay({ label, value, onChange, locale, errors }: { label: string; value: string; onChange: (v: string) => void; locale: string; errors: string[] }) {
  const { t } = useTranslation("segments");
  const [m, d] = value ? value.split("-").map(Number) : [0, 0];
  const monthName = (i: number) => new Intl.DateTimeFormat(locale, { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2000, i, 1)));
  const set = (month: number, day: number) => onChange(month && day ? `${String(month).padStart(2, "0")}-${String(Math.min(day, MONTH_DAYS[month - 1])).padStart(2, "0")}` : "");
  return (
    <fieldset className="min-w-0">
      <legend className="label text-xs">{label}</legend>
      <div className="mt-1 flex gap-2">
        <select className={`input w-20 bg-white ${invalid(errors)}`} value={d || ""} aria-label={t("editor.dayOf", { what: label })} onChange={(e) => set(m || 1, Number(e.currentTarget.value))}>
          <option value="">—</option>
          {Array.from({ length: MONTH_DAYS[(m || 1) - 1] }, (_, i) => (
            <option key={i + 1} value={i + 1}>
              {i + 1}
            </option>
          ))}
        </select>
        <select className={`input flex-1 bg-white ${invalid(errors)}`} value={m || ""} aria-label={t("editor.monthOf", { what: label })} onChange={(e) => set(Number(e.currentTarget.value), d || 1)}>
          <option value="">—</option>
          {Array.from({ length: 12 }, (_, i) => (
            <option key={i + 1} value={i + 1}>
              {monthName(i)}
            </option>
          ))}
        </select>
      </div>
      <InputError errors={errors} />
    </fieldset>
  );
}

/** A date condition: its form, and the inputs that form needs, with what it means in words. */
export function DateInput({
  value,
  onChange,
  errorsAt,
  locale,
  isYearly,
  testId,
}: {
  value: DateDraft;
  onChange: (next: DateDraft) => void;
  /** errors for a path under the date condition ("form", "from", "to", "days") */
  errorsAt: (path: string) => string[];
  locale: string;
  /** A birthday or anniversary: day-of-year forms first. */
  isYearly: boolean;
  testId?: string;
}) {
  const { t } = useTranslation("segments");
  const forms = isYearly ? (["dayOfYear", "inNextDays", ...DATE_FORMS.filter((f) => f !== "dayOfYear" && f !== "inNextDays")] as const) : DATE_FORMS;
  const set = (patch: Partial<DateDraft>) => onChange({ ...value, ...patch });
  const wraps = value.form === "dayOfYear" && value.dayFrom && value.dayTo && value.dayFrom > value.dayTo;
  return (
    <div className="space-y-3" data-testid={testId}>
      <Select
        label={t("editor.when")}
        value={value.form}
        onChange={(form) => set({ form: form as DateDraft["form"] })}
        options={forms.map((f) => ({ value: f, label: t(`dateForms.${f}`) }))}
        errors={errorsAt("form")}
        testId={testId ? `${testId}-form` : undefined}
      />
      {value.form === "between" && (
        <div className="grid grid-cols-2 gap-3">
          <TextInput type="date" label={t("editor.from")} value={value.from} onChange={(from) => set({ from })} errors={errorsAt("from")} />
          <TextInput type="date" label={t("editor.to")} value={value.to} onChange={(to) => set({ to })} errors={errorsAt("to")} />
        </div>
      )}
      {value.form === "dayOfYear" && (
        <>
          <div className="grid grid-cols-2 gap-3">
            <MonthDay label={t("editor.from")} value={value.dayFrom} onChange={(dayFrom) => set({ dayFrom })} locale={locale} errors={errorsAt("from")} />
            <MonthDay label={t("editor.to")} value={value.dayTo} onChange={(dayTo) => set({ dayTo })} locale={locale} errors={errorsAt("to")} />
          </div>
          <p className={`text-xs ${wraps ? "font-medium text-amber-800" : "text-slate-500"}`} data-testid="wrap-note">
            {wraps ? t("editor.wrapsNote") : t("editor.dayOfYearNote")}
          </p>
        </>
      )}
      {(value.form === "inLastDays" || value.form === "moreThanDaysAgo" || value.form === "daysAgo" || value.form === "inNextDays") && (
        <TextInput
          label={t("editor.days")}
          value={value.days}
          onChange={(days) => set({ days })}
          errors={errorsAt("days")}
          inputMode="numeric"
          suffix={t("editor.daysSuffix")}
          help={t(`dateHelp.${value.form}`)}
          className="max-w-xs"
          testId={testId ? `${testId}-days` : undefined}
        />
      )}
    </div>
  );
}
