import { Transform } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { createInstance } from "i18next";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { i18nConfig } from "./i18n";
import { allResources } from "./locales/all.server";
import { resolveLocale } from "./i18n.server";
import { NonceProvider } from "./components/Nonce";

const ABORT_DELAY_MS = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const instance = createInstance();
  const lng = await resolveLocale(request, loadContext);
  await instance.use(initReactI18next).init({ ...i18nConfig, lng, resources: allResources });

  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={loadContext.cspNonce}>
        <I18nextProvider i18n={instance}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={loadContext.cspNonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce: loadContext.cspNonce,
        [readyEvent]() {
          shellRendered = true;
          const body = withoutNulBytes();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) loadContext.services.log.error({ err: error, requestId: loadContext.requestId }, "render failed");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY_MS);
  });
}

/**
 * React 18.3's stream writer emits a 0x00 byte when a multi-byte character (Cyrillic, Greek) does
 * not fit the last byte of one of its 2 KB chunks (react/react#31134): "Ива\0н" for "Иван". A page
 * never holds U+0000 (input refuses control characters, docs/decisions/0016) and in UTF-8 the byte 0
 * is only ever U+0000, so dropping every 0x00 byte restores the text exactly.
 */
function withoutNulBytes(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk.includes(0) ? chunk.filter((byte) => byte !== 0) : chunk);
    },
  });
}

/** Unexpected errors in loaders and actions are logged once, here, with the request id. */
export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  // a 404 for an unknown path or a 403 thrown by a role check is an answer, not an error
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  context.services?.log.error({ err: error, requestId: context.requestId, url: request.url }, "unexpected error");
}
