// Who the demo store's customers are: the names, places, mail providers and phone plans of the
// Bulgarian, Greek, Russian, Ukrainian and English-speaking customers a Sofia shop sells to.
import type { Random } from "./random";

export const NATIONALITIES = ["bg", "gr", "ru", "ua", "en"] as const;
export type Nationality = (typeof NATIONALITIES)[number];

export interface People {
  nationality: Nationality;
  /** Share of the store's customers. */
  share: number;
  /** The customer's locale (a language code, as the API takes it). */
  locale: string;
  maleFirstNames: string[];
  femaleFirstNames: string[];
  /** [male form, female form]; the same twice where the language does not inflect surnames. */
  surnames: Array<[string, string]>;
  countries: Array<[string, number]>;
  mailDomains: Array<[string, number]>;
  /** How a small firm of this customer's is named, for the company custom field. */
  company(lastName: string): string;
}

/** Slavic surnames take a female form by ending: -ов → -ова, -ски → -ска, -ский → -ская, -ський → -ська. */
function slavic(ending: Array<[string, string]>, names: string[]): Array<[string, string]> {
  return names.map((male) => {
    for (const [from, to] of ending) if (male.endsWith(from)) return [male, male.slice(0, male.length - from.length) + to];
    return [male, male];
  });
}

const same = (names: string[]): Array<[string, string]> => names.map((n) => [n, n]);

const BULGARIAN: People = {
  nationality: "bg",
  share: 0.36,
  locale: "bg",
  maleFirstNames: [
    "Георги", "Иван", "Димитър", "Николай", "Петър", "Христо", "Стефан", "Тодор", "Васил", "Александър", "Мартин", "Калоян",
    "Борислав", "Йордан", "Стоян", "Атанас", "Красимир", "Венцислав", "Емил", "Пламен", "Даниел", "Виктор", "Радослав", "Никола",
    "Илия", "Кирил", "Любомир", "Симеон",
  ],
  femaleFirstNames: [
    "Мария", "Иванка", "Елена", "Йорданка", "Пенка", "Десислава", "Гергана", "Надежда", "Виктория", "Радостина", "Цветелина",
    "Снежана", "Светла", "Милена", "Теодора", "Николета", "Габриела", "Ралица", "Весела", "Кристина", "Анелия", "Петя", "Силвия",
    "Яна", "Бистра", "Калина",
  ],
  surnames: slavic(
    [["ски", "ска"], ["ов", "ова"], ["ев", "ева"], ["ин", "ина"]],
    [
      "Иванов", "Георгиев", "Димитров", "Петров", "Николов", "Христов", "Стоянов", "Тодоров", "Илиев", "Василев", "Атанасов",
      "Петков", "Ангелов", "Колев", "Йорданов", "Маринов", "Стефанов", "Попов", "Михайлов", "Кръстев", "Костов", "Димов", "Павлов",
      "Симеонов", "Янков", "Генчев", "Цветков", "Радев", "Вълчев", "Борисов", "Лазаров", "Александров", "Найденов", "Пеев",
      "Маджарски", "Зографски", "Хаджийски", "Милушев", "Бакалов", "Шишманов", "Кантарджиев",
    ],
  ),
  countries: [["BG", 1]],
  mailDomains: [["abv.bg", 34], ["gmail.com", 40], ["mail.bg", 10], ["yahoo.com", 7], ["dir.bg", 4], ["outlook.com", 5]],
  company: (last) => `${last} ЕООД`,
};

