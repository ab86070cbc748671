// Checks a template before anything is sent: syntax, every variable and filter, what the channel
// needs, and its limits with the sample customer. Pure: no database (the custom field keys come in).

import { createEngines, DEFAULT_RENDER_MS } from "./engine";
import { sampleContext } from "./context";
import { messageProblem, prepareTemplate, renderMessage } from "./message";
import type { TemplateInput, TemplateProblem } from "./types";

export interface CheckOptions {
  /** The store's custom field keys: fields.<key> with another key is a problem. Absent: any key passes here, and the render checks it. */
  fieldKeys?: readonly string[];
  /** Time limit of the sample render, ms. */
  renderMs?: number;
}

// the sample's "now": any fixed day does, the sample customer's dates are fixed too
const SAMPLE_NOW = "2025-01-15T10:00:00";

/**
 * The problems of a template, each naming its field (and line and variable where it has them):
 * Liquid syntax, unknown variables and filters, tags that would read files, an empty subject or
 * body, and the channel's limits (SMS parts, Messenger and Viber length) with the sample customer.
 * Empty: the template can go.
 */
export function checkTemplate(input: TemplateInput, options: CheckOptions = {}): TemplateProblem[] {
  const engines = createEngines({ locale: "en", localNow: SAMPLE_NOW });
  const fieldKeys = options.fieldKeys ? new Set(options.fieldKeys) : null;
  const prepared = prepareTemplate(input, engines, fieldKeys);
  if (!prepared.ok) return prepared.problems;
  // literal keys were checked above; the sample answers every key, so a key computed from the
  // sample's own values (fields[customer.city]) is no false alarm
  const sample = sampleContext("any");
  const rendered = renderMessage(prepared.template, engines, sample, { renderMs: options.renderMs ?? DEFAULT_RENDER_MS });
  if (!rendered.ok) return [rendered.problem];
  const problem = messageProblem(rendered.message, "sample");
  return problem ? [problem] : [];
}
