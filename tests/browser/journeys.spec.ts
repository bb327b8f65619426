import { app } from "../../contract/app.ts";
import { expect, test } from "../../fixtures/index.ts";

const { register, login } = app.forms;

test.describe("frontend journeys", () => {
  test("register through the form lands on a dashboard with name and email", {
    tag: ["@critical"],
  }, async ({ page, users }) => {
    const fresh = users.fresh();
    await test.step("open the register page", () => page.goto(app.pages.register.path));
    await test.step("fill the form", async () => {
      await page.getByLabel(register.fullName).fill(fresh.fullName);
      await page.getByLabel(register.email).fill(fresh.email);
      await page.getByLabel(register.password).fill(fresh.password);
      await page.getByRole("button", { name: register.submit }).click();
    });
    await test.step("dashboard shows the profile", async () => {
      await expect(page, "registration did not reach the dashboard").toHaveURL(
        new RegExp(`${app.pages.dashboard.path}$`),
        { timeout: app.forms.submitTimeoutMs },
      );
      await expect(page.getByTestId(app.dashboard.nameTestId)).toHaveText(fresh.fullName);
      await expect(page.getByTestId(app.dashboard.emailTestId)).toHaveText(fresh.email);
    });
  });

  test("login through the form, then logout", { tag: ["@critical", "@smoke"] }, async ({
    page,
    users,
  }) => {
    const user = await users.create();
    await test.step("open the login page", () => page.goto(app.pages.login.path));
    await test.step("log in", async () => {
      await page.getByLabel(login.email).fill(user.email);
      await page.getByLabel(login.password).fill(user.password);
      await page.getByRole("button", { name: login.submit }).click();
      await expect(page, "login did not reach the dashboard").toHaveURL(
        new RegExp(`${app.pages.dashboard.path}$`),
        { timeout: app.forms.submitTimeoutMs },
      );
      await expect(page.getByTestId(app.dashboard.emailTestId)).toHaveText(user.email);
    });
    await test.step("log out", async () => {
      await page.getByRole("button", { name: app.dashboard.logout }).click();
      await expect(page).toHaveURL(new RegExp(`${app.pages.login.path}$`));
      await page.goto(app.pages.dashboard.path);
      await expect(page, "the dashboard is still reachable after logout").toHaveURL(
        new RegExp(`${app.pages.login.path}$`),
      );
    });
  });
});
