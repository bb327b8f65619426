import { app } from "../../contract/index.ts";
import {
  expectLanding,
  expectSignedInAs,
  expectSignedOut,
  submitForm,
  theOne,
} from "../../fixtures/app-ui.ts";
import { watchEmailQuota } from "../../fixtures/email.ts";
import { test } from "../../fixtures/index.ts";

const { signUp, login, submitTimeoutMs } = app.forms;
const { signedIn } = app;

test.describe("frontend journeys", () => {
  test("sign up through the form lands where the app says", {
    tag: ["@critical"],
  }, async ({ page, users, authSettings }) => {
    const fresh = users.fresh();
    // With "Confirm email" on, sign-up ends on the "check your email" page; the
    // @email journey follows the link from there.
    const pending = authSettings.confirmEmail ? app.email?.confirmSignUp?.pending : undefined;
    if (authSettings.confirmEmail && !pending)
      throw new Error(
        "the target has Confirm email on (GET /auth/v1/settings: mailer_autoconfirm false), so sign-up waits for an emailed link: declare email.confirmSignUp in the app profile (where the form lands, and where the link lands)",
      );
    const lands = pending ?? signUp.lands;
    const quota = watchEmailQuota(page);
    await test.step(`fill and submit the sign-up form on ${signUp.path}`, () =>
      submitForm(page, signUp, fresh, "forms.signUp"));
    await test.step(
      pending ? "lands on the page that says to confirm by email" : "lands where the app says",
      () =>
        quota.orRateLimited(() =>
          expectLanding(
            page,
            lands,
            pending ? "email.confirmSignUp.pending" : "sign-up",
            submitTimeoutMs,
          ),
        ),
    );
    if (!pending && "path" in signUp.lands && signUp.lands.path === signedIn.path) {
      await test.step("the signed-in page shows the new user", () =>
        expectSignedInAs(page, signedIn.proofs, fresh));
    }
  });

  test("login through the form, then sign out", { tag: ["@critical", "@smoke"] }, async ({
    page,
    users,
  }) => {
    const user = await users.create();
    await test.step(`log in on ${login.path}`, async () => {
      await submitForm(page, login, user, "forms.login");
      await expectLanding(page, login.lands, "login", submitTimeoutMs);
    });
    await test.step("the signed-in page shows the user", async () => {
      if (new URL(page.url()).pathname !== signedIn.path) await page.goto(signedIn.path);
      await expectSignedInAs(page, signedIn.proofs, user);
    });
    await test.step("sign out", async () => {
      await (await theOne(page, signedIn.signOut.locator, "signedIn.signOut")).click();
      await expectLanding(page, signedIn.signOut.lands, "sign-out", submitTimeoutMs);
      await page.goto(signedIn.path);
      await expectLanding(
        page,
        signedIn.signedOutLands,
        "after sign-out the signed-in page is still reachable: a signed-out visit",
        submitTimeoutMs,
      );
      await expectSignedOut(page, signedIn.proofs, user);
    });
  });
});
