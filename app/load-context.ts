import type { ConsoleServices } from "../models/context";

declare module "@remix-run/node" {
  interface AppLoadContext {
    services: ConsoleServices;
    requestId: string;
    clientIp: string;
    /** This response's Content-Security-Policy nonce, for the scripts Remix inlines (server/web.ts). */
    cspNonce: string;
  }
}

export {};
