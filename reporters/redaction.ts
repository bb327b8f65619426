import type {
  Reporter,
  TestCase,
  TestError,
  TestResult,
  TestStep,
} from "@playwright/test/reporter";
import { Redactor } from "../secrets/redactor.ts";
import { configuredSecrets } from "../secrets/variables.ts";

/**
 * Listed first in the config, so every later reporter (Allure, HTML, JUnit,
 * alerts) receives results with the configured secrets already replaced:
 * step titles, errors, stdout/stderr, annotations, attachment bodies, and
 * attachment files on disk, traces included (they record request headers such
 * as the Vercel bypass and response bodies such as a leaked bundle).
 */
export default class RedactionReporter implements Reporter {
  #redactor = new Redactor([]);

  printsToStdio(): boolean {
    return false;
  }

  onBegin(): void {
    // Here and not in the constructor: global setup may have just pointed the run at a target.
    this.#redactor = new Redactor(configuredSecrets(process.env));
  }

  onStepBegin(_test: TestCase, _result: TestResult, step: TestStep): void {
    this.#step(step);
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    this.#step(step);
  }

  onError(error: TestError): void {
    this.#error(error);
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    if (!this.#redactor.active) return;
    for (const error of result.errors) this.#error(error);
    if (result.error) this.#error(result.error);
    for (const chunks of [result.stdout, result.stderr]) {
      chunks.forEach((chunk, index) => {
        chunks[index] =
          typeof chunk === "string"
            ? this.#redactor.text(chunk)
            : (this.#redactor.bytes(chunk) ?? chunk);
      });
    }
    for (const annotation of result.annotations ?? []) {
      if (annotation.description)
        annotation.description = this.#redactor.text(annotation.description);
    }
    for (const attachment of result.attachments) {
      if (attachment.body)
        attachment.body = this.#redactor.bytes(attachment.body) ?? attachment.body;
      if (attachment.path) this.#redactor.file(attachment.path);
    }
  }

  #step(step: TestStep): void {
    if (!this.#redactor.active) return;
    step.title = this.#redactor.text(step.title);
    if (step.error) this.#error(step.error);
  }

  #error(error: TestError): void {
    if (!this.#redactor.active) return;
    for (const key of ["message", "stack", "snippet", "value"] as const) {
      const text = error[key];
      if (text) error[key] = this.#redactor.text(text);
    }
    if (error.cause) this.#error(error.cause);
  }
}
