// The feedback page updates itself: while the report is being made it polls the JSON
// status with backoff, then swaps in the server-rendered report. No manual reload.
import { showLocalTimes } from "../local-time.js";
import { pollUntil } from "./poll.js";

const page = document.querySelector("[data-page=feedback]");
const announcer = document.querySelector("[data-feedback-announcer]");

function region() {
  return document.querySelector("[data-feedback-report]");
}

function announce(text) {
  if (!announcer) return;
  announcer.textContent = "";
  // A fresh text node after a tick, so screen readers announce it even when repeated.
  setTimeout(() => { announcer.textContent = text; }, 50);
}

class Fatal extends Error {
  constructor(message) {
    super(message);
    this.fatal = true;
  }
}

async function status(id) {
  const response = await fetch(`/api/interviews/${encodeURIComponent(id)}/feedback`, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    cache: "no-store",
  });
  if (response.status === 401) throw new Fatal("Your sign-in has expired. Sign in again to see the report.");
  if (response.status === 404) throw new Fatal("This interview is no longer available.");
  if (!response.ok) return undefined; // a passing fault: try again later
  const body = await response.json();
  return body.status === "PENDING" ? undefined : body.status;
}

async function swapIn(id) {
  const response = await fetch(`/interview/${encodeURIComponent(id)}/feedback/report`, {
    credentials: "same-origin",
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`report fragment: HTTP ${response.status}`);
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  const fresh = template.content.querySelector("[data-feedback-report]");
  const current = region();
  if (!fresh || !current) throw new Error("report fragment is missing its region");
  // Keep the reader's place: move focus only if it was inside the replaced region.
  const hadFocus = current.contains(document.activeElement);
  current.replaceWith(fresh);
  showLocalTimes(fresh);
  if (hadFocus) fresh.focus();
  return fresh.dataset.state;
}

function showProblem(message) {
  const current = region();
  if (!current) return;
  const alert = document.createElement("p");
  alert.className = "alert error";
  alert.setAttribute("role", "alert");
  alert.textContent = `${message} `;
  const reload = document.createElement("a");
  reload.href = window.location.href;
  reload.textContent = "Reload the page";
  alert.append(reload);
  current.append(alert);
}

async function follow() {
  const id = page?.dataset.interviewId;
  if (!id || region()?.dataset.state !== "generating") return;
  try {
    await pollUntil(() => status(id), {
      onSlow: () => { region()?.querySelector("[data-report-slow]")?.removeAttribute("hidden"); },
    });
    const state = await swapIn(id);
    announce(state === "ready"
      ? "Your feedback report is ready."
      : "The report could not be made. A Try again button is in the report section.");
  } catch (error) {
    showProblem(error?.fatal ? error.message : "We could not load the report.");
  }
}

follow();
