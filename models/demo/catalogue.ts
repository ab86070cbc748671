// The demo store's catalogue: a three-level category tree and the products in its leaves, each with
// its variants (sizes, colours, volumes) and prices in minor units.
import { Random, Weighted } from "./random";

type VariantKind = "apparel" | "kids" | "shoes" | "colour" | "volume" | "single" | "amount";
type Audience = "women" | "men" | "any";

interface Leaf {
  nouns: string[];
  /** Price range in major units. */
  price: [number, number];
  variants: VariantKind;
  audience?: Audience;
  /** How often this leaf sells, before the customer's own taste. */
  popularity: number;
}

interface CategorySpec {
  key: string;
  name: string;
  children?: CategorySpec[];
  leaf?: Leaf;
}

const leaf = (key: string, name: string, nouns: string[], price: [number, number], variants: VariantKind, popularity: number, audience: Audience = "any"): CategorySpec => ({
  key,
  name,
  leaf: { nouns, price, variants, popularity, audience },
});

export const CATEGORY_TREE: CategorySpec[] = [
  {
    key: "clothing",
    name: "Clothing",
    children: [
      {
        key: "women",
        name: "Women",
        children: [
          leaf("dresses", "Dresses", ["Wrap Dress", "Midi Dress", "Maxi Dress", "Shirt Dress", "Knit Dress", "Slip Dress"], [39, 129], "apparel", 5, "women"),
          leaf("women-tops", "Tops & T-shirts", ["Linen Blouse", "Striped T-shirt", "Silk Top", "Cropped Cardigan", "Ribbed Tank"], [15, 69], "apparel", 6, "women"),
          leaf("women-trousers", "Jeans & Trousers", ["Straight Jeans", "Wide-leg Trousers", "Mom Jeans", "Culottes", "Tailored Trousers"], [35, 99], "apparel", 4, "women"),
          leaf("women-coats", "Coats & Jackets", ["Trench Coat", "Puffer Jacket", "Wool Coat", "Denim Jacket", "Blazer"], [59, 249], "apparel", 2.5, "women"),
        ],
      },
      {
        key: "men",
        name: "Men",
        children: [
          leaf("men-shirts", "Shirts", ["Oxford Shirt", "Flannel Shirt", "Linen Shirt", "Polo Shirt"], [25, 79], "apparel", 3, "men"),
          leaf("men-tshirts", "T-shirts & Hoodies", ["Crew T-shirt", "Hoodie", "Sweatshirt", "Henley"], [15, 69], "apparel", 4, "men"),
          leaf("men-trousers", "Trousers & Jeans", ["Chinos", "Slim Jeans", "Cargo Trousers", "Joggers"], [35, 99], "apparel", 3, "men"),
          leaf("men-jackets", "Jackets", ["Parka", "Bomber Jacket", "Quilted Jacket", "Rain Jacket"], [69, 249], "apparel", 2, "men"),
        ],
      },
      {
        key: "kids",
        name: "Kids",
        children: [
          leaf("girls", "Girls", ["Dress", "Leggings", "Hoodie", "Pyjamas"], [12, 45], "kids", 2.5),
          leaf("boys", "Boys", ["T-shirt", "Joggers", "Jacket", "Pyjamas"], [12, 49], "kids", 2.5),
          leaf("baby", "Baby", ["Bodysuit Set", "Romper", "Sleepsuit", "Knitted Hat"], [9, 39], "kids", 2),
        ],
      },
    ],
  },
  {
    key: "shoes",
    name: "Shoes",
    children: [
      leaf("women-shoes", "Women's Shoes", ["Ankle Boots", "Ballet Flats", "Sandals", "Heeled Pumps", "Loafers"], [39, 149], "shoes", 3.5, "women"),
      leaf("men-shoes", "Men's Shoes", ["Chelsea Boots", "Derby Shoes", "Loafers", "Sandals"], [49, 169], "shoes", 2.5, "men"),
      leaf("sneakers", "Sneakers", ["Running Shoes", "Canvas Sneakers", "Trail Shoes", "Court Sneakers"], [49, 159], "shoes", 4),
    ],
  },
  {
    key: "beauty",
    name: "Beauty",
    children: [
      leaf("skincare", "Skincare", ["Face Cream", "Serum", "Cleansing Gel", "Sheet Mask Set", "Eye Cream", "Sunscreen SPF 50"], [9, 69], "volume", 6, "women"),
      leaf("makeup", "Makeup", ["Lipstick", "Mascara", "Foundation", "Eyeshadow Palette", "Blush"], [8, 49], "colour", 5, "women"),
      leaf("fragrance", "Fragrances", ["Eau de Parfum", "Eau de Toilette", "Body Mist"], [25, 139], "volume", 3),
      leaf("haircare", "Hair Care", ["Shampoo", "Conditioner", "Hair Oil", "Hair Mask"], [7, 35], "volume", 3.5),
    ],
  },
  {
    key: "home",
    name: "Home & Kitchen",
    children: [
      {
        key: "kitchen",
        name: "Kitchen",
        children: [
          leaf("cookware", "Cookware", ["Frying Pan", "Saucepan Set", "Cast Iron Pot", "Wok"], [25, 159], "single", 2),
          leaf("tableware", "Tableware", ["Dinner Plate Set", "Ceramic Mug", "Glass Set", "Serving Bowl"], [9, 79], "colour", 2.5),
          leaf("coffee-tea", "Coffee & Tea", ["French Press", "Espresso Cups", "Tea Set", "Coffee Grinder"], [15, 119], "single", 2),
        ],
      },
      leaf("bedding", "Bedding & Bath", ["Duvet Cover Set", "Bath Towel Set", "Pillow", "Throw Blanket"], [19, 129], "colour", 2.5),
      leaf("decor", "Decor & Candles", ["Scented Candle", "Vase", "Photo Frame", "Cushion Cover", "Wall Clock"], [9, 69], "colour", 3),
    ],
  },
  {
    key: "electronics",
    name: "Electronics",
    children: [
      leaf("phone-accessories", "Phone Accessories", ["Phone Case", "Wireless Charger", "Power Bank", "USB-C Cable"], [9, 59], "colour", 3),
      leaf("audio", "Headphones & Speakers", ["Wireless Earbuds", "Over-ear Headphones", "Bluetooth Speaker"], [29, 249], "colour", 2),
      leaf("smart-home", "Smart Home", ["Smart Plug", "Smart Bulb", "Wi-Fi Camera", "Smart Thermostat"], [15, 199], "single", 1.5),
    ],
  },
  {
    key: "sports",
    name: "Sports & Outdoors",
    children: [
      leaf("fitness", "Fitness", ["Yoga Mat", "Dumbbell Set", "Resistance Bands", "Water Bottle"], [9, 89], "colour", 2),
      leaf("cycling", "Cycling", ["Bike Helmet", "Bike Light Set", "Cycling Gloves"], [15, 99], "single", 1),
      leaf("camping", "Camping", ["Tent", "Sleeping Bag", "Camping Lantern", "Backpack 30 L"], [19, 249], "single", 1.2),
    ],
  },
  {
    key: "toys",
    name: "Toys & Games",
    children: [
      leaf("board-games", "Board Games", ["Strategy Game", "Family Card Game", "Puzzle 1000 Pieces"], [12, 59], "single", 1.5),
      leaf("building-sets", "Building Sets", ["Building Set", "Marble Run", "Magnetic Tiles"], [19, 129], "single", 1.5),
      leaf("plush", "Plush Toys", ["Teddy Bear", "Plush Bunny", "Plush Dinosaur"], [9, 39], "single", 1),
    ],
  },
  leaf("gift-cards", "Gift Cards", ["Gift Card"], [25, 100], "amount", 1),
];

