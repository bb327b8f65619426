// The platforms the reference stack stands in for, as their APIs show it:
// Vercel's (the frontend's project), Render's (the backend's service) and the
// Supabase Management API (the project). stack.ts starts them and writes
// platformEnv to the env file.
import type { FaultSwitches } from "../faults.ts";
import type { RunningServer } from "../running.ts";
import {
  RENDER_SERVICE_ID,
  SUPABASE_PROJECT_REF,
  VERCEL_PROJECT_ID,
  VERCEL_TEAM_ID,
} from "./ids.ts";
import { startRenderApi } from "./render-api.ts";
import type { RenderService } from "./render-service.ts";
import type { PlatformSecrets } from "./secrets.ts";
import { type SupabaseManagementOptions, startSupabaseManagement } from "./supabase-management.ts";
import { startVercelApi } from "./vercel-api.ts";
import { VercelProject } from "./vercel-project.ts";

export interface PlatformApisOptions {
  host: string;
  ports: { vercelApi: number; renderApi: number; supabaseManagement: number };
  secrets: PlatformSecrets;
  faults: FaultSwitches;
  bootedAt: number;
  /** The reference app, when the stack runs it: Vercel's and Render's APIs describe it. */
  app?: { frontendUrl: string; commit: string; render: RenderService };
  supabase: Pick<
    SupabaseManagementOptions,
    "projectUrl" | "anonKey" | "serviceRoleKey" | "dbUrl" | "auth"
  >;
}

/** Starts the platforms' APIs at once; if one fails, those that started are closed again. */
export async function startPlatformApis(options: PlatformApisOptions): Promise<RunningServer[]> {
  const { host, ports, secrets, faults, bootedAt, app } = options;
  const starts: Array<Promise<RunningServer>> = [
    startSupabaseManagement({
      ...options.supabase,
      host,
      port: ports.supabaseManagement,
      accessToken: secrets.supabaseAccessToken,
      bootedAt,
      faults,
    }),
  ];
  if (app) {
    const project = new VercelProject({
      frontendUrl: app.frontendUrl,
      commit: app.commit,
      bootedAt,
      bypassSecret: secrets.vercelProtectionBypass,
      rotatedBypassSecret: secrets.vercelRotatedBypass,
      faults,
    });
    starts.push(
      startVercelApi({ host, port: ports.vercelApi, token: secrets.vercelToken, project }),
      startRenderApi({
        host,
        port: ports.renderApi,
        apiKey: secrets.renderApiKey,
        service: app.render,
      }),
    );
  }
  const results = await Promise.allSettled(starts);
  const up = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = results.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(up.map((server) => server.close().catch(() => {})));
    throw failed.reason;
  }
  return up;
}

/** The platform variables of the env file; Vercel's and Render's only with the reference app. */
export function platformEnv(
  urls: { vercelApi?: string; renderApi?: string; supabaseManagement: string },
  secrets: PlatformSecrets,
): Record<string, string> {
  return {
    ...(urls.vercelApi
      ? {
          VERCEL_API_URL: urls.vercelApi,
          VERCEL_TOKEN: secrets.vercelToken,
          VERCEL_PROJECT_ID,
          VERCEL_TEAM_ID,
          // The secret before fault vercel-protection rotated it: refused under that fault.
          VERCEL_PROTECTION_BYPASS: secrets.vercelProtectionBypass,
          VERCEL_WEBHOOK_SECRET: secrets.vercelWebhookSecret,
        }
      : {}),
    ...(urls.renderApi
      ? {
          RENDER_API_URL: urls.renderApi,
          RENDER_API_KEY: secrets.renderApiKey,
          RENDER_SERVICE_ID,
          RENDER_WEBHOOK_SECRET: secrets.renderWebhookSecret,
        }
      : {}),
    SUPABASE_API_URL: urls.supabaseManagement,
    SUPABASE_ACCESS_TOKEN: secrets.supabaseAccessToken,
    SUPABASE_PROJECT_REF,
  };
}
