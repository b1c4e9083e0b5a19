// The sign-in page: every call sends the HttpOnly cookies; unsafe ones the CSRF token.
"use strict";

const $ = (id) => document.getElementById(id);

// The CSRF token, asked of /api/csrf/ only when none is held; signing in rotates it, and
// the answers of login/ and challenge/ carry the new one (kept by call()).
let heldCsrfToken = null;

async function csrfToken() {
  if (heldCsrfToken === null) {
    const csrf = await fetch("/api/csrf/", { credentials: "same-origin" });
    heldCsrfToken = (await csrf.json()).csrfToken;
  }
  return heldCsrfToken;
}

async function call(method, path, body, retried = false) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRFToken"] = await csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok && data && typeof data.csrfToken === "string") heldCsrfToken = data.csrfToken;
  if (response.status === 403 && data && data.code === "csrf_failed" && !retried) {
    // The held token went stale (a sign-in in another tab rotated it): ask for it once more.
    heldCsrfToken = null;
    return call(method, path, body, true);
  }
  const retryAfter = Number(response.headers.get("Retry-After")) || null;
  return { ok: response.ok, status: response.status, data, retryAfter };
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

// A validation error names its fields: {"email": ["not an email address"]}.
function fieldErrors(data) {
  if (!data || typeof data !== "object") return "";
  return Object.entries(data)
    .map(([name, errors]) => `${name}: ${[].concat(errors).join(" ")}`)
    .join("; ");
}

// What a refused answer says: its detail (or what is wrong with each field), and how long
// to wait after too many attempts.
function problem(answer, fallback) {
  const data = answer.data;
  const detail =
    (data && data.detail) || fieldErrors(data) || `${fallback} (${answer.status})`;
  if (answer.status !== 429 || !answer.retryAfter) return detail;
  const wait = answer.retryAfter;
  const minutes = Math.ceil(wait / 60);
  const when = wait < 90 ? `${wait} seconds` : `${minutes} minutes`;
  return `${detail} Wait ${when} before trying again.`;
}

// One part of the page at a time: a form of the signed-out steps, or the session.
const VIEWS = ["sign-in", "challenge", "sign-up", "confirm", "forgot", "reset", "session"];

function view(name, username) {
  for (const other of VIEWS) $(other).hidden = other !== name;
  const form = $(name);
  if (username && form.elements && form.elements.username) form.elements.username.value = username;
  const first = [...form.querySelectorAll("input")].find((input) => !input.value);
  if (first && name !== "session") first.focus();
}

function show(signedIn) {
  view(signedIn ? "session" : "sign-in");
}

// --- The steps Cognito may ask for after the password (POST /api/auth/challenge/) ---------

const PROMPTS = {
  SOFTWARE_TOKEN_MFA: () => "Enter the code from your authenticator app.",
  SMS_MFA: (p) => `Enter the code sent by text message to ${p.destination || "your phone"}.`,
  EMAIL_OTP: (p) => `Enter the code sent by email to ${p.destination || "your address"}.`,
  SELECT_MFA_TYPE: () => "Choose how to confirm the sign-in.",
  NEW_PASSWORD_REQUIRED: () => "Choose a new password.",
  MFA_SETUP: (p) =>
    p.secret
      ? "Scan the QR code with your authenticator app, then enter the code it shows."
      : "This account needs an authenticator app: set one up to go on.",
};
const MFA_NAMES = {
  SOFTWARE_TOKEN_MFA: "Authenticator app",
  SMS_MFA: "Text message",
  EMAIL_OTP: "Email",
};

function field(label, attributes) {
  const wrapper = document.createElement("label");
  wrapper.textContent = `${label} `;
  const input = document.createElement("input");
  Object.assign(input, { required: true, ...attributes });
  wrapper.append(input);
  return wrapper;
}

function codeField() {
  return field("Code", { name: "code", autocomplete: "one-time-code", inputMode: "numeric" });
}

async function showQrCode(uri) {
  const answer = await fetch("/api/sign-in/qr-code/", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": await csrfToken() },
    body: JSON.stringify({ text: uri }),
  });
  if (!answer.ok) return;
  const svg = new DOMParser().parseFromString(await answer.text(), "image/svg+xml");
  $("qr-code").replaceChildren(document.importNode(svg.documentElement, true));
}

