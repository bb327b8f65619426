import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { test } from "node:test";
import { freePort } from "../src/ports.ts";
import { bootStack } from "../src/stack.ts";

async function listen(port: number): Promise<Server> {
  const server = createServer().listen(port, "127.0.0.1");
  await once(server, "listening");
  return server;
}

// The boot retries when a picked port is taken before it binds; a part that did
// start in the failed attempt must be closed, or it keeps the process alive
// (a test file that never exited in CI: its frontend still listened).
test("a boot that fails because the backend's port is taken closes the frontend it started", async () => {
  const [
    frontend,
    backend,
    supabase,
    db,
    smtp,
    mailApi,
    control,
    vercelApi,
    renderApi,
    management,
  ] = await Promise.all(Array.from({ length: 10 }, () => freePort("127.0.0.1")));
  const taken = await listen(backend as number);
  try {
    await assert.rejects(
      bootStack({
        ports: {
          frontend: frontend as number,
          backend: backend as number,
          supabase: supabase as number,
          db: db as number,
          smtp: smtp as number,
          mailApi: mailApi as number,
          control: control as number,
          vercelApi: vercelApi as number,
          renderApi: renderApi as number,
          supabaseManagement: management as number,
        },
        envFile: false,
      }),
      /EADDRINUSE|in use/i,
    );
  } finally {
    taken.close();
  }
  const again = await listen(frontend as number);
  again.close();
});
