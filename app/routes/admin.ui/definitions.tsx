// The parts of the custom field and registration question pages: error lists, move buttons, and
// the question editor with its options in the console's languages.
import { Form, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { LANGUAGES, OTHER_LANGUAGES, type Language } from "../../../models/registration/definitions";
import { errorsByField } from "./definition-forms";
import { Notice } from "./parts";

export interface FieldProblem {
  field: string;
  reason: string;
}

/** Every problem of a refused save, each with the field it is about. */
export function ErrorSummary({ errors }: { errors: FieldProblem[] }) {
  const { t } = useTranslation("definitions");
  return (
    <Notice tone="error" testId="form-errors">
      <p className="font-medium">{t("notSaved")}</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {errors.map((e, i) => (
          <li key={i}>
            <span className="font-mono text-xs">{e.field}</span>: {e.reason}
          </li>
        ))}
      </ul>
    </Notice>
  );
}

export function FieldProblems({ reasons }: { reasons: string[] | undefined }) {
  if (!reasons?.length) return null;
  return <p className="field-error">{reasons.join(" ")}</p>;
}

/** Up and down arrows that post the row's new place in the list. */
export function MoveButtons({ id, index, count, name }: { id: number; index: number; count: number; name: string }) {
  const { t } = useTranslation("definitions");
  const navigation = useNavigation();
  const move = (position: number, label: string, arrow: string, disabled: boolean) => (
    <Form method="post" className="inline">
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="position" value={position} />
      <button type="submit" className="btn-secondary px-2" aria-label={`${label}: ${name}`} title={label} disabled={disabled || navigation.state !== "idle"}>
        <span aria-hidden="true">{arrow}</span>
      </button>
    </Form>
  );
  return (
    <div className="flex justify-end gap-1 whitespace-nowrap">
      {move(index - 1, t("moveUp"), "↑", index === 0)}
      {move(index + 1, t("moveDown"), "↓", index === count - 1)}
    </div>
  );
}

type TextsView = { en: string } & Partial<Record<Language, string | null>>;

export interface EditedQuestion {
  key: string;
  texts: TextsView;
  isActive: boolean;
  options: Array<{ key: string; labels: TextsView; chosenBy: number; isSaved: boolean }>;
}

let rowSerial = 0;

/**
 * A question with its texts and options. Options are rows in a list: added, removed and moved here,
 * posted in their order; a saved option's key is fixed (segments and answers name it).
 */
export function QuestionEditor({ question, isNew, canEdit, errors }: { question: EditedQuestion; isNew: boolean; canEdit: boolean; errors: FieldProblem[] }) {
  const { t } = useTranslation("definitions");
  const navigation = useNavigation();
  const byField = errorsByField(errors);
  const [rows, setRows] = useState(() => question.options.map((o) => ({ ...o, id: ++rowSerial })));
  const swap = (i: number, j: number) =>
    setRows((list) => {
      const next = [...list];
      [next[i], next[j]] = [next[j], next[i]];
      return next;
    });
  const problemsAt = (prefix: string) => Object.entries(byField).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`) || k.startsWith(`${prefix}[`)).flatMap(([, v]) => v);
  return (
    <Form method="post" className="space-y-6" data-testid="question-form">
      <AuthenticityTokenInput />
      <input type="hidden" name="intent" value="save" />
      {errors.length > 0 && <ErrorSummary errors={errors} />}
      <fieldset className="card space-y-4" disabled={!canEdit} aria-labelledby="question-texts-title">
        <h2 id="question-texts-title" className="text-base font-semibold text-slate-900">
          {t("questions.question")}
        </h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label className="label" htmlFor="question-key">
              {t("key")}
            </label>
            {isNew ? (
              <input id="question-key" name="key" defaultValue={question.key} className="input mt-1 font-mono" autoComplete="off" spellCheck={false} placeholder="heard_from" aria-invalid={byField.key ? true : undefined} />
            ) : (
              <p id="question-key" className="mt-2 font-mono text-sm text-slate-700">
                {question.key}
              </p>
            )}
            {isNew && <p className="mt-1 text-xs text-slate-500">{t("keyHelp")}</p>}
            <FieldProblems reasons={byField.key} />
          </div>
          <label className="flex items-center gap-2 self-end text-sm text-slate-700">
            <input type="checkbox" name="isActive" defaultChecked={question.isActive} className="text-indigo-600" />
            <span>
              <span className="font-medium">{t("questions.active")}</span>
              <span className="block text-xs text-slate-500">{t("questions.activeHelp")}</span>
            </span>
          </label>
        </div>
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {LANGUAGES.map((language) => (
            <div key={language} className={language === "en" ? "sm:col-span-2 lg:col-span-3" : ""}>
              <label className="label" htmlFor={`text-${language}`}>
                {t("questions.text")} · {t(`languages.${language}`)}
                {language === "en" ? ` (${t("required")})` : ""}
              </label>
              <input
                id={`text-${language}`}
                name={`text.${language}`}
                defaultValue={question.texts[language] ?? ""}
                lang={language}
                className="input mt-1"
                autoComplete="off"
                placeholder={language === "en" ? "" : question.texts.en}
                aria-invalid={byField[`texts.${language}`] ? true : undefined}
              />
              <FieldProblems reasons={byField[`texts.${language}`]} />
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset className="card space-y-3" disabled={!canEdit} aria-labelledby="question-options-title">
        <h2 id="question-options-title" className="text-base font-semibold text-slate-900">
          {t("questions.options")}
        </h2>
        <p className="text-sm text-slate-500">{t("questions.optionsHelp")}</p>
        <FieldProblems reasons={[...(byField.options ?? []), ...problemsAt("options").filter((r) => !(byField.options ?? []).includes(r))]} />
        <ol className="space-y-3" data-testid="option-rows">
          {rows.map((row, i) => (
            <li key={row.id} className="rounded-md border border-slate-200 p-3" data-testid={`option-row-${i}`}>
              <div className="flex flex-wrap items-end gap-3">
                <div className="w-full sm:w-48">
                  <label className="label" htmlFor={`option-key-${row.id}`}>
                    {t("key")}
                  </label>
                  {row.isSaved ? (
                    <>
                      <input type="hidden" name="option.key" value={row.key} />
                      <p id={`option-key-${row.id}`} className="mt-2 font-mono text-sm text-slate-700">
                        {row.key}
                      </p>
                    </>
                  ) : (
                    <input id={`option-key-${row.id}`} name="option.key" defaultValue={row.key} className="input mt-1 font-mono" autoComplete="off" spellCheck={false} />
                  )}
                </div>
                <p className="text-xs text-slate-500">{t("questions.chosenBy", { count: row.chosenBy })}</p>
                {canEdit && (
                  <div className="ml-auto flex gap-1">
                    <button type="button" className="btn-secondary px-2" aria-label={`${t("moveUp")}: ${t("questions.optionN", { n: i + 1 })}`} disabled={i === 0} onClick={() => swap(i, i - 1)}>
                      <span aria-hidden="true">↑</span>
                    </button>
                    <button type="button" className="btn-secondary px-2" aria-label={`${t("moveDown")}: ${t("questions.optionN", { n: i + 1 })}`} disabled={i === rows.length - 1} onClick={() => swap(i, i + 1)}>
                      <span aria-hidden="true">↓</span>
                    </button>
                    <button type="button" className="btn-secondary text-red-700" aria-label={`${t("questions.removeOption")}: ${t("questions.optionN", { n: i + 1 })}`} onClick={() => setRows((list) => list.filter((r) => r.id !== row.id))}>
                      {t("questions.removeOption")}
                    </button>
                  </div>
                )}
              </div>
              <div className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
                {LANGUAGES.map((language) => (
                  <div key={language}>
                    <label className="label" htmlFor={`option-${language}-${row.id}`}>
                      {t(`languages.${language}`)}
                    </label>
                    <input
                      id={`option-${language}-${row.id}`}
                      name={`option.${language}`}
                      defaultValue={row.labels[language] ?? ""}
                      lang={language}
                      className="input mt-1"
                      autoComplete="off"
                      placeholder={language === "en" ? "" : row.labels.en}
                    />
                  </div>
                ))}
              </div>
              <FieldProblems reasons={problemsAt(`options[${i}]`)} />
            </li>
          ))}
        </ol>
        {canEdit && (
          <button
            type="button"
            className="btn-secondary"
            data-testid="add-option"
            onClick={() => setRows((list) => [...list, { id: ++rowSerial, key: "", labels: { en: "" }, chosenBy: 0, isSaved: false }])}
          >
            {t("questions.addOption")}
          </button>
        )}
      </fieldset>
      {canEdit && (
        <button type="submit" className="btn" disabled={navigation.state !== "idle"} data-testid="save-question">
          {t(isNew ? "questions.create" : "questions.save")}
        </button>
      )}
    </Form>
  );
}

/** Which other languages a text has, for the list's badges. */
export function languagesOf(texts: TextsView): Language[] {
  return OTHER_LANGUAGES.filter((l) => texts[l]);
}
