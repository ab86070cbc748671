import { Form, useSubmit } from "@remix-run/react";
import { useState } from "react";

export interface FilterChoice {
  /** The query parameter. */
  name: string;
  label: string;
  /** The value chosen now ("" for any). */
  value: string;
  /** The label of "" (any). */
  anyLabel: string;
  options: Array<{ value: string; label: string }>;
}

/**
 * A list page's filters as a GET form: a search box (sent with the button or Enter) and choices that
 * apply as soon as one changes. Wraps on a phone; the search box takes the room left.
 */
export function FilterBar({
  search,
  choices,
  submitLabel,
  testId,
}: {
  search: { label: string; placeholder: string; value: string; testId?: string };
  choices: FilterChoice[];
  submitLabel: string;
  testId?: string;
}) {
  const submit = useSubmit();
  const [text, setText] = useState(search.value);
  return (
    <Form
      method="get"
      role="search"
      className="flex flex-wrap items-end gap-3"
      data-testid={testId}
      onChange={(e) => {
        if ((e.target as HTMLElement).tagName === "SELECT") submit(e.currentTarget, { replace: true });
      }}
    >
      <label className="block min-w-[12rem] flex-1">
        <span className="label text-xs">{search.label}</span>
        <input type="search" name="q" value={text} onChange={(e) => setText(e.currentTarget.value)} placeholder={search.placeholder} className="input mt-1 w-full" data-testid={search.testId} />
      </label>
      {choices.map((choice) => (
        <label key={choice.name} className="block">
          <span className="label text-xs">{choice.label}</span>
          <select name={choice.name} defaultValue={choice.value} className="input mt-1">
            <option value="">{choice.anyLabel}</option>
            {choice.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      ))}
      <button type="submit" className="btn-secondary">
        {submitLabel}
      </button>
    </Form>
  );
}
