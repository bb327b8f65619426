import { stackTargetEnv } from "../playwright/stack-target.ts";
import {
  appFromEnv,
  bootStack,
  confirmEmailFromEnv,
  FREE_PORTS,
  faultsFromEnv,
  jwtAlgFromEnv,
  type RunningStack,
} from "../stack/index.ts";
import { hasNoTarget } from "../target/config.ts";

// What the cycles check: the target the environment configures, or, with none,
// a reference stack the monitor boots once and keeps for its whole life (each
// cycle then sees a configured target, exactly as a real deployment's).

export interface MonitorTarget {
  /** Variables every cycle's run gets on top of the monitor's own environment. */
  env: Record<string, string>;
  description: string;
  stop(): Promise<void>;
}

export async function openTarget(env: NodeJS.ProcessEnv = process.env): Promise<MonitorTarget> {
  if (!hasNoTarget(env)) {
    return {
      env: {},
      description: `the configured target (${env.FRONTEND_URL?.trim() || env.BACKEND_URL?.trim() || env.SUPABASE_URL?.trim()})`,
      stop: async () => {},
    };
  }
  const stack: RunningStack = await bootStack({
    app: appFromEnv(),
    jwtAlg: jwtAlgFromEnv(),
    confirmEmail: confirmEmailFromEnv(),
    faults: faultsFromEnv(),
    ports: FREE_PORTS,
    envFile: false,
  });
  return {
    env: stackTargetEnv(stack, env),
    description: `the reference stack it booted (app ${stack.app}, ${stack.urls.frontend}; control API ${stack.urls.control})`,
    stop: () => stack.stop(),
  };
}
