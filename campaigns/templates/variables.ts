// What a message template can say about the customer, their last order and the store: the reference
// the template editor shows marketers, and the shape checkTemplate holds every variable against.
// Pure (no database, no Liquid): the UI imports it as it is.

export type TemplateVariableGroup = "customer" | "fields" | "last_order" | "store" | "message";

export interface TemplateVariable {
  /** As a template writes it; `[]` marks a list item (`{% for item in last_order.items %}{{ item.name }}`), `<key>` any custom field key. */
  name: string;
  group: TemplateVariableGroup;
  /** What it is, for a marketer. */
  description: string;
  /** What it looks like; also the value the sample customer of checkTemplate has. */
  example: string;
  type: "text" | "number" | "date" | "money" | "url" | "list" | "object";
}

/** Every date is the day in the store's time zone, written YYYY-MM-DD; reformat it with the date filter. */
export const DATE_NOTE = 'Dates are YYYY-MM-DD, the day in the store\'s time zone: {{ customer.birthday | date: "%e %B" }} writes "17 May" in the store\'s language.';

export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: "customer.first_name", group: "customer", type: "text", example: "Maria", description: "First name; empty when unknown." },
  { name: "customer.last_name", group: "customer", type: "text", example: "Ivanova", description: "Last name; empty when unknown." },
  { name: "customer.name", group: "customer", type: "text", example: "Maria Ivanova", description: "First and last name together." },
  { name: "customer.email", group: "customer", type: "text", example: "maria@example.com", description: "Email address." },
  { name: "customer.phone", group: "customer", type: "text", example: "+359888123456", description: "Phone number, international format." },
  { name: "customer.country", group: "customer", type: "text", example: "BG", description: "Country, two-letter code." },
  { name: "customer.city", group: "customer", type: "text", example: "Sofia", description: "City or region." },
  { name: "customer.birthday", group: "customer", type: "date", example: "1990-05-17", description: "Birthday; empty when unknown." },
  { name: "customer.registered_at", group: "customer", type: "date", example: "2024-03-02", description: "The day the customer registered." },
  { name: "customer.external_id", group: "customer", type: "text", example: "C-1042", description: "The customer's id in the shop." },
  { name: "customer.group", group: "customer", type: "text", example: "VIP", description: "Customer group; empty when none." },
  {
    name: "fields.<key>",
    group: "fields",
    type: "text",
    example: "gold",
    description: 'A custom profile field by its key: {{ fields.loyalty_level }}, or {{ fields["shoe size"] }} for a key with spaces. Empty when the customer has no value.',
  },
  {
    name: "last_order",
    group: "last_order",
    type: "object",
    example: "",
    description: "The customer's latest order that is not cancelled; empty for a customer without one, so write {% if last_order %}…{% endif %} around it.",
  },
  { name: "last_order.number", group: "last_order", type: "text", example: "10234", description: "The order's number in the shop." },
  { name: "last_order.status", group: "last_order", type: "text", example: "completed", description: "pending, processing, completed or refunded." },
  { name: "last_order.total", group: "last_order", type: "money", example: "€84.90", description: "Order total with its currency, in the store's format." },
  { name: "last_order.total_amount", group: "last_order", type: "number", example: "84.9", description: "Order total as a number, for comparisons: {% if last_order.total_amount > 50 %}." },
  { name: "last_order.currency", group: "last_order", type: "text", example: "EUR", description: "The order's currency code." },
  { name: "last_order.placed_at", group: "last_order", type: "date", example: "2025-01-10", description: "The day the order was placed." },
  { name: "last_order.items", group: "last_order", type: "list", example: "", description: "The order's lines: {% for item in last_order.items %}…{% endfor %}; last_order.items.size is how many." },
  { name: "last_order.items[].name", group: "last_order", type: "text", example: "Linen shirt", description: "Product name." },
  { name: "last_order.items[].variant", group: "last_order", type: "text", example: "M / blue", description: "Variant (size, colour…); empty when none." },
  { name: "last_order.items[].category", group: "last_order", type: "text", example: "Shirts", description: "The product's category." },
  { name: "last_order.items[].quantity", group: "last_order", type: "number", example: "2", description: "How many." },
  { name: "last_order.items[].price", group: "last_order", type: "money", example: "€42.45", description: "Unit price with its currency." },
  { name: "store.name", group: "store", type: "text", example: "Green Leaf", description: "The store's name." },
  { name: "store.currency", group: "store", type: "text", example: "EUR", description: "The store's currency code." },
  { name: "unsubscribe_url", group: "message", type: "url", example: "https://shop.example/unsubscribe/abc123", description: "The link that unsubscribes this customer from this channel." },
  { name: "today", group: "message", type: "date", example: "2025-01-15", description: "The day the message is made, in the store's time zone." },
];

/** The shape of the template context: what may follow what in a variable's path. */
export type VariableShape =
  | { kind: "value"; type: TemplateVariable["type"] }
  | { kind: "object"; props: Record<string, VariableShape> }
  | { kind: "list"; item: VariableShape }
  /** Custom fields: any key names a value. */
  | { kind: "map" };

function buildShape(variables: readonly TemplateVariable[]): Record<string, VariableShape> {
  const root: Record<string, VariableShape> = {};
  for (const v of variables) {
    let props = root;
    const parts = v.name.split(".");
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i].replace(/\[\]$/, "");
      const next = parts[i + 1];
      if (next === "<key>") {
        // "fields.<key>": any key names a value
        props[name] = { kind: "map" };
        break;
      }
      const last = i === parts.length - 1;
      const isList = parts[i].endsWith("[]") || (last && v.type === "list");
      let shape = props[name];
      if (!shape) {
        shape = isList ? { kind: "list", item: { kind: "object", props: {} } } : last && v.type !== "object" ? { kind: "value", type: v.type } : { kind: "object", props: {} };
        props[name] = shape;
      }
      if (last) break;
      const inner = shape.kind === "list" ? shape.item : shape;
      if (inner.kind !== "object") throw new Error(`variable ${v.name}: ${parts.slice(0, i + 1).join(".")} is not an object`);
      props = inner.props;
    }
  }
  return root;
}

/** The template context's shape, from TEMPLATE_VARIABLES: the one list the reference and the checks share. */
export const CONTEXT_SHAPE: Readonly<Record<string, VariableShape>> = buildShape(TEMPLATE_VARIABLES);
