import { z } from "zod/v4";

// zod compiles object parsers with `new Function` when it may, and finds out by trying once; in the
// browser, under the console's Content-Security-Policy (no 'unsafe-eval'), that try is a reported
// violation. Every module that builds schemas imports z from here, so this runs before the first
// schema exists; forms parse fast enough without compiling. The server keeps compiling (bulk ingest).
if (typeof document !== "undefined") z.config({ jitless: true });

export { z };
