// Progressive enhancement for server-rendered forms; every form works without this file.

// A form marked data-submit-once disables its submit buttons once it is sent, so a
// double click does not post it twice (the server also deduplicates by request key).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) return;
  if (form.dataset.submitting === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.submitting = "true";
  form.setAttribute("aria-busy", "true");
  // After this event, so the browser has already collected the form's data.
  setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = true;
      if (button.dataset.busyLabel) {
        button.dataset.label = button.textContent;
        button.textContent = button.dataset.busyLabel;
      }
    }
  });
});

// Back/forward cache restores the page as it was left: make its forms usable again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-submitting]")) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = false;
      if (button.dataset.label) button.textContent = button.dataset.label;
    }
  }
});

// Typing into an "other" text box picks the radio it belongs to (data-selects="<radio id>").
document.addEventListener("input", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLElement) || !field.dataset.selects) return;
  const radio = document.getElementById(field.dataset.selects);
  if (radio instanceof HTMLInputElement && field.value.trim() !== "") radio.checked = true;
});

// After a failed submit, put the keyboard on the first field to fix; its error is announced
// through aria-describedby.
document.querySelector("form [aria-invalid=true]")?.focus();
