// Guesses what a column is from its header, in the languages of the stores we serve: English,
// Bulgarian, Russian, Ukrainian and Greek.
import { IGNORE, channelTarget, type TargetCatalogue } from "./targets";

/** Lower case, no accents (Greek tonos, Cyrillic breve), punctuation as spaces: "E-mail" and "e mail" meet. */
export function normalizeHeader(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ς/g, "σ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const WORDS: Record<string, string[]> = {
  externalId: [
    "id", "external id", "externalid", "customer id", "client id", "customer number", "customer no", "customer code", "client code", "ref",
    "ид", "код", "клиентски номер", "номер на клиент", "код на клиент", "идентификатор",
    "id клиента", "номер клиента", "код клиента", "внешний id",
    "id клієнта", "номер клієнта", "код клієнта", "зовнішній id", "ідентифікатор",
    "κωδικος", "κωδικος πελατη", "αριθμος πελατη",
  ],
  firstName: [
    "first name", "firstname", "given name", "forename",
    "име", "собствено име", "имя", "ім я", "імʼя", "імя", "ονομα", "μικρο ονομα",
  ],
  lastName: [
    "last name", "lastname", "surname", "family name",
    "фамилия", "прізвище", "επωνυμο",
  ],
  email: [
    "email", "e mail", "mail", "email address", "e mail address",
    "имейл", "имейл адрес", "е поща", "ел поща", "електронна поща",
    "электронная почта", "эл почта", "почта", "емейл", "email адрес",
    "електронна пошта", "ел пошта", "пошта", "імейл",
    "ηλεκτρονικο ταχυδρομειο", "ηλ ταχυδρομειο", "διευθυνση email",
  ],
  phone: [
    "phone", "telephone", "phone number", "mobile", "mobile phone", "tel", "cell", "gsm",
    "телефон", "тел", "мобилен", "мобилен телефон", "телефонен номер",
    "мобильный", "мобильный телефон", "номер телефона",
    "мобільний", "мобільний телефон", "номер телефону",
    "τηλεφωνο", "κινητο", "τηλ", "αριθμος τηλεφωνου",
  ],
  country: ["country", "country code", "държава", "страна", "країна", "χωρα"],
  city: ["city", "town", "град", "населено място", "город", "населенный пункт", "місто", "населений пункт", "πολη"],
  birthday: [
    "birthday", "birth date", "birthdate", "date of birth", "dob",
    "рожден ден", "дата на раждане", "день рождения", "дата рождения", "день народження", "дата народження",
    "γενεθλια", "ημερομηνια γεννησης",
  ],
  registeredAt: [
    "registered", "registered at", "registration date", "date registered", "signup date", "signed up", "created at",
    "дата на регистрация", "регистрация", "регистриран", "дата регистрации", "зарегистрирован",
    "дата реєстрації", "реєстрація", "зареєстрований", "ημερομηνια εγγραφησ", "εγγραφη",
  ],
  acceptsMarketing: [
    "accepts marketing", "marketing consent", "marketing", "consent", "opt in", "accepts email marketing",
    "съгласие за маркетинг", "съгласие", "маркетинг", "согласие на рассылку", "согласие на маркетинг", "согласие",
    "згода на розсилку", "згода на маркетинг", "згода", "συγκαταθεση", "συναινεση", "αποδοχη marketing",
  ],
  customerGroup: [
    "customer group", "group", "client group", "tier",
    "група", "клиентска група", "група клиенти", "группа", "группа клиентов", "група клієнтів", "ομαδα", "ομαδα πελατων",
  ],
  tags: ["tags", "tag", "labels", "етикети", "етикет", "тагове", "теги", "тег", "метки", "мітки", "ετικετεσ", "ετικετα"],
  managerEmail: [
    "manager", "manager email", "account manager", "responsible manager", "responsible",
    "мениджър", "отговорник", "отговорен мениджър", "менеджер", "ответственный", "ответственный менеджер",
    "відповідальний", "відповідальний менеджер", "υπευθυνοσ", "υπευθυνοσ πελατη",
  ],
  locale: ["locale", "language", "lang", "език", "язык", "мова", "γλωσσα"],
  firstInteractionAt: [
    "first interaction", "first seen", "first visit",
    "първо взаимодействие", "първо посещение", "первое взаимодействие", "первый визит", "перша взаємодія", "перший візит",
    "πρωτη αλληλεπιδραση", "πρωτη επισκεψη",
  ],
  lastInteractionAt: [
    "last interaction", "last seen", "last visit", "last activity",
    "последно взаимодействие", "последно посещение", "последнее взаимодействие", "последний визит", "последняя активность",
    "остання взаємодія", "останній візит", "τελευταια αλληλεπιδραση", "τελευταια επισκεψη",
  ],
  [channelTarget("email", "subscribed")]: [
    "email subscribed", "subscribed email", "email subscription", "newsletter", "subscribed to newsletter", "email opt in",
    "абониран за имейл", "абонамент за имейл", "имейл абонамент", "бюлетин", "подписка на email", "підписка на розсилку", "підписка на email", "подписан на email", "подписка email", "подписка на рассылку", "рассылка",
    "підписка email", "підписаний на email", "розсилка", "συνδρομη email", "συνδρομη newsletter",
  ],
  [channelTarget("sms", "subscribed")]: [
    "sms subscribed", "subscribed sms", "sms subscription", "sms consent", "sms opt in",
    "sms абонамент", "абониран за sms", "подписка sms", "sms подписка", "підписка sms", "συνδρομη sms",
  ],
  [channelTarget("viber", "subscribed")]: ["viber subscribed", "viber subscription", "viber абонамент", "подписка viber", "підписка viber", "συνδρομη viber"],
  [channelTarget("viber", "address")]: ["viber id", "viber user id"],
  [channelTarget("messenger", "subscribed")]: ["messenger subscribed", "messenger subscription", "подписка messenger", "підписка messenger", "συνδρομη messenger"],
  [channelTarget("messenger", "address")]: ["messenger id", "psid", "messenger psid", "facebook psid"],
};

