import { app } from "../../contract/index.ts";
import { NOT_APPLICABLE } from "../../contract/vocabulary.ts";
import { expectLanding, expectSignedInAs, submitForm, theOne } from "../../fixtures/app-ui.ts";
import {
  expectSignUpRow,
  mailboxConfigured,
  NO_MAILBOX,
  NO_SIGN_UP_ROW,
  watchEmailQuota,
} from "../../fixtures/email.ts";
import { expect, test } from "../../fixtures/index.ts";
import { budgetFromEnv } from "../../target/email-budget.ts";
import { findUserByEmail, syntheticPassword } from "../../target/synthetic-users.ts";

// Journeys through the inbox: each sends real mail, follows the link in it in
// the browser, and lands where the profile says. They need SYNTHETIC_MAILBOX;
// scheduled runs keep to the email budget (email.scheduledEveryMinutes).

const email = app.email;
const { signUp, submitTimeoutMs } = app.forms;
const { signedIn } = app;

test.describe("email journeys", () => {
  test.skip(!email, NOT_APPLICABLE.noEmailJourney("email"));
  // Decided in the worker, after global setup named the mailbox, and before
  // any fixture (no browser is started for a journey that cannot run).
  test.skip(() => !mailboxConfigured(), NO_MAILBOX);
  // The email budget is decided before any test file loads (playwright.config.ts).
  const budget = budgetFromEnv();
  test.skip(!budget.due, budget.due ? "" : budget.reason);

  // Skipped before any fixture when the app or the target has no such flow.
  test.describe(() => {
    test.skip(!email?.confirmSignUp, NOT_APPLICABLE.noEmailJourney("email.confirmSignUp"));
    test.skip(
      ({ authSettings }) => !authSettings.confirmEmail,
      "the target confirms sign-ups at once (GET /auth/v1/settings: mailer_autoconfirm true): no link to follow",
    );
    test("sign up, follow the confirmation link, land signed in", {
      tag: ["@email", "@critical", "@registration"],
    }, async ({ page, users, inbox, admin }) => {
      const flow = email?.confirmSignUp;
      if (!flow) return;
      const quota = watchEmailQuota(page);
      const fresh = users.fresh();
      const since = new Date();
      await test.step(`sign up on ${signUp.path}`, () =>
        submitForm(page, signUp, fresh, "forms.signUp"));
      await test.step("the page says to check the inbox", () =>
        quota.orRateLimited(() =>
          expectLanding(page, flow.pending, "email.confirmSignUp.pending", submitTimeoutMs),
        ));
      const message =
        await test.step(`the confirmation mail reaches ${inbox.mailbox.description}`, () =>
          inbox.waitFor(fresh.email, since));
      const link = inbox.linkIn(message);
      await test.step("follow the link: signed in", async () => {
        await inbox.follow(page, link);
        await expectLanding(page, flow.lands, "the confirmation link", submitTimeoutMs).catch(
          (error: Error) => {
            throw unexchangedCode(page.url()) ?? error;
          },
        );
        if (new URL(page.url()).pathname !== signedIn.path) await page.goto(signedIn.path);
        await expectSignedInAs(page, signedIn.proofs, fresh);
      });
      await test.step("the row sign-up makes exists", async () => {
        const user = await findUserByEmail(admin, fresh.email);
        expect(user, `no user ${fresh.email} after confirming`).toBeDefined();
        if (!user) return;
        expect(user.email_confirmed_at, "the address is not confirmed after the link").toBeTruthy();
        // The name is only checked where the form asks for one.
        const named = signUp.fields.some((field) => field.value === "fullName");
        if (!(await expectSignUpRow(admin, user.id, named ? fresh.fullName : undefined)))
          test.info().annotations.push({ type: "not checked", description: NO_SIGN_UP_ROW });
      });
    });
  });

  // Skipped before any fixture when the app or the target has no such flow.
  test.describe(() => {
    test.skip(!email?.recovery, NOT_APPLICABLE.noEmailJourney("email.recovery"));
    test("recover a password through the emailed link, then sign in with the new one", {
      tag: ["@email", "@critical"],
    }, async ({ page, users, inbox }) => {
      const flow = email?.recovery;
      if (!flow) return;
      const quota = watchEmailQuota(page);
      const user = await users.create();
      const since = new Date();
      await test.step(`ask for a reset link on ${flow.request.path}`, async () => {
        await submitForm(page, flow.request, user, "email.recovery.request");
        await quota.orRateLimited(() =>
          expectLanding(page, flow.request.lands, "email.recovery.request", submitTimeoutMs),
        );
      });
      const message =
        await test.step(`the recovery mail reaches ${inbox.mailbox.description}`, () =>
          inbox.waitFor(user.email, since));
      const link = inbox.linkIn(message);
      const renewed = { ...user, password: syntheticPassword() };
      await test.step("follow the link and set a new password", async () => {
        await inbox.follow(page, link);
        const reset = flow.reset;
        for (const [index, field] of reset.fields.entries()) {
          const input = await theOne(
            page,
            field.locator,
            `email.recovery.reset.fields[${index}]`,
            submitTimeoutMs,
          );
          await input.fill(
            typeof field.value === "object" ? field.value.constant : renewed[field.value],
          );
        }
        await (await theOne(page, reset.submit, "email.recovery.reset.submit")).click();
        await expectLanding(page, reset.lands, "email.recovery.reset", submitTimeoutMs);
      });
      await test.step("sign in with the new password", async () => {
        await page.context().clearCookies();
        await page.evaluate(() => localStorage.clear());
        await submitForm(page, app.forms.login, renewed, "forms.login");
        await expectLanding(
          page,
          app.forms.login.lands,
          "login with the new password",
          submitTimeoutMs,
        );
        if (new URL(page.url()).pathname !== signedIn.path) await page.goto(signedIn.path);
        await expectSignedInAs(page, signedIn.proofs, renewed);
      });
    });
  });

  // Skipped before any fixture when the app or the target has no such flow.
  test.describe(() => {
    test.skip(!email?.magicLink, NOT_APPLICABLE.noEmailJourney("email.magicLink"));
    test("sign in with a magic link", { tag: ["@email"] }, async ({ page, users, inbox }) => {
      const flow = email?.magicLink;
      if (!flow) return;
      const quota = watchEmailQuota(page);
      const user = await users.create();
      const since = new Date();
      await test.step(`ask for a sign-in link on ${flow.request.path}`, async () => {
        await submitForm(page, flow.request, user, "email.magicLink.request");
        await quota.orRateLimited(() =>
          expectLanding(page, flow.request.lands, "email.magicLink.request", submitTimeoutMs),
        );
      });
      const message = await test.step(`the sign-in mail reaches ${inbox.mailbox.description}`, () =>
        inbox.waitFor(user.email, since));
      const link = inbox.linkIn(message);
      await test.step("follow the link: signed in", async () => {
        await inbox.follow(page, link);
        await expectLanding(page, flow.lands, "the magic link", submitTimeoutMs);
        if (new URL(page.url()).pathname !== signedIn.path) await page.goto(signedIn.path);
        await expectSignedInAs(page, signedIn.proofs, user);
      });
    });
  });
});

/**
 * A landing that failed with Auth's PKCE code still in the URL: the app never
 * traded it for a session. Said plainly, with the two usual fixes.
 */
function unexchangedCode(url: string): Error | undefined {
  const at = new URL(url);
  if (!at.searchParams.has("code")) return undefined;
  return new Error(
    `the confirmation link ended on ${at.pathname} with Auth's ?code= still in the URL, not signed in: ` +
      "the app did not exchange the code for a session. Give emailRedirectTo a route that calls " +
      "exchangeCodeForSession(code), or link the confirmation mail to the app's own /auth/confirm " +
      "with {{ .TokenHash }} (Supabase's email template; on the stand-in STACK_AUTH_TEMPLATES)",
  );
}
