import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type AppName, DEFAULT_APP } from "./apps.ts";
import { startBackend } from "./backend/index.ts";
import { startControl } from "./control.ts";
import { FaultController } from "./fault-control.ts";
import { FaultState } from "./faults.ts";
import { startFrontend } from "./frontend/index.ts";
import { startMailSink } from "./mailsink/index.ts";
import { DEFAULT_PORTS, freePort, type StackPorts } from "./ports.ts";
import type { RunningServer } from "./running.ts";
import { APP_MIGRATIONS_DIRS } from "./supabase/database.ts";
import type { ProjectKeys } from "./supabase/keys.ts";
import { startSupabaseProject } from "./supabase/project.ts";
import type { JwtAlg } from "./supabase/signing-key.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface StackOptions {
  /** Which app shape to serve (see apps.ts); default spa. */
  app?: AppName;
  host?: string;
  /** Port per part; 0 picks a free port. Missing entries take DEFAULT_PORTS. */
  ports?: Partial<StackPorts>;
  /** Faults on from the start: `name` or `name=value`. */
  faults?: string[];
  jwtSecret?: string;
  /** How Auth signs session access tokens: HS256 with the secret (default) or an ES256 pair. */
  jwtAlg?: JwtAlg;
  /** Where to write the dotenv file; false for none. Default .stack/stack.env. */
  envFile?: string | false;
  /** Backend's structured logs. */
  logStream?: Writable;
  /** Postgres server log lines. */
  onLog?: (line: string) => void;
  /** Instead of the app's own migrations. */
  migrationsDir?: string;
  /** Auth with "Confirm email" on: sign-ups wait for the emailed link (STACK_CONFIRM_EMAIL). */
  confirmEmail?: boolean;
}

export interface StackUrls {
  frontend: string;
  backend: string;
  supabase: string;
  db: string;
  smtp: string;
  mailApi: string;
  control: string;
}