const GREEK: People = {
  nationality: "gr",
  share: 0.2,
  locale: "el",
  maleFirstNames: [
    "Γιώργος", "Δημήτρης", "Κωνσταντίνος", "Γιάννης", "Νίκος", "Παναγιώτης", "Βασίλης", "Χρήστος", "Θανάσης", "Μιχάλης",
    "Βαγγέλης", "Σπύρος", "Αντώνης", "Ανδρέας", "Ηλίας", "Στέλιος", "Πέτρος", "Αλέξανδρος", "Θοδωρής", "Μανώλης", "Άγγελος",
    "Λευτέρης", "Στάθης",
  ],
  femaleFirstNames: [
    "Μαρία", "Ελένη", "Κατερίνα", "Βασιλική", "Σοφία", "Αγγελική", "Γεωργία", "Δήμητρα", "Κωνσταντίνα", "Παρασκευή", "Χριστίνα",
    "Ευαγγελία", "Ιωάννα", "Αναστασία", "Ειρήνη", "Δέσποινα", "Φωτεινή", "Νίκη", "Θεοδώρα", "Αλεξάνδρα", "Χαρά", "Ευτυχία",
  ],
  // Greek surnames change by gender with an accent shift, so both forms are written out.
  surnames: [
    ["Παπαδόπουλος", "Παπαδοπούλου"], ["Παπαδάκης", "Παπαδάκη"], ["Γεωργίου", "Γεωργίου"], ["Οικονόμου", "Οικονόμου"],
    ["Παπαγεωργίου", "Παπαγεωργίου"], ["Βασιλείου", "Βασιλείου"], ["Νικολάου", "Νικολάου"], ["Ιωάννου", "Ιωάννου"],
    ["Παπανικολάου", "Παπανικολάου"], ["Δημητρίου", "Δημητρίου"], ["Κωνσταντίνου", "Κωνσταντίνου"], ["Αθανασίου", "Αθανασίου"],
    ["Μακρής", "Μακρή"], ["Αντωνίου", "Αντωνίου"], ["Χριστοδούλου", "Χριστοδούλου"], ["Παππάς", "Παππά"], ["Αλεξίου", "Αλεξίου"],
    ["Μαυρίδης", "Μαυρίδου"], ["Κωνσταντινίδης", "Κωνσταντινίδου"], ["Ιωαννίδης", "Ιωαννίδου"], ["Θεοδωρίδης", "Θεοδωρίδου"],
    ["Γεωργιάδης", "Γεωργιάδου"], ["Καραγιάννης", "Καραγιάννη"], ["Μιχαηλίδης", "Μιχαηλίδου"], ["Σταθόπουλος", "Σταθοπούλου"],
    ["Νικολόπουλος", "Νικολοπούλου"], ["Πετρόπουλος", "Πετροπούλου"], ["Κυριακίδης", "Κυριακίδου"], ["Λαμπρόπουλος", "Λαμπροπούλου"],
    ["Σπυρόπουλος", "Σπυροπούλου"], ["Ζαχαρίου", "Ζαχαρίου"], ["Βλάχος", "Βλάχου"], ["Δημόπουλος", "Δημοπούλου"],
    ["Κανελλόπουλος", "Κανελλοπούλου"], ["Μαρκόπουλος", "Μαρκοπούλου"], ["Χατζηδάκης", "Χατζηδάκη"], ["Τζαννετάκης", "Τζαννετάκη"],
    ["Σαββίδης", "Σαββίδου"], ["Ξενάκης", "Ξενάκη"], ["Μανωλάκης", "Μανωλάκη"], ["Αναγνωστόπουλος", "Αναγνωστοπούλου"],
  ],
  countries: [["GR", 93], ["CY", 7]],
  mailDomains: [["gmail.com", 55], ["yahoo.gr", 14], ["hotmail.com", 12], ["otenet.gr", 8], ["outlook.com", 6], ["icloud.com", 5]],
  company: (last) => `${last} Ο.Ε.`,
};

