import type {
  Reporter,
  TestCase,
  TestError,
  TestResult,
  TestStep,
} from "@playwright/test/reporter";
import { Redactor } from "../secrets/redactor.ts";
import {
  forgetTestSecrets,
  readTestSecrets,
  removeTestSecretsDir,
} from "../secrets/test-secrets.ts";
import { configuredSecrets, type NamedSecret } from "../secrets/variables.ts";

/**
 * Listed first in the config, so every later reporter (Allure, HTML, JUnit,
 * alerts) receives results with the configured secrets already replaced:
 * step titles, errors, stdout/stderr, annotations, attachment bodies, and
 * attachment files on disk, traces included (they record request headers such
 * as the Vercel bypass and response bodies such as a leaked bundle). A test's
 * own secrets (the email links it followed, secrets/test-secrets.ts) are
 * replaced in that test's results too.
 */
export default class RedactionReporter implements Reporter {
  #configured: NamedSecret[] = [];
  #redactor = new Redactor([]);
  // Per test: the redactor with that test's own secrets, rebuilt when they grow.
  #perTest = new Map<string, { stamp: number; redactor: Redactor }>();

  printsToStdio(): boolean {
    return false;
  }

  onBegin(): void {
    // Here and not in the constructor: global setup may have just pointed the run at a target.
    this.#configured = configuredSecrets(process.env);
    this.#redactor = new Redactor(this.#configured);
  }

  onEnd(): void {
    removeTestSecretsDir();
  }

  onStepBegin(test: TestCase, _result: TestResult, step: TestStep): void {
    this.#step(this.#for(test), step);
  }

  onStepEnd(test: TestCase, _result: TestResult, step: TestStep): void {
    this.#step(this.#for(test), step);
  }

  onError(error: TestError): void {
    this.#error(this.#redactor, error);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const redactor = this.#for(test);
    // A retry starts with no secrets of its own.
    this.#perTest.delete(test.id);
    forgetTestSecrets(test.id);
    if (!redactor.active) return;
    for (const error of result.errors) this.#error(redactor, error);
    if (result.error) this.#error(redactor, result.error);
    for (const chunks of [result.stdout, result.stderr]) {
      chunks.forEach((chunk, index) => {
        chunks[index] =
          typeof chunk === "string" ? redactor.text(chunk) : (redactor.bytes(chunk) ?? chunk);
      });
    }
    for (const annotation of result.annotations ?? []) {
      if (annotation.description) annotation.description = redactor.text(annotation.description);
    }
    for (const attachment of result.attachments) {
      if (attachment.body) attachment.body = redactor.bytes(attachment.body) ?? attachment.body;
      if (attachment.path) redactor.file(attachment.path);
    }
  }

  /** The run's redactor, or the test's own when it met secrets of its own. */
  #for(test: TestCase): Redactor {
    const { stamp, secrets } = readTestSecrets(test.id);
    if (stamp === 0) return this.#redactor;
    const known = this.#perTest.get(test.id);
    if (known?.stamp === stamp) return known.redactor;
    const redactor = new Redactor([...this.#configured, ...secrets]);
    this.#perTest.set(test.id, { stamp, redactor });
    return redactor;
  }

  #step(redactor: Redactor, step: TestStep): void {
    if (!redactor.active) return;
    step.title = redactor.text(step.title);
    // Playwright's API steps put their navigation URL or locator here ("Navigate" / "host/path?…").
    if (step.subtitle) (step as { subtitle?: string }).subtitle = redactor.text(step.subtitle);
    if (step.error) this.#error(redactor, step.error);
  }

  #error(redactor: Redactor, error: TestError): void {
    if (!redactor.active) return;
    for (const key of ["message", "stack", "snippet", "value"] as const) {
      const text = error[key];
      if (text) error[key] = redactor.text(text);
    }
    if (error.cause) this.#error(redactor, error.cause);
  }
}
