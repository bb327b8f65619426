import Fastify from "fastify";
import type { FaultController } from "./fault-control.ts";
import { FAULT_DESCRIPTIONS, FAULT_NAMES, isFaultName } from "./faults.ts";
import type { RunningServer } from "./running.ts";

/**
 * The stack's control API, which only the local stack has: it lists and
 * flips fault switches. It listens on loopback only.
 */
export async function startControl(options: {
  host: string;
  port: number;
  faults: FaultController;
  parts: () => Record<string, string>;
}): Promise<RunningServer> {
  const app = Fastify({ logger: false, bodyLimit: 4096 });
  const { faults } = options;

  app.get("/health", async () => ({ status: "ok", parts: options.parts() }));

  app.get("/faults", async () => ({
    active: faults.list(),
    available: FAULT_NAMES.map((name) => ({ name, description: FAULT_DESCRIPTIONS[name] })),
  }));

  app.put<{ Params: { name: string }; Body: { value?: number } | undefined }>(
    "/faults/:name",
    async (request, reply) => {
      const { name } = request.params;
      if (!isFaultName(name)) {
        return reply.code(404).send({ error: `unknown fault "${name}"`, available: FAULT_NAMES });
      }
      const value = request.body?.value;
      if (value !== undefined && (typeof value !== "number" || value < 0)) {
        return reply.code(400).send({ error: "value must be a non-negative number" });
      }
      await faults.set(value === undefined ? name : `${name}=${value}`);
      return { active: faults.list() };
    },
  );

  app.delete<{ Params: { name: string } }>("/faults/:name", async (request, reply) => {
    const { name } = request.params;
    if (!isFaultName(name)) return reply.code(404).send({ error: `unknown fault "${name}"` });
    await faults.clear(name);
    return { active: faults.list() };
  });

  app.delete("/faults", async () => {
    await faults.clearAll();
    return { active: faults.list() };
  });

  app.setErrorHandler((error, _request, reply) => {
    const known = error as { statusCode?: number; message?: string };
    const status = known.statusCode && known.statusCode < 500 ? known.statusCode : 500;
    reply.code(status).send({ error: known.message ?? "internal error" });
  });

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { url: `http://${options.host}:${port}`, port, close: () => app.close() };
}
