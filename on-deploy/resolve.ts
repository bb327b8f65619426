import {
  type Deploy,
  deploymentKey,
  PlatformApiError,
  type VercelClient,
} from "../platform/index.ts";
import { deploymentFrontendUrl } from "./deployment-url.ts";

// Which deployment a run tests and at which URL: the Vercel API is asked when
// it is configured (the deployment must be READY); without it a URL or host
// is taken as is, and an id cannot be looked up.

export interface ResolvedDeployment {
  /** The FRONTEND_URL the run gets. */
  frontendUrl: string;
  /** What the Vercel API said, when it was asked. */
  deploy?: Deploy;
  /** How messages name it: its id, else its host. */
  label: string;
}

/** The deployment cannot be tested: the command exits 2 with this message. */
export class DeploymentError extends Error {
  override name = "DeploymentError";
}

export async function resolveDeployment(
  input: string,
  options: { vercel?: VercelClient; configuredFrontendUrl?: string },
): Promise<ResolvedDeployment> {
  let key: string;
  try {
    key = deploymentKey(input);
  } catch {
    throw new DeploymentError(
      `--deployment ${quoted(input)} is neither a Vercel deployment id (dpl_…) nor a deployment URL or host`,
    );
  }
  const isId = key.startsWith("dpl_");
  if (!options.vercel) {
    if (isId) {
      throw new DeploymentError(
        `--deployment ${key} is a deployment id, and only the Vercel API knows its URL: set VERCEL_TOKEN and VERCEL_PROJECT_ID (and VERCEL_TEAM_ID for a team's project), or pass the deployment's URL`,
      );
    }
    return { frontendUrl: deploymentFrontendUrl(key, options.configuredFrontendUrl), label: key };
  }
  let deploy: Deploy;
  try {
    deploy = await options.vercel.deployment(key);
  } catch (error) {
    if (error instanceof PlatformApiError) throw new DeploymentError(error.message);
    throw error;
  }
  if (deploy.status !== "READY") {
    throw new DeploymentError(
      `deployment ${deploy.id} is ${deploy.status}, not READY: there is nothing to test yet (run again once Vercel reports it READY)`,
    );
  }
  if (!deploy.url) {
    throw new DeploymentError(`Vercel's reply for deployment ${deploy.id} names no url`);
  }
  return {
    frontendUrl: deploymentFrontendUrl(deploy.url, options.configuredFrontendUrl),
    deploy,
    label: deploy.id,
  };
}

function quoted(value: string): string {
  return JSON.stringify(value.trim().slice(0, 80));
}
