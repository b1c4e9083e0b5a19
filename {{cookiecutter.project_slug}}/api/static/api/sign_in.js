// The sign-in page: every call sends the HttpOnly cookies; unsafe ones the CSRF token.
"use strict";

const $ = (id) => document.getElementById(id);

async function csrfToken() {
  const csrf = await fetch("/api/csrf/", { credentials: "same-origin" });
  return (await csrf.json()).csrfToken;
}

async function call(method, path, body) {
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
  return { ok: response.ok, status: response.status, data };
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

function show(signedIn) {
  $("sign-in").hidden = signedIn;
  $("challenge").hidden = true;
  $("session").hidden = !signedIn;
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
  $("sign-in").hidden = true;
  $("session").hidden = true;
  $("challenge").hidden = false;
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
  say(data.detail || `Sign-in failed (${answer.status})`, true);
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

$("managed-login").hidden = document.body.dataset.managedLogin !== "on";
showSession();
