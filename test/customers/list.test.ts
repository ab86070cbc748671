import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/db";
import type { Database } from "../../models/db";
import { listCustomers, type CustomerListRow } from "../../models/customers/list.server";
import { countCustomers } from "../../models/customers/count.server";
import { getCustomerFilterOptions } from "../../models/customers/filter-options.server";
import { readCustomerListQuery, type CustomerListQuery } from "../../models/customers/list-query";
import type { CustomerViewer } from "../../models/customers/viewer";
import { addChannel, addCustomers, addGroup, addOrder, addTag, addUser, type CustomerSpec } from "./factory";

let db: Database & { drop(): Promise<void> };
const ids: Record<string, number> = {};
let admin: CustomerViewer;
let managerOne: CustomerViewer;
let managerTwo: CustomerViewer;
let retail: number;
let vip: number;
let wholesaleTag: number;

const named: CustomerSpec[] = [
  { externalId: "ivan", firstName: "Иван", lastName: "Петров", email: "ivan.petrov@example.bg", phone: "+359888123456", country: "BG", city: "София" },
  { externalId: "maria", firstName: "Мария", lastName: "Иванова", email: "maria@example.bg", phone: "+359878555111", country: "BG", city: "Пловдив" },
  { externalId: "giorgos", firstName: "Γιώργος", lastName: "Παπαδόπουλος", email: "giorgos@example.gr", phone: "+306912345678", country: "GR", city: "Αθήνα" },
  { externalId: "odysseas", firstName: "Οδυσσέας", lastName: "Νικολάου", email: "odysseas@example.gr", country: "GR", city: "Θεσσαλονίκη" },
  { externalId: "john", firstName: "John", lastName: "Smith", email: "john.smith@example.com", phone: "+447700900123", country: "GB", city: "London" },
  { externalId: "olena", firstName: "Олена", lastName: "Коваленко", email: "olena@example.ua", phone: "+380501234567", country: "UA", city: "Київ" },
  { externalId: "C-10023", firstName: "Елена", lastName: "Смирнова", email: null, country: "RU", city: "Москва" },
  { externalId: "nameless", email: "someone@example.com" },
];

function query(search: string): CustomerListQuery {
  return readCustomerListQuery(new URLSearchParams(search)).query;
}

// Every behaviour is checked twice: with small sets driving the queries (the default), and with
// every query walking the list's order (what a store with large sets gets), see list-plan.server.ts.
const PLANS = [
  { name: "small sets drive", driveLimit: undefined },
  { name: "ordered walks", driveLimit: 0 },
];
let driveLimit: number | undefined;

async function externalIdsOf(viewer: CustomerViewer, search: string): Promise<string[]> {
  const page = await listCustomers(db, { viewer, query: query(search), storeCountry: "BG", pageSize: 500, driveLimit });
  const count = await countCustomers(db, { viewer, query: query(search), storeCountry: "BG", driveLimit });
  expect(count).toEqual({ count: page.rows.length, isCapped: false });
  return page.rows.map((r) => r.externalId).sort();
}

beforeAll(async () => {
  db = await createTestDatabase();
  admin = { id: await addUser(db, "admin", "admin@test.store"), role: "admin" };
  managerOne = { id: await addUser(db, "manager", "one@test.store", "Manager One"), role: "manager" };
  managerTwo = { id: await addUser(db, "manager", "two@test.store", "Manager Two"), role: "manager" };
  retail = await addGroup(db, "Retail");
  vip = await addGroup(db, "VIP");

  const specs: CustomerSpec[] = named.map((s, i) => ({
    ...s,
    acceptsMarketing: i % 2 === 0,
    customerGroupId: i < 3 ? vip : retail,
    managerId: i < 2 ? managerOne.id : i < 4 ? managerTwo.id : null,
  }));
  // many customers with one name, so paging by name has to break ties by id
  for (let i = 0; i < 40; i++) specs.push({ externalId: `same-${i}`, firstName: "Same", lastName: "Name", country: "DE", managerId: i % 4 === 0 ? managerOne.id : null });
  for (let i = 0; i < 110; i++) specs.push({ externalId: `filler-${i}`, firstName: `Filler${String(i).padStart(3, "0")}`, lastName: i % 3 ? "Alpha" : "Омега", country: i % 2 ? "BG" : "GR" });
  const created = await addCustomers(db, specs);
  specs.forEach((s, i) => (ids[s.externalId] = created[i]));

  wholesaleTag = await addTag(db, "wholesale", [ids.ivan, ids.john, ids["same-3"]]);
  await addTag(db, "newsletter", [ids.maria]);
  await addChannel(db, ids.ivan, "viber", true, "viber-ivan");
  await addChannel(db, ids.maria, "viber", false, "viber-maria");
  await addChannel(db, ids.john, "email", true, "john.smith@example.com");
  await addOrder(db, ids.ivan, { externalId: "o-1", total: 1500, placedAt: new Date("2024-05-01T10:00:00Z") });
  await addOrder(db, ids.ivan, { externalId: "o-2", total: 2500, placedAt: new Date("2024-06-01T10:00:00Z") });
  await addOrder(db, ids.ivan, { externalId: "o-3", status: "cancelled", total: 9900, placedAt: new Date("2024-07-01T10:00:00Z") });
});

