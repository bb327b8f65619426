import { resolve } from "node:path";
import type {
  FullConfig,
  FullResult,
  Reporter,
  Suite,
  TestCase,
  TestResult,
} from "@playwright/test/reporter";
import { type AlertConfig, configFromEnv } from "../alerts/config.ts";
import { loadPolicy } from "../alerts/policy-file.ts";
import type { Policy } from "../alerts/policy-schema.ts";
import { applyQuorum, readQuorum } from "../alerts/quorum.ts";
import { effectivePolicy, runAlerts } from "../alerts/run.ts";
import { transportsFor } from "../alerts/transports/from-config.ts";
import type { Transport } from "../alerts/transports/transport.ts";
import type { ChannelName, CheckResult } from "../alerts/types.ts";
import { readPlatformSnapshot, runDeploysOf } from "../platform/index.ts";
import { checkResultOf, degradedResultOf } from "./alert-input.ts";

export interface AlertReporterOptions {
  /** Path to a policy module (default export from definePolicy); ALERT_POLICY overrides it. */
  policy?: string;
}

interface Prepared {
  config: AlertConfig;
  policy: Policy;
  transports: Map<ChannelName, Transport>;
}

/**
 * Turns a run's final outcomes into alerts. Collects in onTestEnd, decides and
 * delivers in onEnd (which Playwright awaits), and fails the run when a
 * critical alert could not be delivered. Playwright swallows reporter errors,
 * so every failure here is printed and turned into a failed status.
 *
 * Root checks: tag the checks everything else depends on (backend /health,
 * Supabase reachable) with `@root`; while one fails, the policy's inhibition
 * rule mutes the other checks of its environment.
 */
export default class AlertReporter implements Reporter {
  readonly #options: AlertReporterOptions;
  readonly #tests = new Set<TestCase>();
  #playwright: FullConfig | undefined;
  #prepared: Promise<Prepared> | undefined;
  #lastTestEndedAt: number | undefined;

  constructor(options: AlertReporterOptions = {}) {
    this.#options = options;
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, _suite: Suite): void {
    this.#playwright = config;
    this.#prepared = this.#prepare(config);
    this.#prepared.catch((error: Error) => console.error(`[alerts] ${error.message}`));
  }

  onTestEnd(test: TestCase, _result: TestResult): void {
    this.#tests.add(test);
    this.#lastTestEndedAt = performance.timeOrigin + performance.now();
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult["status"] } | undefined> {
    const failed = () => (result.status === "passed" ? { status: "failed" as const } : undefined);
    try {
      const playwright = this.#playwright;
      if (!playwright || !this.#prepared) return failed();
      const { config, policy, transports } = await this.#prepared;
      // `--list`, or nothing ran: no data, so nothing to decide (not even reminders).
      if (this.#tests.size === 0) {
        await Promise.all([...transports.values()].map((t) => t.close?.()));
        return undefined;
      }
      const ctx = {
        config: playwright,
        environment: config.environment,
        artifactsUrl: config.artifactsUrl,
        reportUrl: config.reportUrl,
      };
      const results = [...this.#tests]
        .flatMap((test) => [
          checkResultOf(test, ctx),
          config.runKind === "scheduled" ? degradedResultOf(test, ctx) : undefined,
        ])
        .filter((r): r is CheckResult => r !== undefined);
      // Several monitor locations: a failure counts once enough of them see it.
      const { counted, held } = applyQuorum(results, readQuorum());
      for (const note of held) console.log(`[alerts] quorum: ${note}`);
      const report = await runAlerts({
        results: counted,
        config,
        policy,
        transports,
        testsEndedAt: this.#lastTestEndedAt,
        deploys: runDeploysOf(readPlatformSnapshot()),
      });
      return report.ok ? undefined : failed();
    } catch (error) {
      // Configuration errors were printed when they happened, in onBegin.
      if (!(error instanceof ConfigurationError)) {
        console.error(`[alerts] the alert reporter failed: ${(error as Error).message}`);
      }
      return failed();
    }
  }

  async #prepare(playwright: FullConfig): Promise<Prepared> {
    let config: AlertConfig;
    let policy: Policy;
    try {
      config = configFromEnv();
      const base = playwright.configFile
        ? resolve(playwright.configFile, "..")
        : playwright.rootDir;
      policy = await loadPolicy(config.policyPath ?? this.#options.policy, base);
    } catch (error) {
      throw new ConfigurationError((error as Error).message);
    }
    const { attemptTimeoutMs } = effectivePolicy(policy, config).delivery;
    const transports = transportsFor(config.channels, attemptTimeoutMs);
    // Connect while the tests run, so an alert does not wait for an SMTP greeting
    // delay (100 ms on smtp-server, often more on real servers) or a cold HTTP client.
    for (const transport of transports.values()) transport.warm?.();
    return { config, policy, transports };
  }
}

class ConfigurationError extends Error {}
