import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import i18next from "i18next";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { i18nConfig, loadLanguage } from "./i18n";

async function hydrate() {
  // the page's language (the server chose it) and English underneath, before the first render
  const lng = document.documentElement.lang || "en";
  await i18next.use(initReactI18next).init({ ...i18nConfig, lng, resources: await loadLanguage(lng) });
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
