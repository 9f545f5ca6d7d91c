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

// ---------------------------------------------------------------- checks as you type
// Fields with data-max-chars show a live count (the server-rendered "Up to N characters"
// becomes "37 of 200 characters") and say at once when the text is too long: nothing is cut
// off. An error disappears as soon as the field is fixed: a server error once the field is
// edited, a local one (too long, or a required field left empty) once it no longer applies.

/** @param {number} n */
const number = (n) => n.toLocaleString("en");

/**
 * What is wrong with the field's value now, by the rules the page can check itself.
 * @param {HTMLInputElement|HTMLTextAreaElement} field
 * @param {boolean} left  the user has left the field (an empty required field counts then)
 * @returns {string}
 */
function localProblem(field, left) {
  const limit = Number(field.dataset.maxChars || 0);
  const length = field.value.length;
  if (limit && length > limit) {
    const over = length - limit;
    return `${number(over)} character${over === 1 ? "" : "s"} too many: the limit is ${number(limit)}. Shorten it a little.`;
  }
  if (field.required && left && field.value.trim() === "") {
    return field.dataset.requiredMessage || "Fill this in.";
  }
  return "";
}

/** @param {HTMLInputElement|HTMLTextAreaElement} field */
function updateCount(field) {
  const count = document.querySelector(`[data-char-count="${field.name}"]`);
  const limit = Number(field.dataset.maxChars || 0);
  if (!count || !limit) return;
  count.textContent = `${number(field.value.length)} of ${number(limit)} characters`;
  count.classList.toggle("over", field.value.length > limit);
}

/**
 * Show `message` as the field's error, or remove its error when empty.
 * @param {HTMLInputElement|HTMLTextAreaElement} field
 * @param {string} message
 */
function showError(field, message) {
  const name = field.dataset.errorFor || field.name;
  const id = `${name}-error`;
  let error = document.getElementById(id);
  const described = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
  if (!message) {
    error?.remove();
    field.removeAttribute("aria-invalid");
    described.delete(id);
  } else {
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error";
      error.id = id;
      error.dataset.error = name;
      const count = document.querySelector(`[data-char-count="${field.name}"]`);
      (count ?? field).after(error);
    }
    error.textContent = `⚠ ${message}`;
    field.setAttribute("aria-invalid", "true");
    described.add(id);
  }
  if (described.size) field.setAttribute("aria-describedby", [...described].join(" "));
  else field.removeAttribute("aria-describedby");
}

/** @param {EventTarget|null} target */
function checkable(target) {
  return (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)
    && target.form !== null && (target.dataset.maxChars || target.required || target.hasAttribute("aria-invalid"))
    ? target
    : null;
}

document.addEventListener("input", (event) => {
  const field = checkable(event.target);
  if (!field) return;
  updateCount(field);
  showError(field, localProblem(field, field.dataset.left === "true"));
});

document.addEventListener("focusout", (event) => {
  const field = checkable(event.target);
  if (!field) return;
  field.dataset.left = "true";
  if (field.hasAttribute("aria-invalid")) return; // the error shown still applies
  showError(field, localProblem(field, true));
});

for (const field of document.querySelectorAll("[data-max-chars]")) {
  updateCount(/** @type {HTMLInputElement} */ (field));
}