interface Candidate {
  words: string;
  target: string;
}

function candidates(catalogue: TargetCatalogue): Candidate[] {
  const list: Candidate[] = [];
  for (const [target, words] of Object.entries(WORDS)) for (const w of words) list.push({ words: normalizeHeader(w), target });
  for (const f of catalogue.customFields) {
    for (const w of [f.key, f.label]) list.push({ words: normalizeHeader(w), target: `customFields.${f.key}` });
  }
  for (const q of catalogue.questions) {
    for (const w of [q.key, q.text]) list.push({ words: normalizeHeader(w), target: `answers.${q.key}` });
  }
  return list.filter((c) => c.words !== "");
}

/** The most likely target of one header: its own words first, else the longest known phrase inside it. */
export function guessTarget(header: string, catalogue: TargetCatalogue): string {
  const words = normalizeHeader(header);
  if (!words) return IGNORE;
  const list = candidates(catalogue);
  // the store's own fields come last in the list but win an exact tie: they are what the store named
  const exact = list.filter((c) => c.words === words || c.words.replace(/ /g, "") === words.replace(/ /g, ""));
  if (exact.length) return exact[exact.length - 1].target;
  const padded = ` ${words} `;
  const inside = list.filter((c) => padded.includes(` ${c.words} `)).sort((a, b) => b.words.length - a.words.length);
  return inside[0]?.target ?? IGNORE;
}

/** A guess for every column; a target goes to the first column that claims it, later ones are ignored. */
export function guessMapping(header: string[], catalogue: TargetCatalogue): string[] {
  const taken = new Set<string>();
  return header.map((h) => {
    const target = guessTarget(h, catalogue);
    if (target === IGNORE || taken.has(target)) return IGNORE;
    taken.add(target);
    return target;
  });
}
