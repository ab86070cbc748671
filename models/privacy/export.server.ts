// Everything the store holds about one customer, as one JSON document (the answer to an access
// request, docs/decisions/0040), and the same document cut into one table per section for the CSV
// bundle. Read in one transaction, so the sections agree with each other.
import { Op, type Transaction } from "sequelize";
import type { Database } from "../db";
import { CHANNELS } from "../models";
import { readTimestamp } from "../sql/bulk";
import { listConsentHistory, type ConsentRecordView } from "./consents.server";

const iso = (value: unknown) => readTimestamp(value)?.toISOString() ?? null;
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const json = (text: string | null) => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

export const EXPORT_FORMAT_VERSION = 1;

export interface CustomerExport {
  formatVersion: number;
  exportedAt: string;
  customer: {
    id: number;
    externalId: string;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    phone: string | null;
    country: string | null;
    city: string | null;
    birthday: string | null;
    locale: string | null;
    timeZone: string | null;
    acceptsMarketing: boolean;
    customerGroup: string | null;
    manager: { name: string; email: string } | null;
    tags: string[];
    registeredAt: string | null;
    firstInteractionAt: string | null;
    lastInteractionAt: string | null;
    totalSpent: number;
    ordersCount: number;
    lastOrderAt: string | null;
    erasedAt: string | null;
    createdAt: string | null;
    updatedAt: string | null;
  };
  /** The customer's own marketing consent, newest first. */
  marketingConsent: ConsentRecordView[];
  channels: Array<{
    channel: string;
    address: string | null;
    isSubscribed: boolean;
    subscriptionChangedAt: string | null;
    /** Newest first. */
    consentHistory: ConsentRecordView[];
  }>;
  customFields: Array<{ key: string; label: string; type: string; value: string | number | null }>;
  registrationAnswers: Array<{ questionKey: string; question: string; optionKey: string; option: string; answeredAt: string | null }>;
  orders: Array<{
    externalId: string;
    status: string;
    total: number;
    currency: string;
    placedAt: string | null;
    items: Array<{ product: string | null; productExternalId: string | null; variant: string | null; sku: string | null; category: string | null; quantity: number; price: number }>;
  }>;
  abandonedCarts: Array<{ externalId: string; abandonedAt: string | null; value: number; currency: string; recoveredAt: string | null }>;
  /** Visits to the shop (site or bot) as the change log recorded them. */
  interactions: Array<{ at: string | null; firstInteractionAt: string | null; lastInteractionAt: string | null; sources: string[] }>;
  segmentHistory: {
    memberships: Array<{ segment: string; code: string; enteredAt: string | null }>;
    events: Array<{ segment: string; code: string; kind: string; at: string | null }>;
  };
  messages: {
    deliveries: Array<{ campaign: string | null; channel: string | null; address: string | null; status: string; skipReason: string | null; sentAt: string | null; deliveredAt: string | null; readAt: string | null; createdAt: string | null }>;
    outbox: Array<{ channel: string; purpose: string; recipient: string; subject: string | null; text: string | null; html: string | null; status: string; createdAt: string | null; sentAt: string | null }>;
  };
  tasks: Array<{ title: string; description: string | null; status: string; dueAt: string | null; createdAt: string | null; completedAt: string | null; comments: Array<{ body: string; createdAt: string | null }> }>;
  /** What changed, when and through what (the change log). */
  changes: Array<{ kind: string; source: string; fields: unknown; at: string | null }>;
}

/** The export of one customer, or null when there is none with this id. */
export async function exportCustomer(db: Database, customerId: number, now: Date): Promise<CustomerExport | null> {
  return db.sequelize.transaction((t) => readExport(db, customerId, now, t));
}

