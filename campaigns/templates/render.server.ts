// Message templates rendered for real customers: the batch the sender asks for, and the preview the
// template editor shows for a customer the marketer picks.

import type { Database } from "../../models/db";
import type { ChannelName, RenderedMessage } from "../channels/channel";
import { createEngines, DEFAULT_RENDER_MS } from "./engine";
import { loadTemplateContexts } from "./context.server";
import { sampleContext } from "./context";
import { messageProblem, prepareTemplate, renderMessage } from "./message";
import { smsParts, type SmsParts } from "./limits";
import type { TemplateInput, TemplateProblem } from "./types";

export { checkTemplate, type CheckOptions } from "./check";
export { smsParts, SMS_MAX_PARTS, MESSENGER_MAX_CHARACTERS, VIBER_MAX_CHARACTERS, type SmsParts } from "./limits";
export { storeFieldKeys, loadTemplateContexts } from "./context.server";
export type { TemplateInput, TemplateProblem, TemplateField } from "./types";

export interface RenderOptions {
  now: Date;
  /** The customer's one-click unsubscribe link for the channel: `unsubscribe_url`, and the email's List-Unsubscribe. */
  unsubscribeUrl: (customerId: number, channel: ChannelName) => string;
  /** Time limit of one render of one part for one customer, ms (default 1000). */
  timeoutMs?: number;
}

export type RenderOutcome = RenderedMessage | { problem: TemplateProblem };

// between customers, give the event loop a turn now and then: renders are synchronous
const YIELD_EVERY = 200;

/**
 * Each customer's message on each template's channel. A template that does not parse or names an
 * unknown variable gives every customer its problem; a render that fails or comes out empty or too
 * long for the channel gives that customer a `{ problem }`. Nothing throws for a template's sake.
 * Customers that do not exist (any more) have no entry. The data comes in batches
 * (loadTemplateContexts), not a query per customer.
 */
export async function renderForCustomers(
  db: Database,
  templates: TemplateInput[],
  customerIds: number[],
  options: RenderOptions,
): Promise<Map<number, Map<ChannelName, RenderOutcome>>> {
  const result = new Map<number, Map<ChannelName, RenderOutcome>>();
  if (customerIds.length === 0 || templates.length === 0) return result;
  const loaded = await loadTemplateContexts(db, customerIds, { now: options.now });
  const engines = createEngines({ locale: loaded.locale, localNow: loaded.localNow });
  const fieldKeys = new Set(loaded.fieldKeys);
  const prepared = templates.map((input) => ({ channel: input.channel, outcome: prepareTemplate(input, engines, fieldKeys) }));
  const renderMs = options.timeoutMs ?? DEFAULT_RENDER_MS;
  let rendered = 0;
  for (const customerId of new Set(customerIds)) {
    const base = loaded.contexts.get(customerId);
    if (!base) continue;
    const byChannel = new Map<ChannelName, RenderOutcome>();
    for (const { channel, outcome } of prepared) {
      if (!outcome.ok) {
        byChannel.set(channel, { problem: outcome.problems[0] });
        continue;
      }
      const context = { ...base, unsubscribe_url: options.unsubscribeUrl(customerId, channel) };
      const message = renderMessage(outcome.template, engines, context, { renderMs });
      if (!message.ok) {
        byChannel.set(channel, { problem: message.problem });
        continue;
      }
      const problem = messageProblem(message.message, "customer");
      byChannel.set(channel, problem ? { problem } : message.message);
    }
    result.set(customerId, byChannel);
    if (++rendered % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return result;
}

export type PreviewResult =
  | {
      ok: true;
      message: RenderedMessage;
      /** SMS only: characters, encoding and parts of this customer's text. */
      smsParts: SmsParts | null;
      /** What stops this message from going as it is (empty, too long for the channel); the message is still shown. */
      problems: TemplateProblem[];
    }
  | { ok: false; reason: "customer_not_found" | "template"; problems: TemplateProblem[] };

/** The template rendered for one customer the marketer picked, as the editor's preview shows it. */
export async function previewTemplate(db: Database, input: TemplateInput, customerId: number, options: RenderOptions): Promise<PreviewResult> {
  const loaded = await loadTemplateContexts(db, [customerId], { now: options.now });
  const base = loaded.contexts.get(customerId);
  if (!base) return { ok: false, reason: "customer_not_found", problems: [] };
  const engines = createEngines({ locale: loaded.locale, localNow: loaded.localNow });
  const prepared = prepareTemplate(input, engines, new Set(loaded.fieldKeys));
  if (!prepared.ok) return { ok: false, reason: "template", problems: prepared.problems };
  const context = { ...base, unsubscribe_url: options.unsubscribeUrl(customerId, input.channel) };
  const rendered = renderMessage(prepared.template, engines, context, { renderMs: options.timeoutMs ?? DEFAULT_RENDER_MS });
  if (!rendered.ok) return { ok: false, reason: "template", problems: [rendered.problem] };
  const problem = messageProblem(rendered.message, "customer");
  return {
    ok: true,
    message: rendered.message,
    smsParts: input.channel === "sms" ? smsParts(rendered.message.text) : null,
    problems: problem ? [problem] : [],
  };
}

/** The sample customer's name in answers: what "for the sample customer" means on the page. */
export const SAMPLE_CUSTOMER = "sample";

/**
 * Each template rendered for one customer the marketer picked, or for the sample customer of the
 * variables reference when `customerId` is null: the editor's preview of a whole chain, and the
 * message a test send carries. One load of the customer's context for every channel.
 */
export async function previewTemplates(
  db: Database,
  inputs: TemplateInput[],
  customerId: number | null,
  options: RenderOptions,
): Promise<{ ok: true; previews: Array<{ channel: ChannelName; result: PreviewResult }> } | { ok: false; reason: "customer_not_found" }> {
  const loaded = await loadTemplateContexts(db, customerId === null ? [] : [customerId], { now: options.now });
  const base = customerId === null ? sampleContext(loaded.fieldKeys) : loaded.contexts.get(customerId);
  if (!base) return { ok: false, reason: "customer_not_found" };
  const whose = customerId === null ? "sample" : "customer";
  const engines = createEngines({ locale: loaded.locale, localNow: loaded.localNow });
  const fieldKeys = new Set(loaded.fieldKeys);
  const previews = inputs.map((input) => {
    const prepared = prepareTemplate(input, engines, fieldKeys);
    if (!prepared.ok) return { channel: input.channel, result: { ok: false, reason: "template", problems: prepared.problems } as PreviewResult };
    const context = { ...base, unsubscribe_url: options.unsubscribeUrl(customerId ?? 0, input.channel) };
    const rendered = renderMessage(prepared.template, engines, context, { renderMs: options.timeoutMs ?? DEFAULT_RENDER_MS });
    if (!rendered.ok) return { channel: input.channel, result: { ok: false, reason: "template", problems: [rendered.problem] } as PreviewResult };
    const problem = messageProblem(rendered.message, whose);
    const result: PreviewResult = {
      ok: true,
      message: rendered.message,
      smsParts: input.channel === "sms" ? smsParts(rendered.message.text) : null,
      problems: problem ? [problem] : [],
    };
    return { channel: input.channel, result };
  });
  return { ok: true, previews };
}
