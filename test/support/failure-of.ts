import net from "node:net";
import { expect } from "vitest";
import { SendFailure } from "../../campaigns/channels/channel";

/** The SendFailure a send ends with (the test fails when it ends otherwise). */
export async function failureOf(promise: Promise<unknown>): Promise<SendFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendFailure);
  return error as SendFailure;
}

/** A loopback port nothing listens on (a refused connection). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
