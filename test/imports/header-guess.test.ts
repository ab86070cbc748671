import { describe, expect, it } from "vitest";
import { guessMapping, guessTarget } from "../../models/imports/header-guess";
import { CHANNELS } from "../../models/models";
import { CHANNEL_TARGETS, mappingProblems, TARGET_PATTERN } from "../../models/imports/targets";
import type { TargetCatalogue } from "../../models/imports/targets";

const catalogue: TargetCatalogue = {
  customFields: [{ key: "shoe_size", label: "Shoe size", type: "number", options: [] }],
  questions: [{ key: "pets", text: "Which pets do you have?", options: [{ key: "cat", label: "Cat" }] }],
};
const guess = (header: string) => guessTarget(header, catalogue);

describe("column guesses from the header", () => {
  it("English", () => {
    expect(["Customer ID", "First name", "Last Name", "E-mail", "Phone number", "Country", "City", "Date of birth", "Accepts marketing", "Tags"].map(guess)).toEqual([
      "externalId", "firstName", "lastName", "email", "phone", "country", "city", "birthday", "acceptsMarketing", "tags",
    ]);
    expect(guess("Email subscribed")).toBe("channels.email.subscribed");
    expect(guess("Viber ID")).toBe("channels.viber.address");
    expect(guess("Registration date")).toBe("registeredAt");
    expect(guess("Manager")).toBe("managerEmail");
  });

  it("Bulgarian", () => {
    expect(["Име", "Фамилия", "Имейл", "Телефон", "Град", "Държава", "Дата на раждане", "Етикети", "Група"].map(guess)).toEqual([
      "firstName", "lastName", "email", "phone", "city", "country", "birthday", "tags", "customerGroup",
    ]);
  });

  it("Russian", () => {
    expect(["Имя", "Фамилия", "Электронная почта", "Телефон", "Город", "Страна", "Дата рождения", "Дата регистрации", "Менеджер"].map(guess)).toEqual([
      "firstName", "lastName", "email", "phone", "city", "country", "birthday", "registeredAt", "managerEmail",
    ]);
  });

  it("Ukrainian, with either apostrophe in Ім'я", () => {
    expect(["Ім'я", "Імʼя", "Прізвище", "Електронна пошта", "Телефон", "Місто", "Країна", "Дата народження", "Мова"].map(guess)).toEqual([
      "firstName", "firstName", "lastName", "email", "phone", "city", "country", "birthday", "locale",
    ]);
  });

  it("Greek, with or without accents and in capitals", () => {
    expect(["Όνομα", "Επώνυμο", "Τηλέφωνο", "ΤΗΛΕΦΩΝΟ", "Πόλη", "Χώρα", "Ημερομηνία γέννησης", "Ετικέτες", "Email"].map(guess)).toEqual([
      "firstName", "lastName", "phone", "phone", "city", "country", "birthday", "tags", "email",
    ]);
  });

  it("the store's own custom fields and questions, by key or label", () => {
    expect(guess("shoe_size")).toBe("customFields.shoe_size");
    expect(guess("Shoe size")).toBe("customFields.shoe_size");
    expect(guess("Which pets do you have?")).toBe("answers.pets");
  });

  it("unknown headers are ignored, and a field goes to the first column that claims it", () => {
    expect(guess("Favourite colour")).toBe("ignore");
    expect(guessMapping(["ID", "Email", "E-mail", ""], catalogue)).toEqual(["externalId", "email", "ignore", "ignore"]);
  });
});

describe("mapping rules", () => {
  it("needs an external id, no field twice, and a subscribed column beside a channel address", () => {
    expect(mappingProblems(["email", "email", "channels.viber.address"])).toEqual([
      { column: 1, message: "is mapped twice: column 1 already becomes this field" },
      { column: null, message: "One column must be the external id: it is how rows are matched to customers." },
      { column: 2, message: "needs a column for whether the customer is subscribed on viber as well" },
    ]);
    expect(mappingProblems(["externalId", "ignore", "ignore"])).toEqual([]);
  });

  it("knows every channel of the data model", () => {
    expect(CHANNEL_TARGETS).toEqual(CHANNELS.flatMap((c) => [`channels.${c}.subscribed`, `channels.${c}.address`]));
    expect(TARGET_PATTERN.test("customFields.shoe_size")).toBe(true);
    expect(TARGET_PATTERN.test("channels.fax.subscribed")).toBe(false);
  });
});
