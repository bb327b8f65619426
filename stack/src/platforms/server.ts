import type { AddressInfo } from "node:net";
import type { FastifyError, FastifyInstance } from "fastify";
import type { RunningServer } from "../running.ts";

/** Starts a platform stand-in's app on `host:port` (0: any free port). */
export async function listenOn(
  app: FastifyInstance,
  host: string,
  port: number,
): Promise<RunningServer> {
  await app.listen({ host, port });
  const bound = (app.server.address() as AddressInfo).port;
  return { url: `http://${host}:${bound}`, port: bound, close: () => app.close() };
}

/** Render's and the Management API's error shape, {message}, for unknown routes and failures. */
export function answerErrorsAsMessages(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ message: "Not Found" }));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = Math.min(error.statusCode ?? 500, 500);
    return reply
      .code(status)
      .send({ message: status < 500 ? error.message : "Internal Server Error" });
  });
}
