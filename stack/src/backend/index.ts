import type { AddressInfo } from "node:net";
import type { RunningServer } from "../running.ts";
import { type BackendOptions, createBackendApp } from "./app.ts";

export type { BackendOptions } from "./app.ts";

/** Starts the backend; `close` stops it and frees the port, so it can start again there. */
export async function startBackend(options: BackendOptions): Promise<RunningServer> {
  const app = await createBackendApp(options);
  await app.listen({ host: options.host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => app.close(),
  };
}
