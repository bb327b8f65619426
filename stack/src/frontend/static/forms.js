// Form handling both apps' scripts share: one alert per page (role="alert"),
// the submit button disabled while a submission runs.

/** Shows `failure.message` in the page's alert and marks the input named `failure.field`. */
export function showError(failure) {
  const alert = document.querySelector('[role="alert"]');
  if (!alert) return;
  alert.textContent = failure.message;
  alert.hidden = false;
  for (const input of document.querySelectorAll("input")) {
    input.toggleAttribute("aria-invalid", input.name === failure.field);
  }
}

function hideError() {
  const alert = document.querySelector('[role="alert"]');
  if (alert) alert.hidden = true;
}

/**
 * Runs `submit` with the form's fields on submit; what it throws goes through
 * `toFailure` (to `{ message, field? }`) into the alert.
 */
export function handleForm(form, submit, toFailure) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    hideError();
    try {
      await submit(Object.fromEntries(new FormData(form)));
    } catch (failure) {
      showError(toFailure(failure));
      button.disabled = false;
    }
  });
}
