import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type AppName, DEFAULT_APP } from "./apps.ts";
import { parseAuthSmtpUrl } from "./auth-smtp.ts";
import { startBackend } from "./backend/index.ts";
import { startControl } from "./control.ts";
import { FaultController, type FaultHooks } from "./fault-control.ts";
import { FaultState } from "./faults.ts";
import { startFrontend } from "./frontend/index.ts";
import { startMailSink } from "./mailsink/index.ts";
import { parseMigrationsDir } from "./own-migrations.ts";
import { type PlatformApisOptions, platformEnv, startPlatformApis } from "./platforms/index.ts";
import { RenderService } from "./platforms/render-service.ts";
import { makePlatformSecrets, type PlatformSecrets } from "./platforms/secrets.ts";
import { DEFAULT_PORTS, freePort, type StackPorts } from "./ports.ts";
import type { RunningServer } from "./running.ts";
import { loadAuthTemplates } from "./supabase/auth/templates.ts";
import { APP_MIGRATIONS_DIRS } from "./supabase/database.ts";
import type { ProjectKeys } from "./supabase/keys.ts";
import { AUTH_MAIL_SENDER } from "./supabase/mailer.ts";
import { startSupabaseProject } from "./supabase/project.ts";
import type { JwtAlg } from "./supabase/signing-key.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface StackOptions {
  /**
   * Which app shape to serve (see apps.ts); default spa, or none with
   * `migrationsDir` (the reference frontend and backend need their schema).
   */
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
  /**
   * A team's own migrations instead of the reference app's (STACK_MIGRATIONS):
   * Supabase only, unless `app` is named too; database faults are refused.
   */
  migrationsDir?: string;
  /** Auth with "Confirm email" on: sign-ups wait for the emailed link (STACK_CONFIRM_EMAIL). */
  confirmEmail?: boolean;
  /**
   * Auth's mail goes to this smtp://, smtps:// or lmtp:// server instead of
   * the mail sink, as a project's custom SMTP does (STACK_AUTH_SMTP_URL).
   */
  authSmtpUrl?: string;
  /**
   * A folder of the project's own email templates (STACK_AUTH_TEMPLATES):
   * confirmation.html, recovery.html, magic_link.html, email_change.html.
   */
  authTemplatesDir?: string;
  /**
   * Auth's Site URL ({{ .SiteURL }} in templates, the default redirect)
   * when it is not the reference frontend: your own app (STACK_SITE_URL).
   */
  siteUrl?: string;
}

export interface StackUrls {
  frontend: string;
  backend: string;
  supabase: string;
  db: string;
  smtp: string;
  mailApi: string;
  control: string;
  /** The platforms' API origins (clients append /v6/…, /v1/…). */
  vercelApi: string;
  renderApi: string;
  supabaseManagement: string;
}

/** A stack on a team's own migrations with no app named: no reference frontend or backend, so no Vercel or Render. */
export type SupabaseOnlyUrls = Omit<
  StackUrls,
  "frontend" | "backend" | "vercelApi" | "renderApi"
> & {
  frontend?: undefined;
  backend?: undefined;
  vercelApi?: undefined;
  renderApi?: undefined;
};

