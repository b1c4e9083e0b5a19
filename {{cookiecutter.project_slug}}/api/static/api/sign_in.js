// The sign-in page: every call sends the HttpOnly cookies; unsafe ones the CSRF token.
"use strict";

const $ = (id) => document.getElementById(id);

async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    const csrf = await fetch("/api/csrf/", { credentials: "same-origin" });
    headers["X-CSRFToken"] = (await csrf.json()).csrfToken;
  }
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
  $("session").hidden = !signedIn;
}

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
  if (!answer.ok) {
    say(answer.data && answer.data.detail ? answer.data.detail : `Sign-in failed (${answer.status})`, true);
    return;
  }
  event.target.reset();
  say(`Welcome, ${answer.data.username}.`);
  await showSession();
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
