// What a message template can say about the customer, their last order and the store: the reference
// the template editor shows marketers, and the shape checkTemplate holds every variable against.
// Pure (no database, no Liquid): the UI imports it as it is.

/** A variable's key in the campaigns catalogue's `variables`, where what it is is said in each language: customer.first_name → customer_first_name. */
export function variableKey(name: string): string {
  return name.replace("[]", "").replace("<key>", "key").replaceAll(".", "_");
}

export type TemplateVariableGroup = "customer" | "fields" | "last_order" | "store" | "message";

export interface TemplateVariable {
  /** As a template writes it; `[]` marks a list item (`{% for item in last_order.items %}{{ item.name }}`), `<key>` any custom field key. */
  name: string;
  group: TemplateVariableGroup;
  /** What it looks like; also the value the sample customer of checkTemplate has. */
  example: string;
  type: "text" | "number" | "date" | "money" | "url" | "list" | "object";
}

/** Every date is the day in the store's time zone, written YYYY-MM-DD; reformat it with the date filter. */
export const DATE_NOTE = 'Dates are YYYY-MM-DD, the day in the store\'s time zone: {{ customer.birthday | date: "%e %B" }} writes "17 May" in the store\'s language.';

export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = [
  { name: "customer.first_name", group: "customer", type: "text", example: "Maria" },
  { name: "customer.last_name", group: "customer", type: "text", example: "Ivanova" },
  { name: "customer.name", group: "customer", type: "text", example: "Maria Ivanova" },
  { name: "customer.email", group: "customer", type: "text", example: "maria@example.com" },
  { name: "customer.phone", group: "customer", type: "text", example: "+359888123456" },
  { name: "customer.country", group: "customer", type: "text", example: "BG" },
  { name: "customer.city", group: "customer", type: "text", example: "Sofia" },
  { name: "customer.birthday", group: "customer", type: "date", example: "1990-05-17" },
  { name: "customer.registered_at", group: "customer", type: "date", example: "2024-03-02" },
  { name: "customer.external_id", group: "customer", type: "text", example: "C-1042" },
  { name: "customer.group", group: "customer", type: "text", example: "VIP" },
  {
    name: "fields.<key>",
    group: "fields",
    type: "text",
    example: "gold",
  },
  {
    name: "last_order",
    group: "last_order",
    type: "object",
    example: "",
  },
  { name: "last_order.number", group: "last_order", type: "text", example: "10234" },
  { name: "last_order.status", group: "last_order", type: "text", example: "completed" },
  { name: "last_order.total", group: "last_order", type: "money", example: "€84.90" },
  { name: "last_order.total_amount", group: "last_order", type: "number", example: "84.9" },
  { name: "last_order.currency", group: "last_order", type: "text", example: "EUR" },
  { name: "last_order.placed_at", group: "last_order", type: "date", example: "2025-01-10" },
  { name: "last_order.items", group: "last_order", type: "list", example: "" },
  { name: "last_order.items[].name", group: "last_order", type: "text", example: "Linen shirt" },
  { name: "last_order.items[].variant", group: "last_order", type: "text", example: "M / blue" },
  { name: "last_order.items[].category", group: "last_order", type: "text", example: "Shirts" },
  { name: "last_order.items[].quantity", group: "last_order", type: "number", example: "2" },
  { name: "last_order.items[].price", group: "last_order", type: "money", example: "€42.45" },
  { name: "store.name", group: "store", type: "text", example: "Green Leaf" },
  { name: "store.currency", group: "store", type: "text", example: "EUR" },
  { name: "unsubscribe_url", group: "message", type: "url", example: "https://shop.example/unsubscribe/abc123" },
  { name: "today", group: "message", type: "date", example: "2025-01-15" },
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
