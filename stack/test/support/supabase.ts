import { FaultState } from "../../src/faults.ts";
import { type SupabaseProject, startSupabaseProject } from "../../src/supabase/project.ts";
import type { JwtAlg } from "../../src/supabase/signing-key.ts";

export interface TestProject extends SupabaseProject {
  readonly faults: FaultState;
}

/**
 * A Supabase stand-in project for one test file: real Postgres, shape,
 * migrations, Auth and Data APIs on free loopback ports.
 * `smtpUrl` defaults to a closed port, so auth emails fail unless a sink is given.
 */
export async function startTestProject(
  options: { smtpUrl?: string; jwtAlg?: JwtAlg } = {},
): Promise<TestProject> {
  const faults = new FaultState();
  const project = await startSupabaseProject({
    faults,
    jwtAlg: options.jwtAlg,
    siteUrl: "http://127.0.0.1:3000",
    smtpUrl: options.smtpUrl ?? "smtp://127.0.0.1:9",
  });
  return Object.assign(project, { faults });
}