const RUSSIAN: People = {
  nationality: "ru",
  share: 0.12,
  locale: "ru",
  maleFirstNames: [
    "Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём", "Никита", "Владимир",
    "Павел", "Роман", "Денис", "Илья", "Кирилл", "Олег", "Николай", "Игорь", "Антон", "Константин",
  ],
  femaleFirstNames: [
    "Анна", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна", "Мария", "Ирина", "Светлана", "Юлия", "Анастасия", "Дарья",
    "Ксения", "Марина", "Виктория", "Алина", "Полина", "Людмила", "Евгения", "Валерия",
  ],
  surnames: slavic(
    [["ский", "ская"], ["цкий", "цкая"], ["ой", "ая"], ["ов", "ова"], ["ев", "ева"], ["ёв", "ёва"], ["ин", "ина"], ["ын", "ына"]],
    [
      "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров", "Морозов",
      "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев",
      "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев",
      "Кузьмин", "Фролов", "Белов", "Виноградов", "Богданов", "Комаров", "Киселёв", "Ковалевский", "Вишневский", "Покровский",
      "Черных", "Седых", "Толстой", "Трубецкой", "Бурцев",
    ],
  ),
  countries: [["RU", 100]],
  mailDomains: [["mail.ru", 34], ["yandex.ru", 30], ["gmail.com", 25], ["rambler.ru", 5], ["bk.ru", 6]],
  company: (last) => `ООО «${last}»`,
};

const UKRAINIAN: People = {
  nationality: "ua",
  share: 0.12,
  locale: "uk",
  maleFirstNames: [
    "Олександр", "Андрій", "Сергій", "Дмитро", "Володимир", "Іван", "Михайло", "Юрій", "Олег", "Віктор", "Максим", "Богдан",
    "Тарас", "Назар", "Ярослав", "Василь", "Петро", "Роман", "Віталій", "Євген", "Артем", "Денис", "Ігор",
  ],
  femaleFirstNames: [
    "Олена", "Оксана", "Наталія", "Тетяна", "Ірина", "Юлія", "Світлана", "Марія", "Анна", "Катерина", "Ольга", "Людмила", "Галина",
    "Вікторія", "Анастасія", "Дарина", "Соломія", "Христина", "Софія", "Ярослава", "Леся", "Євгенія",
  ],
  surnames: slavic(
    [["ський", "ська"], ["цький", "цька"], ["ов", "ова"], ["ев", "ева"], ["ін", "іна"]],
    [
      "Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Коваль", "Поліщук", "Бойко", "Ткачук",
      "Мельник", "Лисенко", "Марченко", "Руденко", "Савченко", "Петренко", "Кравчук", "Мороз", "Павленко", "Левченко", "Харченко",
      "Карпенко", "Гончаренко", "Клименко", "Романенко", "Ковальчук", "Зінченко", "Литвиненко", "Вовк", "Гнатюк", "Кузьменко",
      "Сидоренко", "Федоренко", "Яковенко", "Приходько", "Онищенко", "Костенко", "Грушевський", "Липинський", "Савицький",
      "Вишневський", "Заєць", "Їжакевич", "Ґудзь",
    ],
  ),
  countries: [["UA", 100]],
  mailDomains: [["gmail.com", 46], ["ukr.net", 34], ["i.ua", 8], ["meta.ua", 4], ["outlook.com", 8]],
  company: (last) => `ТОВ «${last}»`,
};

const ENGLISH: People = {
  nationality: "en",
  share: 0.2,
  locale: "en",
  maleFirstNames: [
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Daniel", "Matthew", "Christopher",
    "Andrew", "Oliver", "Jack", "Harry", "George", "Noah", "Liam", "Ethan", "Samuel", "Benjamin", "Ryan", "Sean", "Patrick", "Connor",
  ],
  femaleFirstNames: [
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Sarah", "Jessica", "Emily", "Emma", "Olivia", "Sophie", "Charlotte",
    "Amelia", "Grace", "Chloe", "Hannah", "Lucy", "Megan", "Ashley", "Laura", "Rachel", "Aoife", "Siobhan", "Niamh", "Zoë",
  ],
  surnames: same([
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Taylor", "Davies", "Wilson", "Evans", "Thomas", "Roberts", "Walker", "Wright",
    "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Jackson", "Clarke", "Lewis", "Robinson",
    "Miller", "Davis", "Anderson", "Moore", "Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "O'Sullivan", "Walsh", "McCarthy",
    "Campbell", "Stewart", "Scott", "Baker", "Cooper", "King", "Lee", "Turner", "Parker", "Collins", "Morgan", "Smith-Jones",
  ]),
  countries: [["GB", 45], ["US", 33], ["IE", 10], ["CA", 7], ["AU", 5]],
  mailDomains: [["gmail.com", 45], ["outlook.com", 14], ["yahoo.com", 12], ["icloud.com", 12], ["hotmail.co.uk", 9], ["aol.com", 3], ["btinternet.com", 5]],
  company: (last) => `${last} Ltd`,
};

