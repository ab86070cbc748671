// A template parsed once and rendered per customer: the part checkTemplate, the preview and the
// batch render share. Pure: contexts come in ready.

import type { Template } from "liquidjs";
import { compile } from "html-to-text";
import type { ChannelName, RenderedMessage } from "../channels/channel";
import { msg } from "../../models/messages";
import { DEFAULT_RENDER_MS, globalVariables, problemFromError, suggestion, unknownPathReason, whereAt, type TemplateEngines } from "./engine";
import type { TemplateContext } from "./context";
import { channelLimitProblem, type Whose } from "./limits";
import { fieldLabel, type TemplateField, type TemplateInput, type TemplateProblem } from "./types";

export interface PreparedTemplate {
  channel: ChannelName;
  subject: Template[] | null;
  html: Template[] | null;
  text: Template[] | null;
}

const isBlank = (s: string | null | undefined) => !s || s.trim() === "";

/** The parts of a template its channel uses, each with the engine it renders in. */
function partsOf(input: TemplateInput): Array<{ field: TemplateField; source: string; html: boolean }> {
  const parts: Array<{ field: TemplateField; source: string; html: boolean }> = [];
  if (input.channel === "email") {
    if (!isBlank(input.subject)) parts.push({ field: "subject", source: input.subject!, html: false });
    if (!isBlank(input.htmlBody)) parts.push({ field: "htmlBody", source: input.htmlBody!, html: true });
  }
  if (!isBlank(input.textBody)) parts.push({ field: "textBody", source: input.textBody!, html: false });
  return parts;
}

/** What the channel needs that the template leaves empty. */
function missingParts(input: TemplateInput): TemplateProblem[] {
  if (input.channel === "email") {
    const problems: TemplateProblem[] = [];
    if (isBlank(input.subject)) problems.push({ field: "subject", line: null, variable: null, message: msg("campaigns.template.needsSubject", { field: fieldLabel("email", "subject") }) });
    if (isBlank(input.htmlBody) && isBlank(input.textBody)) {
      problems.push({ field: "htmlBody", line: null, variable: null, message: msg("campaigns.template.needsBody", { field: fieldLabel("email", "htmlBody") }) });
    }
    return problems;
  }
  if (isBlank(input.textBody)) {
    return [{ field: "textBody", line: null, variable: null, message: msg("campaigns.template.empty", { field: fieldLabel(input.channel, "textBody") }) }];
  }
  return [];
}

/**
 * Parses a template and holds every variable it reads against the context's shape; custom field
 * keys are checked when `fieldKeys` is given. Problems found here stop the template for everyone.
 */
export function prepareTemplate(
  input: TemplateInput,
  engines: TemplateEngines,
  fieldKeys: ReadonlySet<string> | null,
): { ok: true; template: PreparedTemplate } | { ok: false; problems: TemplateProblem[] } {
  const problems = missingParts(input);
  const template: PreparedTemplate = { channel: input.channel, subject: null, html: null, text: null };
  for (const part of partsOf(input)) {
    const engine = part.html ? engines.html : engines.plain;
    const label = fieldLabel(input.channel, part.field);
    let parsed: Template[];
    try {
      parsed = engine.parse(part.source);
    } catch (error) {
      problems.push(problemFromError(error, input.channel, part.field));
      continue;
    }
    const seen = new Set<string>();
    for (const variable of globalVariables(engine, parsed)) {
      const reason = unknownPathReason(variable.segments, fieldKeys);
      const place = `${variable.path}@${variable.line}`;
      if (reason === null || seen.has(place)) continue;
      seen.add(place);
      const where = whereAt(label, variable.line);
      const message =
        reason === "no_field"
          ? msg("campaigns.template.noCustomField", { where, key: String(variable.segments[1]), path: variable.path })
          : msg("campaigns.template.unknownVariable", { where, variable: variable.path }) + suggestion(variable.path);
      problems.push({ field: part.field, line: variable.line, variable: variable.path, message });
    }
    if (part.field === "subject") template.subject = parsed;
    else if (part.field === "htmlBody") template.html = parsed;
    else template.text = parsed;
  }
  return problems.length ? { ok: false, problems } : { ok: true, template };
}

// compiled once: html-to-text builds its selector machinery on every convert() otherwise (ms a call)
const htmlToText = compile({
  wordwrap: 78,
  selectors: [
    { selector: "img", format: "skip" },
    { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
  ],
});

/** The text part of an email made from its HTML: links keep their address, images are left out. */
export function textFromHtml(html: string): string {
  return htmlToText(html).trim();
}

/** Renders a prepared template for one customer; a Liquid error is that customer's problem, not an exception. */
export function renderMessage(
  template: PreparedTemplate,
  engines: TemplateEngines,
  context: TemplateContext,
  options: { renderMs?: number } = {},
): { ok: true; message: RenderedMessage } | { ok: false; problem: TemplateProblem } {
  const renderLimit = options.renderMs ?? DEFAULT_RENDER_MS;
  let field: TemplateField = "textBody";
  const render = (engine: "html" | "plain", parsed: Template[]): string => String(engines[engine].renderSync(parsed, context, { renderLimit }));
  try {
    if (template.channel === "email") {
      field = "subject";
      // a header is one line: line breaks a loop or an if left behind become spaces
      const subject = template.subject ? render("plain", template.subject).replace(/\s+/g, " ").trim() : "";
      field = "htmlBody";
      const html = template.html ? render("html", template.html) : undefined;
      field = "textBody";
      const text = template.text ? render("plain", template.text).trim() : html !== undefined ? textFromHtml(html) : "";
      const headers: Record<string, string> = {};
      if (context.unsubscribe_url) {
        headers["List-Unsubscribe"] = `<${context.unsubscribe_url}>`;
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
      }
      return { ok: true, message: { channel: "email", subject, ...(html !== undefined ? { html } : {}), text, headers } };
    }
    const text = template.text ? render("plain", template.text).trim() : "";
    return { ok: true, message: { channel: template.channel, text } };
  } catch (error) {
    return { ok: false, problem: problemFromError(error, template.channel, field, { renderMs: renderLimit }) };
  }
}

/** Why a rendered message cannot go as it is (empty, or too long for its channel); `whose` says for whom: this customer, or the sample one. */
export function messageProblem(message: RenderedMessage, whose: Whose): TemplateProblem | null {
  const problem = (field: TemplateField, text: (label: string) => string): TemplateProblem => ({ field, line: null, variable: null, message: text(fieldLabel(message.channel, field)) });
  const forSample = whose === "sample";
  if (message.channel === "email") {
    if (message.subject === "") return problem("subject", (field) => msg(forSample ? "campaigns.template.subjectEmptyForSample" : "campaigns.template.subjectEmptyForCustomer", { field }));
    if (message.text === "" && !message.html?.trim()) {
      return problem(message.html === undefined ? "textBody" : "htmlBody", (field) => msg(forSample ? "campaigns.template.emptyForSample" : "campaigns.template.emptyForCustomer", { field }));
    }
    return null;
  }
  if (message.text === "") return problem("textBody", (field) => msg(forSample ? "campaigns.template.emptyForSample" : "campaigns.template.emptyForCustomer", { field }));
  const label = fieldLabel(message.channel, "textBody");
  const tooLong = channelLimitProblem(message.channel, message.text, whose, label);
  return tooLong ? { field: "textBody", line: null, variable: null, message: tooLong } : null;
}
