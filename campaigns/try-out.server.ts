// Trying a campaign's messages before it goes: the chain rendered for one customer the marketer
// picks (or the sample customer), and one channel's message sent to the marketer through the same
// channel senders campaigns use. A test send is no delivery: it writes no campaign_deliveries row,
// so no report counts it; the outbox keeps it as purpose "test" when the channel has no credentials.
import crypto from "node:crypto";
import type { Database } from "../models/db";
import { recordAudit, type AuditActor } from "../models/audit.server";
import { SendFailure, type ChannelName, type ProviderName, type RenderedMessage, type SendFailureKind } from "./channels/channel";
import { channelSenderFor, type ChannelEnv } from "./channels/senders.server";
import { previewTemplates, type PreviewResult, type RenderOptions, type SmsParts, type TemplateInput, type TemplateProblem } from "./templates/render.server";
import type { MessageDraft, PreviewRequest, TestSendRequest } from "./try-out";

/** One channel of the chain as the preview panel shows it. */
export interface ChannelPreview {
  channel: ChannelName;
  /** The message for this customer; null when the template cannot be rendered (see problems). */
  message: RenderedMessage | null;
  sms: SmsParts | null;
  /** Line and variable where the template names them; the message still shows when it has one. */
  problems: TemplateProblem[];
}

export type PreviewOutcome = { ok: true; previews: ChannelPreview[] } | { ok: false; reason: "customer_not_found" };

const inputOf = (channel: ChannelName, draft: MessageDraft): TemplateInput =>
  channel === "email" ? { channel, subject: draft.subject, htmlBody: draft.htmlBody, textBody: draft.textBody } : { channel, textBody: draft.textBody };

const viewOf = (channel: ChannelName, result: PreviewResult): ChannelPreview =>
  result.ok ? { channel, message: result.message, sms: result.smsParts, problems: result.problems } : { channel, message: null, sms: null, problems: result.problems };

/** Every channel of the chain rendered from the unsaved drafts for a customer (null: the sample customer). */
export async function previewChain(db: Database, request: PreviewRequest, options: RenderOptions): Promise<PreviewOutcome> {
  const inputs = request.channels.map((channel) => inputOf(channel, request.templates[channel]!));
  const rendered = await previewTemplates(db, inputs, request.customerId, options);
  if (!rendered.ok) return rendered;
  return { ok: true, previews: rendered.previews.map(({ channel, result }) => viewOf(channel, result)) };
}

export type TestSendOutcome =
  | { ok: true; channel: ChannelName; provider: ProviderName; providerMessageId: string; to: string }
  | { ok: false; kind: "customer_not_found" }
  | { ok: false; kind: "template"; problems: TemplateProblem[] }
  | { ok: false; kind: "send_failed"; provider: ProviderName; failure: SendFailureKind; reason: string };

export interface TestSendOptions extends RenderOptions {
  /** How long the provider may take (default 15 s): the marketer is waiting. */
  sendTimeoutMs?: number;
}

/** The subject of a test email: marked so nobody takes it for the campaign itself. */
export const testSubject = (subject: string) => `[Test] ${subject}`;

/**
 * Renders one channel's message for the picked customer (or the sample) and sends it to `to` (for
 * email, the marketer's own address) through the channel's sender as configured now, the outbox
 * when it has no credentials. A template that cannot go as it is sends nothing and records nothing.
 * What was sent, through which provider and how it went is audited; the address is not.
 */
export async function sendTestMessage(
  db: Database,
  env: ChannelEnv,
  secret: string,
  request: TestSendRequest & { to: string },
  actor: AuditActor,
  options: TestSendOptions,
): Promise<TestSendOutcome> {
  const { channel } = request;
  const { now } = options;
  const rendered = await previewTemplates(db, [inputOf(channel, request.template)], request.customerId, options);
  if (!rendered.ok) return { ok: false, kind: "customer_not_found" };
  const result = rendered.previews[0].result;
  if (!result.ok) return { ok: false, kind: "template", problems: result.problems };
  if (result.problems.length) return { ok: false, kind: "template", problems: result.problems };
  const message: RenderedMessage = channel === "email" ? { ...result.message, subject: testSubject(result.message.subject ?? "") } : result.message;

  const sender = await channelSenderFor(db, env, secret, channel, { purpose: "test", timeoutMs: options.sendTimeoutMs ?? 15_000, clock: () => now });
  let outcome: TestSendOutcome;
  try {
    const sent = await sender.send({
      deliveryKey: `test-${channel}-user-${actor.userId ?? 0}-${now.getTime()}-${crypto.randomBytes(4).toString("hex")}`,
      to: request.to,
      message,
    });
    outcome = { ok: true, channel, provider: sent.provider, providerMessageId: sent.providerMessageId, to: request.to };
  } catch (error) {
    const failure = error instanceof SendFailure ? error : new SendFailure("maybe_sent", error instanceof Error ? error.message : String(error));
    outcome = { ok: false, kind: "send_failed", provider: sender.provider, failure: failure.kind, reason: failure.message };
  } finally {
    await sender.close();
  }
  const detail = {
    channel,
    customerId: request.customerId,
    provider: outcome.ok ? outcome.provider : sender.provider,
    sent: outcome.ok,
    ...(outcome.ok ? {} : { kind: (outcome as { failure: SendFailureKind }).failure }),
  };
  await recordAudit(db, actor, "campaign.test", { type: "campaign", id: request.campaignId ?? undefined, detail }, undefined, now);
  return outcome;
}