/** `App` undefined: only Supabase (and the mail sink and control API) runs. */
export interface RunningStack<App extends AppName | undefined = AppName> {
  readonly app: App;
  readonly urls: App extends AppName ? StackUrls : SupabaseOnlyUrls;
  /** The migrations the database was built from. */
  readonly migrationsDir: string;
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

type OwnSchemaOptions = StackOptions & { migrationsDir: string; app?: undefined };
type AppOptions = StackOptions & ({ app: AppName } | { migrationsDir?: undefined });

/** Boots the whole reference stack on loopback (Supabase only on own migrations with no app named). */
export function bootStack(options: OwnSchemaOptions): Promise<RunningStack<undefined>>;
export function bootStack(options?: AppOptions): Promise<RunningStack>;
export function bootStack(options?: StackOptions): Promise<RunningStack<AppName | undefined>>;
export async function bootStack(
  options: StackOptions = {},
): Promise<RunningStack<AppName | undefined>> {
  const t0 = performance.now();
  const requested = { ...DEFAULT_PORTS, ...options.ports };
  const picked = Object.values(requested).some((port) => port === 0);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await bootOnce(options, requested, t0);
    } catch (error) {
      // A port the kernel handed out is free only until someone binds it:
      // another process can take it between the pick and the part's listen.
      // Picked ports are picked again; a port the user named is an error.
      if (!picked || attempt === BOOT_ATTEMPTS || !isAddressInUse(error)) throw error;
    }
  }
}

const BOOT_ATTEMPTS = 3;

function isAddressInUse(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") return true;
  return /EADDRINUSE|address already in use|could not bind/i.test(error.message);
}