let pending = null;

function showChallenge(data) {
  pending = data;
  const parameters = data.parameters || {};
  view("challenge");
  $("challenge-prompt").textContent = (PROMPTS[data.challenge] || (() => data.detail))(parameters);
  $("qr-code").replaceChildren();
  $("secret-line").hidden = true;
  $("challenge-submit").textContent = "Continue";
  const fields = $("challenge-fields");
  fields.replaceChildren();
  if (data.challenge === "SELECT_MFA_TYPE") {
    const group = document.createElement("fieldset");
    (parameters.options || []).forEach((option, index) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "radio", name: "mfa", value: option, checked: index === 0 });
      label.append(input, ` ${MFA_NAMES[option] || option}`);
      group.append(label);
    });
    fields.append(group);
  } else if (data.challenge === "NEW_PASSWORD_REQUIRED") {
    fields.append(
      field("New password", { name: "new_password", type: "password", autocomplete: "new-password" }),
    );
    for (const attribute of parameters.required_attributes || []) {
      fields.append(field(attribute, { name: `attribute:${attribute}` }));
    }
  } else if (data.challenge === "MFA_SETUP" && !parameters.secret) {
    $("challenge-submit").textContent = "Set up an authenticator app";
  } else {
    if (parameters.secret) {
      $("secret").textContent = parameters.secret;
      $("secret-line").hidden = false;
      showQrCode(parameters.otpauth_uri);
    }
    fields.append(codeField());
  }
  const first = fields.querySelector("input");
  if (first) first.focus();
}

function challengeBody(form) {
  const parameters = pending.parameters || {};
  switch (pending.challenge) {
    case "SELECT_MFA_TYPE":
      return { mfa: form.get("mfa") };
    case "NEW_PASSWORD_REQUIRED": {
      const attributes = {};
      for (const name of parameters.required_attributes || []) {
        attributes[name] = form.get(`attribute:${name}`);
      }
      return { new_password: form.get("new_password"), attributes };
    }
    case "MFA_SETUP":
      return parameters.secret ? { code: form.get("code") } : { mfa: "SOFTWARE_TOKEN_MFA" };
    default:
      return { code: form.get("code") };
  }
}

// The answer of login/ or challenge/: signed in, another step, or why not.
async function signInAnswered(answer) {
  if (answer.ok) {
    pending = null;
    $("sign-in").reset();
    say(`Welcome, ${answer.data.username}.`);
    await showSession();
    return;
  }
  const data = answer.data || {};
  if (data.code === "challenge_required") {
    say("");
    showChallenge(data);
    return;
  }
  say(problem(answer, "Sign-in failed"), true);
  if (data.code !== "invalid_code" && pending) {
    // The step cannot go on (expired, locked, ...): back to the password.
    pending = null;
    show(false);
  }
}

$("challenge").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await call("POST", "/api/auth/challenge/", challengeBody(new FormData(event.target)));
  await signInAnswered(answer);
});

$("challenge-cancel").addEventListener("click", () => {
  pending = null;
  say("");
  show(false);
});

async function showSession() {
  const me = await call("GET", "/api/me/");
  if (!me.ok) {
    show(false);
    return;
  }
  $("username").textContent = me.data.username;
  $("groups").textContent = me.data.groups.length ? me.data.groups.join(", ") : "no group";
  show(true);
  await listNotes();
}

async function listNotes() {
  const notes = await call("GET", "/api/notes/");
  const list = $("notes");
  list.replaceChildren();
  for (const note of notes.ok ? notes.data : []) {
    const item = document.createElement("li");
    item.textContent = note.text;
    list.append(item);
  }
}

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = await call("POST", "/api/auth/login/", {
    username: form.get("username"),
    password: form.get("password"),
  });
  await signInAnswered(answer);
});

$("note-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await call("POST", "/api/notes/", { text: new FormData(event.target).get("text") });
  if (!answer.ok) {
    say(`Note not saved (${answer.status})`, true);
    return;
  }
  event.target.reset();
  say("Note saved.");
  await listNotes();
});

