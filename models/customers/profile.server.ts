import { requestLanguage } from "../request-scope.server";
import { textIn } from "../registration/definitions";
import { textsOf } from "../registration/questions.server";
import { Op, QueryTypes } from "sequelize";
import type { Database } from "../db";
import { CHANNELS, type Channel, type CustomFieldType } from "../models";
import { readTimestamp } from "../sql/bulk";

const iso = (value: unknown) => readTimestamp(value)?.toISOString() ?? null;

export interface CustomerChannelView {
  channel: Channel;
  /** False when the customer has no identity on this channel at all. */
  isKnown: boolean;
  address: string | null;
  isSubscribed: boolean;
  /** When the subscription state last changed (ISO 8601). */
  subscriptionChangedAt: string | null;
}

export interface CustomerFieldView {
  key: string;
  label: string;
  type: CustomFieldType;
  /** Text and select values as text, numbers as numbers, dates as YYYY-MM-DD; null when not set. */
  value: string | number | null;
}

export interface RegistrationAnswerView {
  questionId: number;
  question: string;
  options: string[];
  answeredAt: string | null;
}

export interface CustomerProfile {
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
  acceptsMarketing: boolean;
  registeredAt: string | null;
  firstInteractionAt: string | null;
  lastInteractionAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  group: { id: number; name: string } | null;
  manager: { id: number; name: string; email: string } | null;
  tags: Array<{ id: number; name: string }>;
  /** Every custom field of the store, in its order, with this customer's value or null. */
  customFields: CustomerFieldView[];
  /** The questions this customer answered, in the questions' order, with the chosen options' labels. */
  answers: RegistrationAnswerView[];
  /** All four channels, in a fixed order. */
  channels: CustomerChannelView[];
  /** Completed orders: their number and sum (minor units), as segments count them. */
  ordersCount: number;
  totalSpent: number;
  lastOrderAt: string | null;
}

/** Everything known about one customer except the paged lists (orders, carts, history). The caller checks access. */
export async function getCustomerProfile(db: Database, customerId: number): Promise<CustomerProfile | null> {
  const m = db.models;
  const customer = await m.Customer.findByPk(customerId, { raw: true });
  if (!customer) return null;
  const [group, manager, tagLinks, fields, values, answers, channels, figures] = await Promise.all([
    customer.customerGroupId ? m.CustomerGroup.findByPk(customer.customerGroupId, { attributes: ["id", "name"], raw: true }) : null,
    customer.managerId ? m.User.findByPk(customer.managerId, { attributes: ["id", "name", "email"], raw: true }) : null,
    m.CustomerTag.findAll({ where: { customerId }, raw: true }),
    m.CustomField.findAll({ order: [["position", "ASC"], ["id", "ASC"]], raw: true }),
    m.CustomerFieldValue.findAll({ where: { customerId }, raw: true }),
    m.RegistrationAnswer.findAll({ where: { customerId }, raw: true }),
    m.ChannelIdentity.findAll({ where: { customerId }, raw: true }),
    db.sequelize.query<{ orders_count: number | string; total_spent: number | string | null; last_order_at: unknown }>(
      "SELECT COUNT(*) AS orders_count, SUM(total) AS total_spent, MAX(placed_at) AS last_order_at FROM orders WHERE customer_id = ? AND status = 'completed'",
      { replacements: [customerId], type: QueryTypes.SELECT },
    ),
  ]);
  const tagIds = tagLinks.map((t) => t.tagId);
  const optionIds = answers.map((a) => a.optionId);
  const [tags, options] = await Promise.all([
    tagIds.length ? m.Tag.findAll({ attributes: ["id", "name"], where: { id: { [Op.in]: tagIds } }, order: [["name", "ASC"]], raw: true }) : [],
    optionIds.length ? m.RegistrationOption.findAll({ where: { id: { [Op.in]: optionIds } }, raw: true }) : [],
  ]);
  const questionIds = [...new Set(answers.map((a) => a.questionId))];
  const questions = questionIds.length
    ? await m.RegistrationQuestion.findAll({ where: { id: { [Op.in]: questionIds } }, order: [["position", "ASC"], ["id", "ASC"]], raw: true })
    : [];

  const valueOf = new Map(values.map((v) => [v.customFieldId, v]));
  const optionById = new Map(options.map((o) => [o.id, o]));
  const channelOf = new Map(channels.map((c) => [c.channel, c]));
  const figure = figures[0];

  return {
    id: customer.id,
    externalId: customer.externalId,
    firstName: customer.firstName,
    lastName: customer.lastName,
    email: customer.email,
    phone: customer.phone,
    country: customer.country,
    city: customer.city,
    birthday: customer.birthday,
    locale: customer.locale ?? null,
    acceptsMarketing: Boolean(customer.acceptsMarketing),
    registeredAt: iso(customer.registeredAt),
    firstInteractionAt: iso(customer.firstInteractionAt),
    lastInteractionAt: iso(customer.lastInteractionAt),
    createdAt: iso(customer.createdAt),
    updatedAt: iso(customer.updatedAt),
    group: group ? { id: group.id, name: group.name } : null,
    manager: manager ? { id: manager.id, name: manager.name, email: manager.email } : null,
    tags: tags.map((t) => ({ id: t.id, name: t.name })),
    customFields: fields.map((f) => {
      const v = valueOf.get(f.id);
      let value: string | number | null = null;
      if (v) value = f.type === "number" ? (v.valueNumber === null ? null : Number(v.valueNumber)) : f.type === "date" ? v.valueDate : v.valueText;
      return { key: f.key, label: f.label, type: f.type, value };
    }),
    answers: questions.map((q) => {
      const mine = answers.filter((a) => a.questionId === q.id);
      const chosen = mine
        .map((a) => optionById.get(a.optionId))
        .filter((o): o is NonNullable<typeof o> => Boolean(o))
        .sort((a, b) => a.position - b.position || a.id - b.id);
      const answeredAt = mine.map((a) => readTimestamp(a.answeredAt)).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
      // in the reader's language where the store wrote the question in it, else English
      const language = requestLanguage() ?? "en";
      return {
        questionId: q.id,
        question: textIn(textsOf(q.text, q.translations), language),
        options: chosen.map((o) => textIn(textsOf(o.label, o.translations), language)),
        answeredAt: answeredAt?.toISOString() ?? null,
      };
    }),
    channels: CHANNELS.map((channel) => {
      const c = channelOf.get(channel);
      return {
        channel,
        isKnown: Boolean(c),
        address: c?.address ?? null,
        isSubscribed: Boolean(c?.isSubscribed),
        subscriptionChangedAt: c ? iso(c.subscriptionChangedAt) : null,
      };
    }),
    ordersCount: Number(figure?.orders_count ?? 0),
    totalSpent: Number(figure?.total_spent ?? 0),
    lastOrderAt: iso(figure?.last_order_at),
  };
}
