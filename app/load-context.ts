import type { ConsoleServices } from "../models/context";

declare module "@remix-run/node" {
  interface AppLoadContext {
    services: ConsoleServices;
    requestId: string;
    clientIp: string;
  }
}

export {};