$("refresh").addEventListener("click", async () => {
  const answer = await call("POST", "/api/auth/refresh/");
  if (answer.ok) {
    say(`Session refreshed: ${answer.data.expires_in} s left.`);
  } else {
    say("Session ended: sign in again.", true);
    show(false);
  }
});

$("sign-out").addEventListener("click", async () => {
  await call("POST", "/api/auth/logout/");
  say("Signed out.");
  show(false);
});

// --- Accounts: sign up, confirm, forgot and reset, change, sign out everywhere ------------

const MEDIUMS = { EMAIL: "email", SMS: "phone" };

// "Check your email at x***@e***.com", from an answer's delivery, else its detail.
function deliveryText(data, fallback) {
  const delivery = (data && data.delivery) || {};
  if (delivery.destination) {
    const medium = MEDIUMS[delivery.medium] || "messages";
    return `Check your ${medium} at ${delivery.destination} for the code.`;
  }
  return (data && data.detail) || fallback;
}

function fields(form) {
  return Object.fromEntries(new FormData(form));
}

for (const button of document.querySelectorAll("button[data-view]")) {
  button.addEventListener("click", () => {
    const from = button.closest("form");
    const username = from && from.elements.username ? from.elements.username.value : "";
    say("");
    view(button.dataset.view, username);
  });
}

$("sign-up").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { username, email, password } = fields(event.target);
  const body = email ? { username, password, email } : { username, password };
  const answer = await call("POST", "/api/auth/signup/", body);
  if (!answer.ok) {
    say(problem(answer, "Sign-up failed"), true);
    return;
  }
  event.target.reset();
  const text = deliveryText(answer.data, "Check your messages for the code.");
  $("confirm-prompt").textContent = text;
  say(text);
  view("confirm", username);
});

$("confirm").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { username, code } = fields(event.target);
  const answer = await call("POST", "/api/auth/signup/confirm/", { username, code });
  if (!answer.ok) {
    say(problem(answer, "Confirmation failed"), true);
    return;
  }
  event.target.reset();
  say("Your account is confirmed: sign in.");
  view("sign-in", username);
});

$("resend").addEventListener("click", async () => {
  const username = $("confirm").elements.username;
  if (!username.reportValidity()) return;
  const answer = await call("POST", "/api/auth/signup/resend/", { username: username.value });
  if (!answer.ok) {
    say(problem(answer, "No code sent"), true);
    return;
  }
  say(deliveryText(answer.data, "A new code is on its way."));
});

async function sendResetCode(username) {
  const answer = await call("POST", "/api/auth/password/forgot/", { username });
  if (!answer.ok) {
    say(problem(answer, "No code sent"), true);
    return false;
  }
  say(deliveryText(answer.data, "If the account exists, a code is on its way."));
  return true;
}

$("forgot").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { username } = fields(event.target);
  if (await sendResetCode(username)) view("reset", username);
});

$("resend-reset").addEventListener("click", async () => {
  const username = $("reset").elements.username;
  if (username.reportValidity()) await sendResetCode(username.value);
});

$("reset").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { username, code, new_password } = fields(event.target);
  const answer = await call("POST", "/api/auth/password/reset/", { username, code, new_password });
  if (!answer.ok) {
    say(problem(answer, "Password not reset"), true);
    return;
  }
  event.target.reset();
  say("Password reset: sign in with the new one.");
  view("sign-in", username);
});

$("change-password").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { old_password, new_password } = fields(event.target);
  const answer = await call("POST", "/api/auth/password/change/", { old_password, new_password });
  if (!answer.ok) {
    say(problem(answer, "Password not changed"), true);
    return;
  }
  event.target.reset();
  // With revocation on, the change ends every session, this one's too.
  const me = await call("GET", "/api/me/");
  if (me.ok) {
    say("Password changed.");
  } else {
    say("Password changed: sign in with the new one.");
    show(false);
  }
});

$("sign-out-everywhere").addEventListener("click", async () => {
  const answer = await call("POST", "/api/auth/logout/everywhere/");
  if (answer.ok) {
    say("Signed out everywhere.");
    show(false);
    return;
  }
  say(problem(answer, "Not signed out"), true);
  // Still signed in here (e.g. a project of id tokens), or was the session over?
  await showSession();
});

$("managed-login").hidden = document.body.dataset.managedLogin !== "on";
showSession();