const BRANDS = ["Aurora", "Balkan Line", "Nordwind", "Olive & Thyme", "Pirin", "Rila", "Aegean", "Dnipro Craft", "Volga", "Thames & Co", "Vitosha", "Meteora"];
const ADJECTIVES = ["Classic", "Linen", "Organic", "Relaxed", "Slim", "Oversized", "Vintage", "Essential", "Premium", "Recycled", "Merino", "Everyday", "Soft", "Studio"];
const COLOURS = ["Black", "White", "Navy", "Sage", "Terracotta", "Sand", "Red", "Blue", "Grey", "Olive"];
const SIZES = ["XS", "S", "M", "L", "XL", "XXL"];
const KIDS_SIZES = ["92", "98", "104", "110", "116", "122", "128", "134"];
const SHOE_SIZES = ["36", "37", "38", "39", "40", "41", "42", "43", "44", "45"];
const VOLUMES: Array<[string, number]> = [["30 ml", 1], ["50 ml", 1.5], ["100 ml", 2.4]];

export interface DemoCategory {
  key: string;
  name: string;
  parentKey: string | null;
  depth: number;
}

export interface DemoVariant {
  externalId: string;
  name: string;
  sku: string;
  /** Minor units. */
  price: number;
}

export interface DemoProduct {
  externalId: string;
  name: string;
  categoryKey: string;
  variants: DemoVariant[];
  audience: Audience;
  popularity: number;
  topKey: string;
}

export interface DemoCatalogue {
  categories: DemoCategory[];
  products: DemoProduct[];
}

/** A price that ends the way shop prices do: 39.90, 24.99, 120.00. */
function shopPrice(random: Random, min: number, max: number): number {
  const whole = random.int(min, max);
  const cents = random.pick([90, 90, 99, 99, 50, 0]);
  return Math.max(100, (cents ? whole - 1 : whole) * 100 + cents);
}