export interface RunningStack {
  readonly app: AppName;
  readonly urls: StackUrls;
  readonly keys: ProjectKeys;
  /** The variables written to the env file. */
  readonly env: Record<string, string>;
  readonly envFile: string | undefined;
  readonly faults: FaultController;
  readonly bootMs: Record<string, number>;
  /** Rejects when a part dies on its own (not through stop or a fault). */
  readonly crashed: Promise<never>;
  stop(options?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /**
   * Stop every part but the mail sink, which keeps accepting mail until the
   * process exits: Playwright's global teardown runs before reporters'
   * onEnd, where the alert reporter sends to the sink.
   */
  keepMailSink?: boolean;
}

/** Boots the whole reference stack on loopback. */
export async function bootStack(options: StackOptions = {}): Promise<RunningStack> {
  const t0 = performance.now();
  const app = options.app ?? DEFAULT_APP;
  const migrationsDir = options.migrationsDir ?? APP_MIGRATIONS_DIRS[app];
  const host = options.host ?? "127.0.0.1";
  const ports = await resolvePorts(host, { ...DEFAULT_PORTS, ...options.ports });
  const frontendUrl = `http://${host}:${ports.frontend}`;
  const backendUrl = `http://${host}:${ports.backend}`;
  const state = new FaultState();
  const started: Array<{ close(): Promise<void> }> = [];
  let stopping = false;
  let reportCrash: (error: Error) => void = () => {};
  const crashed = new Promise<never>((_resolve, reject) => {
    reportCrash = reject;
  });
  crashed.catch(() => {});

  try {
    const [mail, version] = await Promise.all([
      startMailSink({ host, smtpPort: ports.smtp, httpPort: ports.mailApi }),
      readVersion(),
    ]);
    started.push(mail);
    const project = await startSupabaseProject({
      host,
      apiPort: ports.supabase,
      dbPort: ports.db,
      jwtSecret: options.jwtSecret,
      jwtAlg: options.jwtAlg,
      faults: state,
      siteUrl: frontendUrl,
      smtpUrl: mail.smtpUrl,
      migrationsDir,
      // The ssr app signs up at Supabase Auth, so that is where registration fails.
      signupFault: app === "ssr" ? "register-500" : undefined,
      confirmEmail: options.confirmEmail,
      onLog: options.onLog,
    });
    started.push(project);
    project.postgres.exited.then(() => {
      if (!stopping) reportCrash(new Error("PostgreSQL exited unexpectedly"));
    });

    const backendOptions = {
      app,
      host,
      port: ports.backend,
      supabaseUrl: project.api.url,
      supabaseAnonKey: project.keys.anonKey,
      supabaseServiceRoleKey: project.keys.serviceRoleKey,
      frontendOrigin: frontendUrl,
      version: version.version,
      commit: version.commit,
      faults: state,
      logStream: options.logStream,
    };
    let backend: RunningServer | undefined;
    const backendHandle = {
      close: async () => {
        await backend?.close();
        backend = undefined;
      },
    };
    const [startedBackend, frontend] = await Promise.all([
      startBackend(backendOptions),
      startFrontend({
        app,
        host,
        port: ports.frontend,
        backendUrl,
        serviceRoleKey: project.keys.serviceRoleKey,
        faults: state,
        supabase: {
          url: project.api.url,
          anonKey: project.keys.anonKey,
          internalUrl: project.api.url,
        },
      }),
    ]);
    backend = startedBackend;
    started.push(backendHandle, frontend);

    const faults = new FaultController(
      state,
      { url: project.postgres.url, app, migrationsDir },
      {
        stopBackend: () => backendHandle.close(),
        startBackend: async () => {
          backend = await startBackend(backendOptions);
        },
      },
    );
    const urls: StackUrls = {
      frontend: frontendUrl,
      backend: backendUrl,
      supabase: project.api.url,
      db: project.postgres.url,
      smtp: mail.smtpUrl,
      mailApi: mail.apiUrl,
      control: `http://${host}:${ports.control}`,
    };
    const control = await startControl({
      host,
      port: ports.control,
      faults,
      parts: () => ({ ...urls, db: `postgres://${host}:${ports.db}/postgres` }),
    });
    started.push(control);
    for (const spec of options.faults ?? []) await faults.set(spec);

    const env = stackEnv(app, urls, project.keys);
    const envFile =
      options.envFile === false
        ? undefined
        : path.resolve(ROOT, options.envFile ?? ".stack/stack.env");
    if (envFile) await writeEnvFile(envFile, env);

    return {
      app,
      urls,
      keys: project.keys,
      env,
      envFile,
      faults,
      bootMs: { ...project.bootMs, total: performance.now() - t0 },
      crashed,
      async stop(stopOptions: StopOptions = {}) {
        stopping = true;
        if (!stopOptions.keepMailSink) return closeAll(started);
        mail.unref();
        await closeAll(started.filter((part) => part !== mail));
      },
    };
  } catch (error) {
    stopping = true;
    await closeAll(started);
    throw error;
  }
}

export function stackEnv(app: AppName, urls: StackUrls, keys: ProjectKeys): Record<string, string> {
  return {
    STACK_APP: app,
    FRONTEND_URL: urls.frontend,
    BACKEND_URL: urls.backend,
    SUPABASE_URL: urls.supabase,
    SUPABASE_ANON_KEY: keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
    SUPABASE_PUBLISHABLE_KEY: keys.publishableKey,
    SUPABASE_SECRET_KEY: keys.secretKey,
    SUPABASE_JWT_SECRET: keys.jwtSecret,
    SUPABASE_DB_URL: urls.db,
    MAIL_SINK_SMTP_URL: urls.smtp,
    MAIL_SINK_API_URL: urls.mailApi,
    STACK_CONTROL_URL: urls.control,
  };
}

async function writeEnvFile(file: string, env: Record<string, string>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const lines = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  const header = "# Written by `npm run stack`: the reference stack's URLs and keys (local only).";
  await writeFile(file, `${header}\n${lines.join("\n")}\n`, { mode: 0o600 });
}

async function resolvePorts(host: string, ports: StackPorts): Promise<StackPorts> {
  const resolved = { ...ports };
  for (const key of Object.keys(resolved) as Array<keyof StackPorts>) {
    if (resolved[key] === 0) resolved[key] = await freePort(host);
  }
  return resolved;
}

async function closeAll(parts: Array<{ close(): Promise<void> }>): Promise<void> {
  for (const part of [...parts].reverse()) await part.close().catch(() => {});
}

async function readVersion(): Promise<{ version: string; commit: string }> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  const commit =
    process.env.RENDER_GIT_COMMIT ??
    (await promisify(execFile)("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT })
      .then(({ stdout }) => stdout.trim())
      .catch(() => "unknown"));
  return { version: pkg.version, commit };
}