async function readExport(db: Database, customerId: number, now: Date, transaction: Transaction): Promise<CustomerExport | null> {
  const m = db.models;
  const raw = { raw: true, transaction } as const;
  const c = await m.Customer.findByPk(customerId, raw);
  if (!c) return null;
  const where = { customerId };
  const [group, manager, tagLinks, fields, values, answers, identities, consents, orders, carts, changes, members, events, deliveries, outbox, tasks] = await Promise.all([
    c.customerGroupId ? m.CustomerGroup.findByPk(c.customerGroupId, raw) : null,
    c.managerId ? m.User.findByPk(c.managerId, { attributes: ["name", "email"], ...raw }) : null,
    m.CustomerTag.findAll({ where, ...raw }),
    m.CustomField.findAll({ order: [["position", "ASC"], ["id", "ASC"]], ...raw }),
    m.CustomerFieldValue.findAll({ where, ...raw }),
    m.RegistrationAnswer.findAll({ where, ...raw }),
    m.ChannelIdentity.findAll({ where, ...raw }),
    listConsentHistory(db, customerId, { transaction }),
    m.Order.findAll({ where, order: [["placedAt", "ASC"], ["id", "ASC"]], ...raw }),
    m.AbandonedCart.findAll({ where, order: [["abandonedAt", "ASC"], ["id", "ASC"]], ...raw }),
    m.CustomerChange.findAll({ where, order: [["id", "ASC"]], ...raw }),
    m.SegmentMember.findAll({ where, ...raw }),
    m.SegmentEvent.findAll({ where, order: [["id", "ASC"]], ...raw }),
    m.CampaignDelivery.findAll({ where, order: [["id", "ASC"]], ...raw }),
    m.OutboxMessage.findAll({ where, order: [["id", "ASC"]], ...raw }),
    m.Task.findAll({ where, order: [["id", "ASC"]], ...raw }),
  ]);
  const tags = tagLinks.length ? await m.Tag.findAll({ where: { id: { [Op.in]: tagLinks.map((l) => l.tagId) } }, ...raw }) : [];
  const optionIds = answers.map((a) => a.optionId);
  const options = optionIds.length ? await m.RegistrationOption.findAll({ where: { id: { [Op.in]: optionIds } }, ...raw }) : [];
  const questionIds = [...new Set(answers.map((a) => a.questionId))];
  const questions = questionIds.length ? await m.RegistrationQuestion.findAll({ where: { id: { [Op.in]: questionIds } }, ...raw }) : [];
  const orderIds = orders.map((o) => o.id);
  const items = orderIds.length ? await m.OrderItem.findAll({ where: { orderId: { [Op.in]: orderIds } }, order: [["id", "ASC"]], ...raw }) : [];
  const productIds = [...new Set(items.map((i) => i.productId).filter((id): id is number => id !== null))];
  const variantIds = [...new Set(items.map((i) => i.variantId).filter((id): id is number => id !== null))];
  const categoryIds = [...new Set(items.map((i) => i.categoryId).filter((id): id is number => id !== null))];
  const segmentIds = [...new Set([...members.map((s) => s.segmentId), ...events.map((e) => e.segmentId)])];
  const campaignIds = [...new Set(deliveries.map((d) => d.campaignId))];
  const taskIds = tasks.map((t) => Number(t.id));
  const [products, variants, categories, segments, campaigns, comments] = await Promise.all([
    productIds.length ? m.Product.findAll({ where: { id: { [Op.in]: productIds } }, ...raw }) : [],
    variantIds.length ? m.ProductVariant.findAll({ where: { id: { [Op.in]: variantIds } }, ...raw }) : [],
    categoryIds.length ? m.Category.findAll({ where: { id: { [Op.in]: categoryIds } }, ...raw }) : [],
    segmentIds.length ? m.Segment.findAll({ where: { id: { [Op.in]: segmentIds } }, attributes: ["id", "name", "code"], ...raw }) : [],
    campaignIds.length ? m.Campaign.findAll({ where: { id: { [Op.in]: campaignIds } }, attributes: ["id", "name"], ...raw }) : [],
    taskIds.length ? m.TaskComment.findAll({ where: { taskId: { [Op.in]: taskIds } }, order: [["id", "ASC"]], ...raw }) : [],
  ]);
  const byId = <T extends { id: number | string }>(rows: T[]) => new Map(rows.map((r) => [Number(r.id), r]));
  const productBy = byId(products);
  const variantBy = byId(variants);
  const categoryBy = byId(categories);
  const segmentBy = byId(segments);
  const campaignBy = byId(campaigns);
  const optionBy = byId(options);
  const questionBy = byId(questions);
  const fieldValueBy = new Map(values.map((v) => [v.customFieldId, v]));

  return {
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    customer: {
      id: c.id,
      externalId: c.externalId,
      firstName: c.firstName,
      lastName: c.lastName,
      email: c.email,
      phone: c.phone,
      country: c.country,
      city: c.city,
      birthday: c.birthday ? String(c.birthday).slice(0, 10) : null,
      locale: c.locale ?? null,
      timeZone: c.timeZone ?? null,
      acceptsMarketing: Boolean(Number(c.acceptsMarketing)),
      customerGroup: group?.name ?? null,
      manager: manager ? { name: manager.name, email: manager.email } : null,
      tags: tags.map((t) => t.name).sort(),
      registeredAt: iso(c.registeredAt),
      firstInteractionAt: iso(c.firstInteractionAt),
      lastInteractionAt: iso(c.lastInteractionAt),
      totalSpent: Number(c.totalSpent),
      ordersCount: Number(c.ordersCount),
      lastOrderAt: iso(c.lastOrderAt),
      erasedAt: iso(c.erasedAt),
      createdAt: iso(c.createdAt),
      updatedAt: iso(c.updatedAt),
    },
    marketingConsent: consents.filter((r) => r.subject === "marketing"),
    channels: CHANNELS.filter((ch) => identities.some((i) => i.channel === ch) || consents.some((r) => r.subject === ch)).map((channel) => {
      const identity = identities.find((i) => i.channel === channel);
      return {
        channel,
        address: identity?.address ?? null,
        isSubscribed: Boolean(Number(identity?.isSubscribed ?? 0)),
        subscriptionChangedAt: iso(identity?.subscriptionChangedAt),
        consentHistory: consents.filter((r) => r.subject === channel),
      };
    }),
    customFields: fields
      .filter((f) => fieldValueBy.has(f.id))
      .map((f) => {
        const v = fieldValueBy.get(f.id)!;
        const value = f.type === "number" ? num(v.valueNumber) : f.type === "date" ? (v.valueDate ? String(v.valueDate).slice(0, 10) : null) : v.valueText;
        return { key: f.key, label: f.label, type: f.type, value };
      }),
    registrationAnswers: answers
      .map((a) => {
        const q = questionBy.get(a.questionId);
        const o = optionBy.get(a.optionId);
        return { questionKey: q?.key ?? "", question: q?.text ?? "", optionKey: o?.key ?? "", option: o?.label ?? "", answeredAt: iso(a.answeredAt), position: [q?.position ?? 0, o?.position ?? 0] };
      })
      .sort((a, b) => a.position[0] - b.position[0] || a.position[1] - b.position[1] || a.optionKey.localeCompare(b.optionKey))
      .map(({ position: _position, ...a }) => a),
    orders: orders.map((o) => ({
      externalId: o.externalId,
      status: o.status,
      total: Number(o.total),
      currency: o.currency,
      placedAt: iso(o.placedAt),
      items: items
        .filter((i) => i.orderId === o.id)
        .map((i) => {
          const product = i.productId === null ? undefined : productBy.get(i.productId);
          const variant = i.variantId === null ? undefined : variantBy.get(i.variantId);
          return {
            product: product?.name ?? null,
            productExternalId: product?.externalId ?? null,
            variant: variant?.name ?? null,
            sku: variant?.sku ?? null,
            category: i.categoryId === null ? null : (categoryBy.get(i.categoryId)?.name ?? null),
            quantity: Number(i.quantity),
            price: Number(i.price),
          };
        }),
    })),
    abandonedCarts: carts.map((cart) => ({ externalId: cart.externalId, abandonedAt: iso(cart.abandonedAt), value: Number(cart.value), currency: cart.currency, recoveredAt: iso(cart.recoveredAt) })),
    interactions: changes
      .filter((ch) => ch.kind === "interaction")
      .map((ch) => {
        const f = (json(ch.fields) ?? {}) as { firstInteractionAt?: string; lastInteractionAt?: string; sources?: string[] };
        return { at: iso(ch.createdAt), firstInteractionAt: f.firstInteractionAt ?? null, lastInteractionAt: f.lastInteractionAt ?? null, sources: f.sources ?? [] };
      }),
    segmentHistory: {
      memberships: members.map((s) => ({ segment: segmentBy.get(s.segmentId)?.name ?? "", code: segmentBy.get(s.segmentId)?.code ?? "", enteredAt: iso(s.enteredAt) })).sort((a, b) => a.code.localeCompare(b.code)),
      events: events.map((e) => ({ segment: segmentBy.get(e.segmentId)?.name ?? "", code: segmentBy.get(e.segmentId)?.code ?? "", kind: e.kind, at: iso(e.at) })),
    },
    messages: {
      deliveries: deliveries.map((d) => ({
        campaign: campaignBy.get(d.campaignId)?.name ?? null,
        channel: d.channel,
        address: d.address,
        status: d.status,
        skipReason: d.skipReason,
        sentAt: iso(d.sentAt),
        deliveredAt: iso(d.deliveredAt),
        readAt: iso(d.readAt),
        createdAt: iso(d.createdAt),
      })),
      outbox: outbox.map((o) => ({
        channel: o.channel,
        purpose: o.purpose,
        recipient: o.recipient,
        subject: o.subject,
        text: o.textBody,
        html: o.htmlBody,
        status: o.status,
        createdAt: iso(o.createdAt),
        sentAt: iso(o.sentAt),
      })),
    },
    tasks: tasks.map((t) => ({
      title: t.title,
      description: t.description,
      status: t.status,
      dueAt: iso(t.dueAt),
      createdAt: iso(t.createdAt),
      completedAt: iso(t.completedAt),
      comments: comments.filter((cm) => Number(cm.taskId) === Number(t.id)).map((cm) => ({ body: cm.body, createdAt: iso(cm.createdAt) })),
    })),
    changes: changes.map((ch) => ({ kind: ch.kind, source: ch.source, fields: json(ch.fields), at: iso(ch.createdAt) })),
  };
}

