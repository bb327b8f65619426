import Fastify, { type FastifyInstance } from "fastify";
import type { Inbox } from "./inbox.ts";
import { registerMailpitApi } from "./mailpit-api.ts";

/**
 * The HTTP side of the mail sink: list, read and clear received messages, in
 * its own shape (/messages) and in Mailpit's (/api/v1/…, see mailpit-api.ts).
 */
export function createMailApi(inbox: Inbox): FastifyInstance {
  const app = Fastify({ logger: false });

  app.get("/health", async () => ({ status: "ok" }));

  app.get<{ Querystring: { to?: string | string[] } }>("/messages", async (request) => {
    const { to } = request.query;
    return { messages: inbox.list(Array.isArray(to) ? to[0] : to) };
  });

  app.get<{ Params: { id: string } }>("/messages/:id", async (request, reply) => {
    const message = inbox.get(request.params.id);
    if (message) return message;
    return reply.code(404).send({ error: { code: "not_found", message: "no such message" } });
  });

  app.delete("/messages", async (_request, reply) => {
    inbox.clear();
    return reply.code(204).send();
  });

  registerMailpitApi(app, inbox);

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: "not_found", message: "no such route" } }),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    const message = status < 500 ? error.message : "internal error";
    return reply
      .code(status)
      .send({ error: { code: status < 500 ? "bad_request" : "internal", message } });
  });
  return app;
}