afterAll(async () => {
  await db?.drop();
});

for (const plan of PLANS) {
  describe(`with ${plan.name}`, () => {
    beforeAll(() => {
      driveLimit = plan.driveLimit;
    });

    describe("search", () => {
      it("finds a Cyrillic name by a prefix of first-last or last-first, in any case", async () => {
        expect(await externalIdsOf(admin, "q=иван")).toEqual(["ivan", "maria"]);
        expect(await externalIdsOf(admin, "q=ИВАН ПЕТ")).toEqual(["ivan"]);
        expect(await externalIdsOf(admin, "q=петров иван")).toEqual(["ivan"]);
        expect(await externalIdsOf(admin, "q=ОЛЕНА")).toEqual(["olena"]);
        expect(await externalIdsOf(admin, "q=коваленко о")).toEqual(["olena"]);
      });

      it("finds a Greek name typed in capitals, a final sigma included", async () => {
        expect(await externalIdsOf(admin, "q=ΠΑΠΑΔ")).toEqual(["giorgos"]);
        expect(await externalIdsOf(admin, "q=ΓΙΏΡΓΟΣ")).toEqual(["giorgos"]);
        expect(await externalIdsOf(admin, "q=ΟΔΥΣ")).toEqual(["odysseas"]);
        expect(await externalIdsOf(admin, "q=νικολάου οδ")).toEqual(["odysseas"]);
      });

      it("finds an email by its prefix, in any case", async () => {
        expect(await externalIdsOf(admin, "q=JOHN.SM")).toEqual(["john"]);
        expect(await externalIdsOf(admin, "q=john.smith@ex")).toEqual(["john"]);
        expect(await externalIdsOf(admin, "q=someone@")).toEqual(["nameless"]);
        expect(await externalIdsOf(admin, "q=nobody@")).toEqual([]);
      });

      it("finds a phone typed as a national number of the store's country or in international form", async () => {
        expect(await externalIdsOf(admin, "q=0888 123")).toEqual(["ivan"]);
        expect(await externalIdsOf(admin, "q=%2B359 88")).toEqual(["ivan"]);
        expect(await externalIdsOf(admin, "q=%2B44 7700 900")).toEqual(["john"]);
        expect(await externalIdsOf(admin, "q=0030 691")).toEqual(["giorgos"]);
        expect(await externalIdsOf(admin, "q=087")).toEqual(["maria"]);
      });

      it("finds an external id only when it is exact", async () => {
        expect(await externalIdsOf(admin, "q=C-10023")).toEqual(["C-10023"]);
        expect(await externalIdsOf(admin, "q=C-1002")).toEqual([]);
      });

      it("combines a search with filters", async () => {
        expect(await externalIdsOf(admin, "q=иван&country=BG&marketing=yes")).toEqual(["ivan"]);
        expect(await externalIdsOf(admin, "q=иван&tag=" + wholesaleTag)).toEqual(["ivan"]);
      });
    });

    describe("filters", () => {
      it("country", async () => {
        expect(await externalIdsOf(admin, "country=GR&q=%CE")).toEqual([]);
        const greek = await externalIdsOf(admin, "country=gr");
        expect(greek).toHaveLength(2 + 55);
        expect(greek).toEqual(expect.arrayContaining(["giorgos", "odysseas"]));
      });

      it("customer group", async () => {
        expect(await externalIdsOf(admin, `group=${vip}`)).toEqual(["giorgos", "ivan", "maria"]);
        expect(await externalIdsOf(admin, `group=${retail}`)).toEqual(["C-10023", "john", "nameless", "odysseas", "olena"]);
      });

      it("tag", async () => {
        expect(await externalIdsOf(admin, `tag=${wholesaleTag}`)).toEqual(["ivan", "john", "same-3"]);
      });

      it("responsible manager, and nobody", async () => {
        expect(await externalIdsOf(admin, `manager=${managerTwo.id}`)).toEqual(["giorgos", "odysseas"]);
        const unassigned = await externalIdsOf(admin, "manager=none");
        expect(unassigned).toHaveLength(named.length - 4 + 30 + 110);
        expect(unassigned).not.toContain("ivan");
      });

      it("accepts marketing", async () => {
        expect(await externalIdsOf(admin, "marketing=yes")).toEqual(["C-10023", "giorgos", "ivan", "john"]);
        expect(await externalIdsOf(admin, `marketing=no&group=${vip}`)).toEqual(["maria"]);
      });

      it("subscribed on a channel, not merely known on it", async () => {
        expect(await externalIdsOf(admin, "channel=viber")).toEqual(["ivan"]);
        expect(await externalIdsOf(admin, "channel=email")).toEqual(["john"]);
        expect(await externalIdsOf(admin, "channel=sms")).toEqual([]);
      });
    });

    describe("rows", () => {
      it("carry the group's name and the completed orders' count and sum", async () => {
        const page = await listCustomers(db, { viewer: admin, query: query("q=ivan.petrov@"), storeCountry: "BG", driveLimit });
        expect(page.rows).toHaveLength(1);
        const row: CustomerListRow = page.rows[0];
        expect(row).toMatchObject({ externalId: "ivan", firstName: "Иван", lastName: "Петров", groupName: "VIP", country: "BG", city: "София", ordersCount: 2, totalSpent: 4000, acceptsMarketing: true });
        expect(row.registeredAt).toBe("2025-01-15T10:00:00.000Z");
      });
    });

    describe("keyset paging", () => {
      async function walk(viewer: CustomerViewer, search: string, pageSize: number) {
        const forward: CustomerListRow[][] = [];
        let q = query(search);
        for (let guard = 0; guard < 100; guard++) {
          const page = await listCustomers(db, { viewer, query: q, storeCountry: "BG", pageSize, driveLimit });
          forward.push(page.rows);
          if (guard === 0) expect(page.previousCursor).toBeNull();
          if (!page.nextCursor) break;
          q = { ...q, after: page.nextCursor, before: undefined };
        }
        // and back again from the last page with `before`
        const backward: CustomerListRow[][] = [forward[forward.length - 1]];
        let first = await listCustomers(db, { viewer, query: q, storeCountry: "BG", pageSize, driveLimit });
        for (let guard = 0; guard < 100 && first.previousCursor; guard++) {
          q = { ...q, before: first.previousCursor, after: undefined };
          first = await listCustomers(db, { viewer, query: q, storeCountry: "BG", pageSize, driveLimit });
          backward.unshift(first.rows);
        }
        return { forward, backward };
      }

      const codePointOrder = (a: string, b: string) => {
        const x = [...a].map((c) => c.codePointAt(0)!);
        const y = [...b].map((c) => c.codePointAt(0)!);
        for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
        return x.length - y.length;
      };

      it("newest first walks every customer once, forwards and backwards, in id order", async () => {
        const all = Object.values(ids).sort((a, b) => b - a);
        const { forward, backward } = await walk(admin, "", 7);
        expect(forward.flat().map((r) => r.id)).toEqual(all);
        expect(forward.slice(0, -1).every((p) => p.length === 7)).toBe(true);
        expect(backward.map((p) => p.map((r) => r.id))).toEqual(forward.map((p) => p.map((r) => r.id)));
      });

      it("by name walks every customer once, ties broken by id, forwards and backwards", async () => {
        const rows = await db.models.Customer.findAll({ attributes: ["id", "sortName"], raw: true });
        const expected = rows.sort((a, b) => codePointOrder(a.sortName, b.sortName) || a.id - b.id).map((r) => r.id);
        const { forward, backward } = await walk(admin, "sort=name", 9);
        expect(forward.flat().map((r) => r.id)).toEqual(expected);
        expect(backward.map((p) => p.map((r) => r.id))).toEqual(forward.map((p) => p.map((r) => r.id)));
      });

      it("a filtered walk by name has no duplicates or gaps", async () => {
        const { forward } = await walk(admin, "sort=name&country=BG", 5);
        const seen = forward.flat().map((r) => r.externalId);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort()).toEqual(await externalIdsOf(admin, "country=BG"));
      });

      it("a search walks its matches once, forwards and backwards, in either order", async () => {
        const rows = await db.models.Customer.findAll({ attributes: ["id", "sortName", "searchName", "email"], raw: true });
        const hits = rows.filter((r) => r.searchName.startsWith("filler") || r.sortName.startsWith("filler") || (r.email ?? "").startsWith("filler"));
        expect(hits).toHaveLength(110);
        for (const [search, expected] of [
          ["q=FILLER", [...hits].sort((a, b) => b.id - a.id)],
          ["q=filler&sort=name", [...hits].sort((a, b) => codePointOrder(a.sortName, b.sortName) || a.id - b.id)],
        ] as const) {
          const { forward, backward } = await walk(admin, search, 8);
          expect(forward.flat().map((r) => r.id)).toEqual(expected.map((r) => r.id));
          expect(backward.map((p) => p.map((r) => r.id))).toEqual(forward.map((p) => p.map((r) => r.id)));
        }
      });

      it("a customer added while paging does not shift the pages that follow", async () => {
        const firstPage = await listCustomers(db, { viewer: admin, query: query("country=DE"), storeCountry: "BG", pageSize: 10, driveLimit });
        const [newcomer] = await addCustomers(db, [{ externalId: "late-arrival", firstName: "Late", lastName: "Arrival", country: "DE" }]);
        const second = await listCustomers(db, { viewer: admin, query: { ...query("country=DE"), after: firstPage.nextCursor! }, storeCountry: "BG", pageSize: 10, driveLimit });
        expect(second.rows.map((r) => r.id)).not.toContain(newcomer);
        expect(Math.max(...second.rows.map((r) => r.id))).toBeLessThan(Math.min(...firstPage.rows.map((r) => r.id)));
        await db.models.Customer.destroy({ where: { id: newcomer } });
      });

      it("a cursor that is not one gives the first page", async () => {
        const page = await listCustomers(db, { viewer: admin, query: { ...query(""), after: "garbage" }, storeCountry: "BG", pageSize: 3, driveLimit });
        expect(page.rows[0].id).toBe(Math.max(...Object.values(ids)));
        expect(page.previousCursor).toBeNull();
      });
    });

    describe("count", () => {
      it("is exact up to the cap and says so past it", async () => {
        expect(await countCustomers(db, { viewer: admin, query: query("country=GR"), storeCountry: "BG", driveLimit })).toEqual({ count: 57, isCapped: false });
        expect(await countCustomers(db, { viewer: admin, query: query("country=GR"), storeCountry: "BG", cap: 57, driveLimit })).toEqual({ count: 57, isCapped: false });
        expect(await countCustomers(db, { viewer: admin, query: query("country=GR"), storeCountry: "BG", cap: 56, driveLimit })).toEqual({ count: 56, isCapped: true });
        expect(await countCustomers(db, { viewer: admin, query: query("q=иван"), storeCountry: "BG", driveLimit })).toEqual({ count: 2, isCapped: false });
      });
    });

    describe("a manager", () => {
      it("sees only the customers assigned to them, whatever the URL asks", async () => {
        const mine = ["ivan", "maria", ...Array.from({ length: 10 }, (_, i) => `same-${i * 4}`)].sort();
        expect(await externalIdsOf(managerOne, "")).toEqual(mine);
        expect(await externalIdsOf(managerOne, `manager=${managerTwo.id}`)).toEqual(mine);
        expect(await externalIdsOf(managerOne, "manager=none")).toEqual(mine);
        expect(await externalIdsOf(managerOne, "q=ΠΑΠΑΔ")).toEqual([]);
        expect(await externalIdsOf(managerOne, "q=иван")).toEqual(["ivan", "maria"]);
        expect(await countCustomers(db, { viewer: managerOne, query: query(""), storeCountry: "BG", driveLimit })).toEqual({ count: mine.length, isCapped: false });
        expect(await externalIdsOf(managerTwo, "")).toEqual(["giorgos", "odysseas"]);
      });

      it("is offered the store's countries and no manager filter", async () => {
        const options = await getCustomerFilterOptions(db, managerTwo);
        expect(options.countries).toEqual(["BG", "DE", "GB", "GR", "RU", "UA"]);
        expect(options.managers).toEqual([]);
        const everything = await getCustomerFilterOptions(db, admin);
        expect(everything.countries).toEqual(["BG", "DE", "GB", "GR", "RU", "UA"]);
        expect(everything.managers.map((m) => m.name)).toEqual(["Manager One", "Manager Two"]);
        expect(everything.groups.map((g) => g.name)).toEqual(["Retail", "VIP"]);
        expect(everything.tags.map((t) => t.name)).toEqual(["newsletter", "wholesale"]);
      });
    });
  });
}