async function bootOnce(
  options: StackOptions,
  requested: StackPorts,
  t0: number,
): Promise<RunningStack<AppName | undefined>> {
  const own = options.migrationsDir;
  const app = options.app ?? (own === undefined ? DEFAULT_APP : undefined);
  const migrationsDir =
    own === undefined
      ? APP_MIGRATIONS_DIRS[app ?? DEFAULT_APP]
      : parseMigrationsDir(own, "migrationsDir");
  const host = options.host ?? "127.0.0.1";
  const authSmtpUrl =
    options.authSmtpUrl === undefined
      ? undefined
      : parseAuthSmtpUrl(options.authSmtpUrl, "authSmtpUrl");
  const templates =
    options.authTemplatesDir === undefined
      ? undefined
      : loadAuthTemplates(options.authTemplatesDir, "authTemplatesDir");
  const ports = await resolvePorts(host, requested);
  const frontendUrl = `http://${host}:${ports.frontend}`;
  const backendUrl = `http://${host}:${ports.backend}`;
  const state = new FaultState();
  const secrets = makePlatformSecrets();
  const bootedAt = Date.now();
  const started: Closable[] = [];
  let stopping = false;
  let reportCrash: (error: Error) => void = () => {};
  const crashed = new Promise<never>((_resolve, reject) => {
    reportCrash = reject;
  });
  crashed.catch(() => {});

  try {
    const [mail, version] = await Promise.all([
      startMailSink({
        host,
        smtpPort: ports.smtp,
        httpPort: ports.mailApi,
        faults: state,
        // Only Auth's mail: alerts about the outage still go through the sink.
        downFor: [AUTH_MAIL_SENDER],
      }),
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
      siteUrl: options.siteUrl ?? frontendUrl,
      smtpUrl: authSmtpUrl ?? mail.smtpUrl,
      migrationsDir,
      // The ssr app signs up at Supabase Auth, so that is where registration fails.
      signupFault: app === "ssr" ? "register-500" : undefined,
      confirmEmail: options.confirmEmail,
      templates,
      onLog: options.onLog,
    });
    started.push(project);
    project.postgres.exited.then(() => {
      if (!stopping) reportCrash(new Error("PostgreSQL exited unexpectedly"));
    });

    let hooks: FaultHooks | undefined;
    let appForPlatforms: PlatformApisOptions["app"];
    if (app) {
      const render = new RenderService({
        backendUrl,
        commit: version.commit,
        bootedAt,
        faults: state,
      });
      started.push(render);
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
        platform: render,
      };
      let backend: RunningServer | undefined;
      const backendHandle = {
        close: async () => {
          await backend?.close();
          backend = undefined;
        },
      };
      // Both start at once; if one fails (a port taken between picking and binding, which
      // the boot retries) the other must still be closed, or it outlives the stack.
      const [backendStart, frontendStart] = await Promise.allSettled([
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
          protectionBypass: secrets.vercelRotatedBypass,
        }),
      ]);
      if (backendStart.status === "fulfilled") backend = backendStart.value;
      started.push(backendHandle);
      if (frontendStart.status === "fulfilled") started.push(frontendStart.value);
      if (backendStart.status === "rejected") throw backendStart.reason;
      if (frontendStart.status === "rejected") throw frontendStart.reason;
      hooks = {
        stopBackend: () => backendHandle.close(),
        startBackend: async () => {
          backend = await startBackend(backendOptions);
        },
        startRenderDeploy: (seconds) => render.startDeploy(seconds),
        cancelRenderDeploy: () => render.cancelDeploy(),
        spinDownRender: () => render.spinDown(),
      };
      appForPlatforms = { frontendUrl, commit: version.commit, render };
    }
    started.push(
      ...(await startPlatformApis({
        host,
        ports,
        secrets,
        faults: state,
        bootedAt,
        app: appForPlatforms,
        supabase: {
          projectUrl: project.api.url,
          anonKey: project.keys.anonKey,
          serviceRoleKey: project.keys.serviceRoleKey,
          dbUrl: project.postgres.url,
          auth: {
            siteUrl: options.siteUrl ?? frontendUrl,
            autoconfirm: !options.confirmEmail,
            smtpUrl: authSmtpUrl ?? mail.smtpUrl,
          },
        },
      })),
    );

    // Database faults are written against the reference schema, so a team's
    // own migrations have none (the controller refuses them).
    const referenceApp = own === undefined ? app : undefined;
    const faults = new FaultController(
      state,
      { url: project.postgres.url, migrationsDir, referenceApp },
      hooks,
    );
    const appUrls = app
      ? {
          frontend: frontendUrl,
          backend: backendUrl,
          vercelApi: `http://${host}:${ports.vercelApi}`,
          renderApi: `http://${host}:${ports.renderApi}`,
        }
      : undefined;
    const supabaseUrls = {
      supabase: project.api.url,
      db: project.postgres.url,
      smtp: mail.smtpUrl,
      mailApi: mail.apiUrl,
      control: `http://${host}:${ports.control}`,
      supabaseManagement: `http://${host}:${ports.supabaseManagement}`,
    };
    const urls: StackUrls | SupabaseOnlyUrls = appUrls
      ? { ...appUrls, ...supabaseUrls }
      : supabaseUrls;
    const control = await startControl({
      host,
      port: ports.control,
      faults,
      parts: () => ({ ...appUrls, ...supabaseUrls, db: `postgres://${host}:${ports.db}/postgres` }),
    });
    started.push(control);
    for (const spec of options.faults ?? []) await faults.set(spec);

    const env = stackEnv(
      app,
      urls,
      project.keys,
      secrets,
      own === undefined ? undefined : migrationsDir,
    );
    const envFile =
      options.envFile === false
        ? undefined
        : path.resolve(ROOT, options.envFile ?? ".stack/stack.env");
    if (envFile) await writeEnvFile(envFile, env);

    return {
      app,
      urls,
      migrationsDir,
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

/** `ownMigrations`: the team's migrations the stack runs (STACK_MIGRATIONS), said in the env. */
export function stackEnv(
  app: AppName | undefined,
  urls: StackUrls | SupabaseOnlyUrls,
  keys: ProjectKeys,
  secrets: PlatformSecrets,
  ownMigrations?: string,
): Record<string, string> {
  return {
    ...(app ? { STACK_APP: app } : {}),
    ...(ownMigrations ? { STACK_MIGRATIONS: ownMigrations } : {}),
    ...(urls.frontend ? { FRONTEND_URL: urls.frontend } : {}),
    ...(urls.backend ? { BACKEND_URL: urls.backend } : {}),
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
    ...platformEnv(urls, secrets),
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

interface Closable {
  close(): Promise<void>;
}

async function closeAll(parts: Closable[]): Promise<void> {
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
