// What the customer page shows of one customer (profile, channels, orders, carts, history, the
// segments they are in and why, the campaigns that reached them), loaded once for the customer page
// and for the task page, which shows the same cards beside a task.
import type { AppLoadContext, SerializeFrom } from "@remix-run/node";
import type { SessionUser } from "../../../models/users.server";
import { getStoreSettings } from "~/domain/store.server";
import { displayPhone, getCustomerPage, listCustomerCampaigns } from "~/domain/customers.server";
import { segmentVocabulary, whyCustomerIsIn } from "~/domain/segments.server";
import { namesUsedBy } from "~/components/segments/words";
import { getStoreForReader } from "~/i18n.server";
import { erasedAtOf, listConsentHistory } from "~/domain/privacy.server";

export type CustomerPanelResult = { ok: true; panel: Awaited<ReturnType<typeof panelOf>> } | { ok: false; reason: "not-found" | "forbidden" };

/**
 * The customer's cards for this viewer, or why not: a manager opens only the customers assigned to
 * them (`forbidden`). The paged lists move by `orders`, `history` and `campaigns` in `search`.
 */
export async function loadCustomerPanel(request: Request, context: AppLoadContext, user: Pick<SessionUser, "id" | "role">, customerId: number, search: URLSearchParams, now: Date): Promise<CustomerPanelResult> {
  const db = context.services.db;
  const [result, store] = await Promise.all([
    getCustomerPage(db, { customerId, viewer: { id: user.id, role: user.role }, ordersCursor: search.get("orders"), historyCursor: search.get("history") }),
    getStoreForReader(request, context),
  ]);
  if (!result.ok) return result;
  return { ok: true, panel: await panelOf(context, user, result.page, store, search, now) };
}

async function panelOf(
  context: AppLoadContext,
  user: Pick<SessionUser, "id" | "role">,
  page: Extract<Awaited<ReturnType<typeof getCustomerPage>>, { ok: true }>["page"],
  store: Awaited<ReturnType<typeof getStoreSettings>>,
  search: URLSearchParams,
  now: Date,
) {
  const db = context.services.db;
  const { profile, orders, carts, timeline } = page;
  // after the access check: a manager sees the campaigns of their own customers only
  const [memberships, vocabulary, campaigns, consents, erasedAt] = await Promise.all([
    whyCustomerIsIn(context.services.segments, profile.id, now),
    segmentVocabulary(db),
    listCustomerCampaigns(db, { customerId: profile.id, cursor: search.get("campaigns") }),
    listConsentHistory(db, profile.id),
    erasedAtOf(db, profile.id),
  ]);
  const mayOpenCampaigns = user.role === "admin" || user.role === "marketer";
  const memberOf = new Set(memberships.map((m) => m.segmentId));
  return {
    segments: {
      memberships,
      // the picker of "Why isn't this customer in…?"
      notIn: vocabulary.segments.filter((s) => !memberOf.has(s.id)).map((s) => ({ id: s.id, name: s.name })),
      canOpen: user.role === "admin" || user.role === "marketer",
      // only the names the reasons' sentences need, not the whole vocabulary
      names: namesUsedBy(vocabulary, memberships.flatMap((m) => m.criteria)),
    },
    profile: {
      ...profile,
      phoneDisplay: displayPhone(profile.phone),
      channels: profile.channels.map((c) => (c.channel === "sms" ? { ...c, address: displayPhone(c.address) } : c)),
    },
    orders,
    carts,
    timeline,
    campaigns: {
      total: campaigns.total,
      olderCursor: campaigns.olderCursor,
      // managers cannot open campaign pages: no links to them
      canOpen: mayOpenCampaigns,
      entries: campaigns.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
    },
    store,
    // the customer's rights (docs/decisions/0040): the consent history for every viewer of the
    // page, the export and erasure for admins only
    privacy: { consents, erasedAt: erasedAt?.toISOString() ?? null, canExport: user.role === "admin", canErase: user.role === "admin" },
  };
}

/** The customer cards' data as it reaches the browser. */
export type CustomerPageData = SerializeFrom<Extract<CustomerPanelResult, { ok: true }>["panel"]>;