export const PEOPLE: Record<Nationality, People> = { bg: BULGARIAN, gr: GREEK, ru: RUSSIAN, ua: UKRAINIAN, en: ENGLISH };

export interface City {
  name: string;
  weight: number;
  /** North American area codes of the city, for its phone numbers. */
  areaCodes?: string[];
}

export interface Country {
  code: string;
  cities: City[];
  /** A mobile number in E.164. */
  mobile(random: Random, city: City): string;
}

const city = (name: string, weight: number, areaCodes?: string[]): City => ({ name, weight, areaCodes });
const prefixed = (country: string, prefixes: string[], rest: number) => (random: Random) => `+${country}${random.pick(prefixes)}${random.digits(rest)}`;
// North American numbers: area code, then an exchange that does not start with 0 or 1
const northAmerican = (random: Random, c: City) => `+1${random.pick(c.areaCodes!)}${random.int(2, 9)}${random.digits(6)}`;

export const COUNTRIES: Record<string, Country> = {
  BG: {
    code: "BG",
    cities: [
      city("София", 28), city("Пловдив", 9), city("Варна", 8), city("Бургас", 5.5), city("Русе", 3), city("Стара Загора", 3),
      city("Плевен", 2.2), city("Сливен", 1.8), city("Добрич", 1.6), city("Шумен", 1.5), city("Перник", 1.4), city("Хасково", 1.3),
      city("Ямбол", 1.2), city("Пазарджик", 1.3), city("Благоевград", 1.2), city("Велико Търново", 1.3), city("Враца", 1),
      city("Габрово", 0.9), city("Асеновград", 0.8), city("Видин", 0.7), city("Казанлък", 0.8), city("Кърджали", 0.7), city("Банско", 0.3),
    ],
    mobile: prefixed("359", ["87", "88", "89", "98"], 7),
  },
  GR: {
    code: "GR",
    cities: [
      city("Αθήνα", 30), city("Θεσσαλονίκη", 12), city("Πειραιάς", 4), city("Πάτρα", 3.5), city("Ηράκλειο", 3.5), city("Λάρισα", 2.8),
      city("Βόλος", 2), city("Ιωάννινα", 1.8), city("Χανιά", 1.5), city("Καλαμάτα", 1.2), city("Ρόδος", 1.1), city("Κομοτηνή", 0.9),
      city("Σέρρες", 1), city("Αλεξανδρούπολη", 1), city("Ξάνθη", 0.8), city("Καβάλα", 1), city("Κατερίνη", 0.9), city("Τρίκαλα", 0.9),
      city("Λαμία", 0.9), city("Χαλκίδα", 0.9), city("Γλυφάδα", 1.2), city("Κέρκυρα", 0.6),
    ],
    mobile: prefixed("30", ["690", "693", "694", "695", "697", "698", "699"], 7),
  },
  CY: {
    code: "CY",
    cities: [city("Λευκωσία", 10), city("Λεμεσός", 8), city("Λάρνακα", 4), city("Πάφος", 3), city("Αμμόχωστος", 1)],
    mobile: prefixed("357", ["96", "97", "99"], 6),
  },
  RU: {
    code: "RU",
    cities: [
      city("Москва", 25), city("Санкт-Петербург", 14), city("Новосибирск", 3.5), city("Екатеринбург", 3.5), city("Казань", 3),
      city("Нижний Новгород", 3), city("Челябинск", 2.5), city("Самара", 2.5), city("Омск", 2), city("Ростов-на-Дону", 2.5),
      city("Уфа", 2), city("Красноярск", 2), city("Воронеж", 2), city("Пермь", 2), city("Волгоград", 2), city("Краснодар", 2.5),
      city("Сочи", 1.5), city("Калининград", 1.2),
    ],
    mobile: prefixed("79", ["01", "03", "05", "09", "10", "11", "12", "15", "16", "17", "19", "20", "21", "25", "26", "29", "50", "51", "60", "61", "62", "63", "64", "65", "67", "68", "77", "85", "99"], 7),
  },
  UA: {
    code: "UA",
    cities: [
      city("Київ", 22), city("Харків", 8), city("Одеса", 7), city("Дніпро", 6.5), city("Львів", 7), city("Запоріжжя", 4),
      city("Вінниця", 2.5), city("Полтава", 2), city("Чернігів", 1.8), city("Черкаси", 1.8), city("Житомир", 1.7), city("Суми", 1.6),
      city("Хмельницький", 1.7), city("Рівне", 1.5), city("Івано-Франківськ", 1.5), city("Тернопіль", 1.4), city("Луцьк", 1.3),
      city("Ужгород", 0.9), city("Чернівці", 1.2), city("Біла Церква", 1),
    ],
    mobile: prefixed("380", ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"], 7),
  },
  GB: {
    code: "GB",
    cities: [
      city("London", 30), city("Manchester", 6), city("Birmingham", 7), city("Leeds", 4), city("Glasgow", 4), city("Liverpool", 3.5),
      city("Bristol", 3), city("Edinburgh", 3), city("Sheffield", 3), city("Cardiff", 2.5), city("Belfast", 2.2), city("Nottingham", 2.2),
      city("Leicester", 2), city("Newcastle upon Tyne", 2), city("Brighton", 2), city("Oxford", 1.2), city("Cambridge", 1.2),
    ],
    mobile: prefixed("447", ["40", "47", "50", "51", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "80", "81", "84", "85", "87", "88", "89", "90", "92", "94", "95", "96", "97", "98", "99"], 7),
  },
  US: {
    code: "US",
    cities: [
      city("New York", 18, ["212", "347", "646", "718", "917"]), city("Los Angeles", 10, ["213", "310", "323", "818"]),
      city("Chicago", 7, ["312", "773"]), city("Houston", 5, ["713", "832"]), city("Phoenix", 4, ["602", "480"]),
      city("Philadelphia", 4, ["215", "267"]), city("San Antonio", 3, ["210"]), city("San Diego", 3, ["619", "858"]),
      city("Dallas", 3.5, ["214", "469", "972"]), city("Boston", 3.5, ["617", "857"]), city("Seattle", 3.5, ["206"]),
      city("Miami", 3.5, ["305", "786"]), city("Atlanta", 3, ["404", "678"]), city("Denver", 2.5, ["303", "720"]),
      city("San Francisco", 3, ["415", "628"]), city("Austin", 2.5, ["512", "737"]),
    ],
    mobile: northAmerican,
  },
  IE: {
    code: "IE",
    cities: [city("Dublin", 40), city("Cork", 12), city("Galway", 7), city("Limerick", 6), city("Waterford", 4), city("Kilkenny", 2)],
    mobile: prefixed("3538", ["3", "5", "6", "7", "9"], 7),
  },
  CA: {
    code: "CA",
    cities: [
      city("Toronto", 30, ["416", "647"]), city("Montreal", 20, ["514", "438"]), city("Vancouver", 14, ["604", "778"]),
      city("Calgary", 8, ["403", "587"]), city("Ottawa", 7, ["613", "343"]),
    ],
    mobile: northAmerican,
  },
  AU: {
    code: "AU",
    cities: [city("Sydney", 30), city("Melbourne", 28), city("Brisbane", 14), city("Perth", 11), city("Adelaide", 7)],
    mobile: prefixed("614", ["0", "1", "2", "3"], 7),
  },
};
