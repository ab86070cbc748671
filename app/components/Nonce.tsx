import { createContext, useContext } from "react";

// The page's Content-Security-Policy nonce, given to the scripts Remix inlines. Only the server knows
// it: browsers hide a nonce from the page, so on the client this is undefined, which React accepts.
const NonceContext = createContext<string | undefined>(undefined);

export const NonceProvider = NonceContext.Provider;

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
