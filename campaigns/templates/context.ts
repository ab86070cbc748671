// The values a template renders with, for one customer; campaigns/templates/variables.ts documents
// them. Pure: the shape, the store's formats, and the sample customer checkTemplate renders with.

import { Drop } from "liquidjs";
import { TEMPLATE_VARIABLES } from "./variables";

export type FieldValue = string | number | null;

export interface CustomerContext {
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  country: string | null;
  city: string | null;
  birthday: string | null;
  registered_at: string | null;
  external_id: string;
  group: string | null;
}

export interface OrderItemContext {
  name: string | null;
  variant: string | null;
  category: string | null;
  quantity: number;
  price: string;
}

export interface LastOrderContext {
  number: string;
  status: string;
  total: string;
  total_amount: number;
  currency: string;
  placed_at: string;
  items: OrderItemContext[];
}

export interface StoreContext {
  name: string;
  currency: string;
}

export interface TemplateContext {
  customer: CustomerContext;
  /** Every custom field the store defines, by key; null where the customer has no value. */
  fields: Record<string, FieldValue>;
  last_order: LastOrderContext | null;
  store: StoreContext;
  unsubscribe_url: string;
  today: string;
}

/** Minor units of a currency as the store writes money: 8490 EUR in "en" is "€84.90". */
export class MoneyFormat {
  private readonly formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();
  constructor(private readonly locale: string) {}

  private formatOf(currency: string) {
    let entry = this.formats.get(currency);
    if (!entry) {
      let format: Intl.NumberFormat;
      try {
        format = new Intl.NumberFormat(this.locale, { style: "currency", currency });
      } catch {
        // a currency code Intl does not know still shows its amount
        format = new Intl.NumberFormat(this.locale, { style: "currency", currency: "XXX" });
      }
      entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
      this.formats.set(currency, entry);
    }
    return entry;
  }

  /** The amount in major units (84.9). */
  amount(minor: number, currency: string): number {
    return minor / 10 ** this.formatOf(currency).digits;
  }

  format(minor: number, currency: string): string {
    return this.formatOf(currency).format.format(this.amount(minor, currency));
  }
}

/** Wall time of an instant in a time zone: "YYYY-MM-DD" and "YYYY-MM-DDTHH:mm:ss". */
export class LocalTime {
  private readonly format: Intl.DateTimeFormat;
  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
  }

  dateTime(at: Date): string {
    const p = Object.fromEntries(this.format.formatToParts(at).map((part) => [part.type, part.value]));
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  }

  date(at: Date): string {
    return this.dateTime(at).slice(0, 10);
  }
}

const EXAMPLE = new Map(TEMPLATE_VARIABLES.map((v) => [v.name, v.example]));
const example = (name: string) => EXAMPLE.get(name) ?? "";

/** A sample customer's custom fields when the store's keys are not known: every key has a value. */
class AnyFieldDrop extends Drop {
  override liquidMethodMissing(): string {
    return example("fields.<key>");
  }
}

/**
 * The sample customer checkTemplate renders with: everything filled in, as in the variable
 * reference; custom fields are the keys given, or any key at all for "any".
 */
export function sampleContext(fieldKeys: Iterable<string> | "any"): TemplateContext {
  const item = (suffix: string) => example(`last_order.items[].${suffix}`);
  return {
    customer: {
      first_name: example("customer.first_name"),
      last_name: example("customer.last_name"),
      name: example("customer.name"),
      email: example("customer.email"),
      phone: example("customer.phone"),
      country: example("customer.country"),
      city: example("customer.city"),
      birthday: example("customer.birthday"),
      registered_at: example("customer.registered_at"),
      external_id: example("customer.external_id"),
      group: example("customer.group"),
    },
    fields: fieldKeys === "any" ? (new AnyFieldDrop() as unknown as Record<string, FieldValue>) : Object.fromEntries([...fieldKeys].map((key) => [key, example("fields.<key>")])),
    last_order: {
      number: example("last_order.number"),
      status: example("last_order.status"),
      total: example("last_order.total"),
      total_amount: Number(example("last_order.total_amount")),
      currency: example("last_order.currency"),
      placed_at: example("last_order.placed_at"),
      items: [
        { name: item("name"), variant: item("variant"), category: item("category"), quantity: Number(item("quantity")), price: item("price") },
      ],
    },
    store: { name: example("store.name"), currency: example("store.currency") },
    unsubscribe_url: example("unsubscribe_url"),
    today: example("today"),
  };
}
