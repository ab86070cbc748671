// The campaign form's preview and test send over HTTP: the posted draft read into the requests
// campaigns/try-out.ts defines, the answers by field, and a per-user limit on test sends.
import { json, type ActionFunctionArgs } from "@remix-run/node";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { msg } from "../../../models/messages";
import { perConsole } from "../../../models/context";
import { CAMPAIGN_CHANNELS } from "../../../campaigns/definition";
import { PreviewRequest, TEST_SENDS_PER_MINUTE, TestSendRequest } from "../../../campaigns/try-out";
import { parseInput, type FieldError } from "../../../models/ingest/schemas";
import type { TemplateProblem } from "../../../campaigns/templates/render.server";
import { previewCampaignChain, sendCampaignTest } from "./domain.server";
import { CAMPAIGN_ROLES } from "./editor.server";
import type { PreviewAnswer, TestSendAnswer } from "./try-out";

const NO_STORE = { "Cache-Control": "no-store" };

// a test send reaches a real provider (and costs an SMS part): a few a minute per user is plenty
// for checking a message, and keeps a stuck button or a script from spamming the marketer's phone
// (per console, as the login limits are)
const testSendsOf = perConsole(() => new RateLimiterMemory({ keyPrefix: "campaign-test-send", points: TEST_SENDS_PER_MINUTE, duration: 60 }));

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};
/** "12" as 12, blank as null (the sample customer), anything else as it came, for the schema to name. */
const idOf = (v: string | undefined) => (v === undefined || v.trim() === "" ? null : /^\d{1,10}$/.test(v.trim()) ? Number(v.trim()) : v);

function draftOf(form: FormData, channel: string) {
  const field = (f: string) => text(form, `templates.${channel}.${f}`);
  return channel === "email" ? { subject: field("subject"), htmlBody: field("htmlBody"), textBody: field("textBody") } : { textBody: field("textBody") };
}

/** A template's problem under the form's field name, with its line and variable in the reason. */
function problemAsFieldError(channel: string, p: TemplateProblem): FieldError {
  return { field: `templates.${channel}.${p.field}`, reason: p.message };
}

/** POST /campaigns/preview: every channel of the posted chain rendered for the posted customer. */
export async function previewAction({ request, context }: ActionFunctionArgs) {
  await requireRole(request, context, ...CAMPAIGN_ROLES);
  const form = await readForm(request, context);
  const channels = form.getAll("channels").filter((v): v is string => typeof v === "string");
  const templates: Record<string, unknown> = {};
  for (const channel of channels) if ((CAMPAIGN_CHANNELS as readonly string[]).includes(channel)) templates[channel] = draftOf(form, channel);
  const customerId = idOf(text(form, "customerId"));
  const parsed = parseInput(PreviewRequest, { customerId, channels, templates });
  if (!parsed.ok) return json<PreviewAnswer>({ customerId: typeof customerId === "number" ? customerId : null, errors: parsed.errors }, { status: 400, headers: NO_STORE });
  const outcome = await previewCampaignChain(context.services, parsed.value, new Date());
  if (!outcome.ok) return json<PreviewAnswer>({ customerId: parsed.value.customerId, errors: [{ field: "customerId", reason: msg("campaigns.tryOut.noCustomer") }] }, { status: 404, headers: NO_STORE });
  return json<PreviewAnswer>({ customerId: parsed.value.customerId, previews: outcome.previews }, { headers: NO_STORE });
}

/** POST /campaigns/test-send: one channel's message to the signed-in marketer, at most a few a minute. */
export async function testSendAction({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ...CAMPAIGN_ROLES);
  const form = await readForm(request, context);
  const channel = text(form, "channel") ?? "";
  const parsed = parseInput(TestSendRequest, {
    channel,
    customerId: idOf(text(form, "customerId")),
    campaignId: idOf(text(form, "campaignId")),
    to: text(form, "to"),
    template: draftOf(form, channel),
  });
  if (!parsed.ok) {
    // the draft's fields by the names the form gives them
    const errors = parsed.errors.map((e) => (e.field.startsWith("template.") ? { ...e, field: `templates.${channel}.${e.field.slice("template.".length)}` } : e));
    return json<TestSendAnswer>({ errors }, { status: 400, headers: NO_STORE });
  }
  try {
    await testSendsOf(context.services).consume(String(user.id));
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterS = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    return json<TestSendAnswer>(
      { retryAfterS, errors: [{ field: "(request)", reason: msg("campaigns.tryOut.tooMany", { count: TEST_SENDS_PER_MINUTE, seconds: retryAfterS }) }] },
      { status: 429, headers: { ...NO_STORE, "Retry-After": String(retryAfterS) } },
    );
  }
  const outcome = await sendCampaignTest(context.services, parsed.value, user.email, { userId: user.id, ip: context.clientIp }, new Date());
  if (outcome.ok) return json<TestSendAnswer>({ sent: { channel: outcome.channel, provider: outcome.provider, to: outcome.to } }, { headers: NO_STORE });
  // nothing went out: the attempt is given back
  if (outcome.kind !== "send_failed") await testSendsOf(context.services).reward(String(user.id), 1);
  if (outcome.kind === "customer_not_found") return json<TestSendAnswer>({ errors: [{ field: "customerId", reason: msg("campaigns.tryOut.noCustomer") }] }, { status: 404, headers: NO_STORE });
  if (outcome.kind === "template") return json<TestSendAnswer>({ errors: outcome.problems.map((p) => problemAsFieldError(channel, p)) }, { status: 400, headers: NO_STORE });
  return json<TestSendAnswer>({ failed: { provider: outcome.provider, failure: outcome.failure, reason: outcome.reason } }, { status: 502, headers: NO_STORE });
}
