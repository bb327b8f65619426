import { createServer } from "node:net";

/** Default ports; the Supabase ones follow the Supabase CLI's local stack. */
export const DEFAULT_PORTS = {
  frontend: 3000,
  backend: 4000,
  supabase: 54321,
  db: 54322,
  mailApi: 54324,
  smtp: 54325,
  control: 54329,
  // The platforms' APIs: Vercel's, Render's and the Supabase Management API.
  vercelApi: 54331,
  renderApi: 54332,
  supabaseManagement: 54333,
} as const;

export type StackPorts = { -readonly [K in keyof typeof DEFAULT_PORTS]: number };

/** Every part on a port the kernel picks: what tests and benches boot with. */
export const FREE_PORTS: Readonly<StackPorts> = Object.freeze({
  frontend: 0,
  backend: 0,
  supabase: 0,
  db: 0,
  mailApi: 0,
  smtp: 0,
  control: 0,
  vercelApi: 0,
  renderApi: 0,
  supabaseManagement: 0,
});

/** Asks the kernel for a free TCP port on `host` (for servers that cannot listen on 0 themselves). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
