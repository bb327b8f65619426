import { readFile } from "node:fs/promises";
import { app } from "../../contract/index.ts";
import { expectSignedInAs } from "../../fixtures/app-ui.ts";
import { expect, test } from "../../fixtures/index.ts";
import { SETUP_USER_FILE, STORAGE_STATE_FILE } from "../setup/files.ts";

test.use({ storageState: STORAGE_STATE_FILE });

test("the signed-in session from setup opens the signed-in page", { tag: ["@critical"] }, async ({
  page,
}) => {
  const user = JSON.parse(await readFile(SETUP_USER_FILE, "utf8")) as {
    email: string;
    fullName: string;
  };
  await test.step(`open ${app.signedIn.path}`, () => page.goto(app.signedIn.path));
  await test.step("it shows the setup user", async () => {
    await expect(
      page,
      `the saved session (${app.session.kind}) did not open ${app.signedIn.path}: the app does not read the session where the profile says`,
    ).toHaveURL((url) => url.pathname === app.signedIn.path);
    await expectSignedInAs(page, app.signedIn.proofs, user);
  });
});
