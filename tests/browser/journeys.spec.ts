import { app } from "../../contract/index.ts";
import {
  expectLanding,
  expectSignedInAs,
  expectSignedOut,
  submitForm,
  theOne,
} from "../../fixtures/app-ui.ts";
import { test } from "../../fixtures/index.ts";

const { signUp, login, submitTimeoutMs } = app.forms;
const { signedIn } = app;

test.describe("frontend journeys", () => {
  test("sign up through the form lands where the app says", {
    tag: ["@critical"],
  }, async ({ page, users }) => {
    const fresh = users.fresh();
    await test.step(`fill and submit the sign-up form on ${signUp.path}`, () =>
      submitForm(page, signUp, fresh, "forms.signUp"));
    await test.step("lands where the app says", () =>
      expectLanding(page, signUp.lands, "sign-up", submitTimeoutMs));
    if ("path" in signUp.lands && signUp.lands.path === signedIn.path) {
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