/** One table of the CSV bundle: a file name and its rows, the header first. */
export interface ExportTable {
  name: string;
  rows: Array<Array<string | number | boolean | null>>;
}

/** The export cut into one table per section (nested lists flattened with their parent's key). */
export function exportTables(doc: CustomerExport): ExportTable[] {
  const table = <T extends object>(name: string, rows: T[], columns: Array<keyof T & string>): ExportTable => ({
    name,
    rows: [columns, ...rows.map((r) => columns.map((k) => cell(r[k])))],
  });
  const c = doc.customer;
  const profile = { ...c, manager: c.manager ? `${c.manager.name} <${c.manager.email}>` : null, tags: c.tags.join(", ") };
  const consents = [
    ...doc.marketingConsent,
    ...doc.channels.flatMap((ch) => ch.consentHistory),
  ].sort((a, b) => (a.occurredAt < b.occurredAt ? 1 : a.occurredAt > b.occurredAt ? -1 : b.id - a.id));
  return [
    table("customer", [profile], Object.keys(profile) as Array<keyof typeof profile & string>),
    table("channels", doc.channels, ["channel", "address", "isSubscribed", "subscriptionChangedAt"]),
    table("consent_history", consents, ["subject", "isGranted", "source", "reference", "occurredAt", "recordedAt"]),
    table("custom_fields", doc.customFields, ["key", "label", "type", "value"]),
    table("registration_answers", doc.registrationAnswers, ["questionKey", "question", "optionKey", "option", "answeredAt"]),
    table("orders", doc.orders, ["externalId", "status", "total", "currency", "placedAt"]),
    table(
      "order_items",
      doc.orders.flatMap((o) => o.items.map((i) => ({ order: o.externalId, ...i }))),
      ["order", "product", "productExternalId", "variant", "sku", "category", "quantity", "price"],
    ),
    table("abandoned_carts", doc.abandonedCarts, ["externalId", "abandonedAt", "value", "currency", "recoveredAt"]),
    table("interactions", doc.interactions.map((i) => ({ ...i, sources: i.sources.join(", ") })), ["at", "firstInteractionAt", "lastInteractionAt", "sources"]),
    table("segment_memberships", doc.segmentHistory.memberships, ["segment", "code", "enteredAt"]),
    table("segment_events", doc.segmentHistory.events, ["segment", "code", "kind", "at"]),
    table("campaign_messages", doc.messages.deliveries, ["campaign", "channel", "address", "status", "skipReason", "sentAt", "deliveredAt", "readAt", "createdAt"]),
    table("outbox_messages", doc.messages.outbox, ["channel", "purpose", "recipient", "subject", "text", "html", "status", "createdAt", "sentAt"]),
    table("tasks", doc.tasks.map((t) => ({ ...t, comments: t.comments.map((cm) => cm.body).join("\n") })), ["title", "description", "status", "dueAt", "createdAt", "completedAt", "comments"]),
    table("changes", doc.changes.map((ch) => ({ ...ch, fields: ch.fields === null ? null : JSON.stringify(ch.fields) })), ["kind", "source", "fields", "at"]),
  ];
}

function cell(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  return JSON.stringify(value);
}