function variantOptions(random: Random, kind: VariantKind): Array<[string, number]> {
  const run = (list: string[], min: number, max: number) => {
    const length = random.int(min, Math.min(max, list.length));
    const start = random.int(0, list.length - length);
    return list.slice(start, start + length).map((s): [string, number] => [s, 1]);
  };
  switch (kind) {
    case "apparel":
      return run(SIZES, 3, 5);
    case "kids":
      return run(KIDS_SIZES, 3, 5);
    case "shoes":
      return run(SHOE_SIZES, 4, 7);
    case "colour": {
      const count = random.int(1, 4);
      const start = random.int(0, COLOURS.length - 1);
      return Array.from({ length: count }, (_, i): [string, number] => [COLOURS[(start + i * 3) % COLOURS.length], 1]);
    }
    case "volume":
      return VOLUMES.slice(0, random.int(1, 3));
    case "amount":
      return [["25 EUR", 0.25], ["50 EUR", 0.5], ["100 EUR", 1]];
    default:
      return [["Standard", 1]];
  }
}

/** The catalogue for a seed: the same tree always, products and prices drawn from the seed. */
export function buildCatalogue(seed: number): DemoCatalogue {
  const random = new Random(seed, -1);
  const categories: DemoCategory[] = [];
  const products: DemoProduct[] = [];
  const names = new Set<string>();
  let productNumber = 0;
  const visit = (spec: CategorySpec, parent: DemoCategory | null, topKey: string) => {
    const category: DemoCategory = { key: spec.key, name: spec.name, parentKey: parent?.key ?? null, depth: parent ? parent.depth + 1 : 1 };
    categories.push(category);
    for (const child of spec.children ?? []) visit(child, category, topKey);
    if (!spec.leaf) return;
    const count = spec.leaf.variants === "amount" ? 1 : random.int(14, 26);
    for (let i = 0; i < count; i++) {
      let name = "";
      for (let attempt = 0; attempt < 20 && (!name || names.has(name)); attempt++) {
        name = spec.leaf.variants === "amount" ? "Demo Store Gift Card" : `${random.pick(BRANDS)} ${random.pick(ADJECTIVES)} ${random.pick(spec.leaf.nouns)}`;
      }
      if (names.has(name)) continue;
      names.add(name);
      productNumber++;
      const code = `P${String(productNumber).padStart(5, "0")}`;
      const base = spec.leaf.variants === "amount" ? 10000 : shopPrice(random, spec.leaf.price[0], spec.leaf.price[1]);
      const variants = variantOptions(random, spec.leaf.variants).map(([option, factor], v): DemoVariant => ({
        externalId: `demo-${code}-${v + 1}`,
        name: option,
        sku: `${code}-${option.replace(/[^A-Za-z0-9]+/g, "").toUpperCase()}`,
        price: factor === 1 ? base : Math.round((base * factor) / 100) * 100 - (spec.leaf!.variants === "amount" ? 0 : 10),
      }));
      // a few best sellers in every leaf, then a long tail
      const popularity = (spec.leaf.popularity / Math.pow(i + 1, 0.9)) * (0.6 + random.next() * 0.8);
      products.push({ externalId: `demo-${code}`, name, categoryKey: spec.key, variants, audience: spec.leaf.audience ?? "any", popularity, topKey });
    }
  };
  for (const top of CATEGORY_TREE) visit(top, null, top.key);
  return { categories, products };
}

export type Shopper = "women" | "men";

/** Who buys what: a product sampler over the whole catalogue, and one per top-level category, for each kind of shopper. */
export class ProductPicker {
  private readonly all: Record<Shopper, Weighted<number>>;
  private readonly byTop: Record<Shopper, Map<string, Weighted<number>>>;
  private readonly topOf: string[];
  readonly topKeys: string[];

  constructor(products: DemoProduct[]) {
    const lean = (p: DemoProduct, shopper: Shopper) => (p.audience === "any" ? 1 : p.audience === shopper ? 2.2 : 0.25);
    this.topOf = products.map((p) => p.topKey);
    this.topKeys = [...new Set(this.topOf)];
    const make = (shopper: Shopper, filter: (p: DemoProduct) => boolean) => {
      const entries: Array<[number, number]> = [];
      products.forEach((p, i) => {
        if (filter(p)) entries.push([i, p.popularity * lean(p, shopper)]);
      });
      return new Weighted(entries);
    };
    this.all = { women: make("women", () => true), men: make("men", () => true) };
    this.byTop = { women: new Map(), men: new Map() };
    for (const shopper of ["women", "men"] as const) {
      for (const top of this.topKeys) this.byTop[shopper].set(top, make(shopper, (p) => p.topKey === top));
    }
  }

  /** A product index: from the shopper's favourite department most of the time, else from anywhere. */
  pick(random: Random, shopper: Shopper, favouriteTop: string): number {
    if (random.chance(0.55)) return this.byTop[shopper].get(favouriteTop)!.pick(random);
    return this.all[shopper].pick(random);
  }

  /** A top-level category a shopper of this kind is likely to favour. */
  favourite(random: Random, shopper: Shopper): string {
    return this.topOf[this.all[shopper].pick(random)];
  }
}
