// Every language's catalogues at once, for the server: pages rendered in the reader's language, and
// emails and errors in their recipient's.
import en from "./en";
import bg from "./bg";
import el from "./el";
import ru from "./ru";
import uk from "./uk";
import type { Catalogue } from "../i18n";

export const allResources: Record<string, Catalogue> = { en, bg, el, ru, uk };
