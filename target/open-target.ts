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
import { hasNoTarget } from "./config.ts";

// What a long-lived command's runs check (the monitor's cycles, on-deploy's
// runs): the target the environment configures, or, with none, a reference
// stack booted once and kept for the command's whole life (each run then sees
// a configured target, exactly as a real deployment's).

export interface OpenedTarget {
  /** Variables every cycle's run gets on top of the monitor's own environment. */
  env: Record<string, string>;
  description: string;
  stop(): Promise<void>;
}

export async function openTarget(env: NodeJS.ProcessEnv = process.env): Promise<OpenedTarget> {
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