describe("names folded for search (migration 0003-fold-search-names)", () => {
  beforeAll(async () => {
    driveLimit = undefined;
    const created = await addCustomers(db, [
      { externalId: "semyon", firstName: "Семён", lastName: "Ёлкин", country: "RU" },
      { externalId: "jose", firstName: "José", lastName: "Müller", country: "DE" },
      { externalId: "yordan", firstName: "Йордан", lastName: "Иванов", country: "BG" },
    ]);
    created.forEach((id, i) => (ids[["semyon", "jose", "yordan"][i]] = id));
    // rows as they were stored before folding: names only lower-cased
    for (const key of ["giorgos", "odysseas", "semyon", "jose", "yordan"]) {
      const c = await db.models.Customer.findByPk(ids[key], { raw: true });
      const [first, last] = [c!.firstName ?? "", c!.lastName ?? ""].map((n) => n.toLowerCase());
      await db.models.Customer.update({ searchName: `${first} ${last}`, sortName: `${last} ${first}` }, { where: { id: ids[key] } });
    }
  });

  it("before the migration, a name stored with accents is found only as typed with them", async () => {
    expect(await externalIdsOf(admin, "q=Παπαδόπουλος")).toEqual(["giorgos"]);
    expect(await externalIdsOf(admin, "q=ΠΑΠΑΔΟΠΟΥΛΟΣ")).toEqual([]);
  });

  it("after it, a Greek name typed in capitals, with or without accents, finds the accented name", async () => {
    const { up } = await import("../../models/migrations/0003-fold-search-names");
    await up(db.sequelize.getQueryInterface());
    const folded = await db.models.Customer.findByPk(ids.giorgos, { raw: true });
    expect(folded).toMatchObject({ searchName: "γιωργοσ παπαδοπουλοσ", sortName: "παπαδοπουλοσ γιωργοσ", firstName: "Γιώργος" });
    expect(await externalIdsOf(admin, "q=ΠΑΠΑΔΟΠΟΥΛΟΣ")).toEqual(["giorgos"]);
    expect(await externalIdsOf(admin, "q=Παπαδόπουλος")).toEqual(["giorgos"]);
    expect(await externalIdsOf(admin, "q=ΓΙΩΡΓΟΣ ΠΑΠ")).toEqual(["giorgos"]);
    expect(await externalIdsOf(admin, "q=ΟΔΥΣ")).toEqual(["odysseas"]);
    expect(await externalIdsOf(admin, "q=νικολαου")).toEqual(["odysseas"]);
  });

  it("after it, ё is found as е, й as и, and Latin accents are optional", async () => {
    expect(await externalIdsOf(admin, "q=семен елкин")).toEqual(["semyon"]);
    expect(await externalIdsOf(admin, "q=ЁЛКИН")).toEqual(["semyon"]);
    expect(await externalIdsOf(admin, "q=jose m")).toEqual(["jose"]);
    expect(await externalIdsOf(admin, "q=MÜLLER")).toEqual(["jose"]);
    expect(await externalIdsOf(admin, "q=йордан")).toEqual(["yordan"]);
    expect(await externalIdsOf(admin, "q=иорд")).toEqual(["yordan"]);
  });
});
