import { readdirSync } from "node:fs";
import { SCENARIO_DIR } from "./artillery.ts";
import type { Profile } from "./profile.ts";
import { endpointsOfScenario, type Sla } from "./sla.ts";

/** The scenario files, and whether the SLA and the profile cover exactly them. */

/** A scenario's file as people and reports name it, relative to the project. */
export function scenarioPath(scenario: string): string {
  return `load/scenarios/${scenario}.yml`;
}

/** One endpoint's check, as alerts and JUnit name it. */
export function endpointCheckTitle(endpoint: string): string {
  return `${endpoint} under load`;
}

export function scenarioFiles(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yml"))
    .map((file) => file.slice(0, -".yml".length))
    .sort();
}

export function catalogProblems(
  scenarios: readonly string[],
  sla: Sla,
  profile: Profile,
): string[] {
  const problems: string[] = [];
  for (const scenario of scenarios) {
    if (endpointsOfScenario(scenario, sla).length === 0)
      problems.push(`${scenarioPath(scenario)} has no endpoint in load/sla.json`);
    if (profile.ratePerSecond[scenario] === undefined)
      problems.push(`${scenarioPath(scenario)} has no rate in load/profile.json`);
  }
  for (const [endpoint, entry] of Object.entries(sla.endpoints)) {
    if (!scenarios.includes(entry.scenario))
      problems.push(
        `load/sla.json: ${endpoint} names scenario ${entry.scenario}, which has no file`,
      );
  }
  return problems;
}
