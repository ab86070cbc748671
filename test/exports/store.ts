// A small store for the export tests: customers with Cyrillic and Greek names and with values that
// start like spreadsheet formulas, their channels, tags, group, manager, a custom field and orders,
// and a manual segment with some of them as members. `expectedCells` says, from the specs alone,
// what each exported cell must read.
import type { Database } from "../../models/db";
import { saveSegment } from "../../segments/store.server";
import { addMembers } from "../../segments/manual.server";
import { addChannel, addCustomers, addGroup, addOrder, addTag, addUser, type CustomerSpec } from "../customers/factory";
import type { ExportColumn } from "../../models/exports/columns";

export interface ExportCustomer extends CustomerSpec {
  id: number;
  group?: string;
  tags?: string[];
  channels?: Partial<Record<"email" | "sms" | "messenger" | "viber", boolean>>;
  shoeSize?: string;
  /** Completed orders' totals in cents. */
  orders?: number[];
  enteredAt?: Date;
  managerEmail?: string;
}

export interface ExportStore {
  segmentId: number;
  segmentCode: string;
  otherSegmentId: number;
  customers: ExportCustomer[];
  members: ExportCustomer[];
  managerId: number;
}

/** Each dangerous first character, in a different field: the exported cell must start with an apostrophe. */
export const DANGEROUS = ["=HYPERLINK(\"http://evil.test\")", "+1+1", "-2+3", "@SUM(A1)", "\tTabbed", "\rCarriage"] as const;

export async function buildExportStore(db: Database, options: { extra?: number } = {}): Promise<ExportStore> {
  const managerEmail = "manager@export.test";
  const managerId = await addUser(db, "manager", managerEmail, "Manager");
  const groupId = await addGroup(db, "VIP");
  const field = await db.models.CustomField.create({ key: "shoe_size", label: "Shoe size", type: "text", options: null });
  const specs: Array<Omit<ExportCustomer, "id">> = [
    { externalId: "ivan", firstName: "Иван", lastName: "Петров", email: "ivan@export.test", phone: "+359888123456", country: "BG", city: "София", birthday: "1990-02-28", acceptsMarketing: true, customerGroupId: groupId, group: "VIP", tags: ["вип", "wholesale"], channels: { email: true, sms: false }, shoeSize: "42", orders: [81240, 1000], managerId, managerEmail },
    { externalId: "eleni", firstName: "Ελένη", lastName: "Παπαδοπούλου", email: "eleni@export.test", country: "GR", city: "Αθήνα", channels: { viber: true }, orders: [] },
    { externalId: "formula-eq", firstName: DANGEROUS[0], lastName: "Equals", city: DANGEROUS[1], country: "BG" },
    { externalId: "formula-minus", firstName: "Minus", lastName: DANGEROUS[2], shoeSize: DANGEROUS[3], country: "BG" },
    { externalId: "formula-ws", firstName: DANGEROUS[4], lastName: DANGEROUS[5], email: "ws@export.test", country: "DE" },
    { externalId: "quotes", firstName: 'Anna "Ann"', lastName: "O'Brien; Jr,", city: "Line\nbreak", country: "IE", acceptsMarketing: true },
    ...Array.from({ length: options.extra ?? 0 }, (_, i) => ({ externalId: `bulk-${String(i).padStart(4, "0")}`, firstName: "Мария", lastName: `Иванова ${i}`, email: `bulk-${i}@export.test`, country: "BG", channels: i % 3 === 0 ? { sms: true } : undefined })),
  ];
  const ids = await addCustomers(db, specs);
  const customers: ExportCustomer[] = specs.map((s, i) => ({ ...s, id: ids[i] }));
  for (const c of customers) {
    for (const [channel, isSubscribed] of Object.entries(c.channels ?? {})) await addChannel(db, c.id, channel as "email", isSubscribed, channel === "email" ? (c.email ?? null) : null);
    if (c.shoeSize !== undefined) await db.models.CustomerFieldValue.create({ customerId: c.id, customFieldId: field.id, valueText: c.shoeSize, valueNumber: null, valueDate: null });
    for (const [i, total] of (c.orders ?? []).entries()) await addOrder(db, c.id, { externalId: `${c.externalId}-o${i}`, total, placedAt: new Date(Date.UTC(2025, 0, 10 + i, 9)) });
  }
  const tagNames = [...new Set(customers.flatMap((c) => c.tags ?? []))];
  for (const name of tagNames) await addTag(db, name, customers.filter((c) => c.tags?.includes(name)).map((c) => c.id));

  const saved = await saveSegment(db, { name: "Export me", code: "export-me", type: "manual", criteria: [] }, { userId: null });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const other = await saveSegment(db, { name: "Other", code: "other", type: "manual", criteria: [] }, { userId: null });
  if (!other.ok) throw new Error(JSON.stringify(other.errors));
  // every customer but Eleni, entering a minute apart
  const members = customers.filter((c) => c.externalId !== "eleni");
  let at = Date.UTC(2026, 1, 1, 10);
  for (const m of members) {
    m.enteredAt = new Date((at += 60_000));
    await addMembers(db, saved.segment.id, [m.id], m.enteredAt, {});
  }
  await addMembers(db, other.segment.id, [customers[0].id, customers[1].id], new Date(at), {});
  return { segmentId: saved.segment.id, segmentCode: saved.segment.code, otherSegmentId: other.segment.id, customers, members: [...members].sort((a, b) => a.id - b.id), managerId };
}

const inert = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

/** What each column of a customer must read in a CSV file (XLSX: numbers stay numbers). */
export function expectedCells(c: ExportCustomer, columns: ExportColumn[], format: "csv" | "xlsx" = "csv"): Array<string | number | null> {
  const totals = (c.orders ?? []).reduce((a, b) => a + b, 0);
  // XML (and so XLSX) reads a lone carriage return in text back as a line feed
  const text = (v: string | null | undefined) => (v === null || v === undefined || v === "" ? (format === "csv" ? "" : null) : format === "xlsx" ? inert(v).replace(/\r/g, "\n") : inert(v));
  return columns.map((column) => {
    switch (column) {
      case "externalId":
        return text(c.externalId);
      case "firstName":
        return text(c.firstName);
      case "lastName":
        return text(c.lastName);
      case "email":
        return text(c.email);
      case "phone":
        return text(c.phone);
      case "country":
        return text(c.country);
      case "city":
        return text(c.city);
      case "birthday":
        return text(c.birthday);
      case "customerGroup":
        return text(c.group);
      case "manager":
        return text(c.managerEmail);
      case "tags":
        return text(c.tags ? [...c.tags].sort().join(", ") : null);
      case "acceptsMarketing":
        return c.acceptsMarketing ? "yes" : "no";
      case "ordersCount":
        return format === "csv" ? String(c.orders?.length ?? 0) : (c.orders?.length ?? 0);
      case "totalSpent":
        return format === "csv" ? (totals / 100).toFixed(2) : totals / 100;
      case "enteredAt":
        return text(c.enteredAt?.toISOString());
      case "field:shoe_size":
        return text(c.shoeSize);
    }
    if (column.startsWith("channel:")) {
      const state = c.channels?.[column.slice(8) as "email"];
      return text(state === undefined ? null : state ? "subscribed" : "unsubscribed");
    }
    throw new Error(`no expectation for ${column}`);
  });
}
