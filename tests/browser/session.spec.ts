import { readFile } from "node:fs/promises";
import { app } from "../../contract/app.ts";
import { expect, test } from "../../fixtures/index.ts";
import { SETUP_USER_FILE, STORAGE_STATE_FILE } from "../setup/files.ts";

test.use({ storageState: STORAGE_STATE_FILE });

test("the signed-in session from setup opens the dashboard", { tag: ["@critical"] }, async ({
  page,
}) => {
  const user = JSON.parse(await readFile(SETUP_USER_FILE, "utf8")) as {
    email: string;
    fullName: string;
  };
  await test.step("open the dashboard", () => page.goto(app.pages.dashboard.path));
  await test.step("dashboard shows the setup user", async () => {
    await expect(page.getByRole("heading", { name: app.pages.dashboard.heading })).toBeVisible();
    await expect(page.getByTestId(app.dashboard.nameTestId)).toHaveText(user.fullName);
    await expect(page.getByTestId(app.dashboard.emailTestId)).toHaveText(user.email);
  });
});
