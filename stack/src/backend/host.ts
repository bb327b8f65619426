import type { FastifyReply, FastifyRequest } from "fastify";

// What the backend runs on (Render's role in the reference stack). The host
// sees every request before the app does: it may hold one (an instance
// spinning up) or answer it itself (no instance serving), and it knows which
// commit is live, which /health reports.
export interface BackendHost {
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  commit(): string;
}
