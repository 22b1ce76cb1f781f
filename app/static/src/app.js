// Progressive enhancement only: every page works without this script.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// Unsaved assignment text kept in this browser belongs to one person and one piece of work: the key
// names the signed-in person (their public id, from the page) and the draft's own autosave address.
// Browsers are shared (a training room, a family computer), so another account never reads it back, and
// signing out removes it.
const DRAFTS = "imsa-draft:";
const signedIn = document.querySelector("meta[name=imsa-user]")?.content || "";
const draftKeys = (person) =>
  Object.keys(localStorage).filter((key) => key.startsWith(person ? `${DRAFTS}${person}:` : DRAFTS));
// Keys from before drafts were kept per person (`imsa-draft:/learn/...`) could be read by anyone.
for (const key of draftKeys("")) {
  if (key.startsWith(`${DRAFTS}/`)) localStorage.removeItem(key);
}
for (const form of document.querySelectorAll("form[data-sign-out]")) {
  form.addEventListener("submit", () => {
    for (const key of draftKeys(signedIn)) localStorage.removeItem(key);
  });
}

// The assignment editor: a live word count and an autosave that never loses text. The text is also
// kept in this browser until the server has it, so a lost connection or a closed tab loses nothing.
const editor = document.querySelector("form[data-autosave]");
if (editor && signedIn) {
  const textarea = editor.querySelector("textarea[name=text]");
  const revision = editor.querySelector("input[name=revision]");
  const status = document.getElementById("text-status");
  const limit = Number(status.dataset.limit);
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const backupKey = `${DRAFTS}${signedIn}:${editor.dataset.autosave}`;
  let timer = null;
  let saving = false;
  let again = false;

  const words = () => (textarea.value.match(/\S+/g) || []).length;
  // The wording comes from the page, in its language: "{name}" marks where a value goes.
  const say = (name, values = {}) =>
    status.dataset[name].replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  const count = () => say("count", { words: words(), limit });
  const show = (message, failed = false) => {
    status.textContent = message;
    status.classList.toggle("imsa-save-status--error", failed);
  };
  const keepLocally = () =>
    localStorage.setItem(backupKey, JSON.stringify({ text: textarea.value, revision: revision.value }));

  const save = async () => {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    again = false;
    const body = new FormData();
    body.append("csrf_token", csrf);
    body.append("text", textarea.value);
    body.append("revision", revision.value);
    try {
      const response = await fetch(editor.dataset.autosave, { method: "POST", body, credentials: "same-origin" });
      const result = await response.json();
      if (response.ok && result.saved) {
        revision.value = result.revision;
        localStorage.removeItem(backupKey);
        const time = new Date(result.saved_at).toLocaleTimeString(document.documentElement.lang || "en-GB", { hour: "2-digit", minute: "2-digit" });
        show(`${say("saved", { time })} ${count()}`);
      } else {
        show(say("refused", { reason: result.message }), true);
      }
    } catch {
      show(say("offline"), true);
      schedule(5000);
    } finally {
      saving = false;
      if (again) schedule();
    }
  };
  const schedule = (delay = 1500) => {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  };

  // Text typed here earlier but never saved (on top of the same saved draft) is put back.
  const backup = JSON.parse(localStorage.getItem(backupKey) || "null");
  if (backup && backup.revision === revision.value && backup.text !== textarea.value) {
    textarea.value = backup.text;
    show(say("restored"));
    schedule(0);
  }

  textarea.addEventListener("input", () => {
    keepLocally();
    show(count());
    schedule();
  });
  window.addEventListener("online", () => schedule(0));
}

// "Copy link" buttons: the link is also shown as text, so this is only a shortcut.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const status = document.getElementById(button.getAttribute("aria-describedby"));
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      status.textContent = button.dataset.copied;
    } catch {
      status.textContent = button.dataset.notCopied;
    }
  });
}

// Phones: a wide table scrolls inside its own region, which the keyboard can reach, never the whole page.
for (const table of document.querySelectorAll("table.govuk-table")) {
  if (table.closest(".imsa-matrix, .imsa-scroll")) continue;
  const region = document.createElement("div");
  const caption = table.querySelector("caption");
  region.className = "imsa-scroll";
  region.setAttribute("role", "region");
  region.setAttribute("aria-label", caption ? caption.textContent.trim() : document.body.dataset.tableLabel);
  region.tabIndex = 0;
  table.before(region);
  region.append(table);
}

// A quiz answer chosen but not yet saved survives a reload: kept in this tab only, per person and
// question, and only restored where the server has no saved answer. Saving (the submit) forgets it.
const choiceForm = document.querySelector("form[data-keep-choice]");
if (choiceForm && signedIn) {
  const key = `imsa-choice:${signedIn}:${choiceForm.dataset.keepChoice}`;
  const fields = () =>
    [...choiceForm.elements].filter((e) => e.name && !["submit", "hidden", "button"].includes(e.type));
  const kept = sessionStorage.getItem(key);
  if (kept && choiceForm.dataset.saved === "no") {
    const values = JSON.parse(kept);
    for (const field of fields()) {
      if (!(field.name in values)) continue;
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = values[field.name].includes(field.value);
      } else field.value = values[field.name][0] ?? "";
    }
  }
  choiceForm.addEventListener("change", () => {
    const values = {};
    for (const field of fields()) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) {
        values[field.name] ??= [];
        continue;
      }
      (values[field.name] ??= []).push(field.value);
    }
    sessionStorage.setItem(key, JSON.stringify(values));
  });
  choiceForm.addEventListener("submit", () => sessionStorage.removeItem(key));
}

// A long job's progress page (e.g. approving a whole cohort): without this script it has a link to check
// again; with it, the figures update in place every few seconds, and the page reloads once when done.
const progress = document.querySelector("[data-progress-url]");
if (progress) {
  const poll = async () => {
    try {
      const response = await fetch(progress.dataset.progressUrl, { credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        if (state.finished) {
          window.location.reload();
          return;
        }
        // The page gives the words around the figures in its language ("{done} of {total}").
        const done = progress.querySelector("[data-progress=done]");
        const words = done.dataset.of || "{done} of {total}";
        done.textContent = words.replace("{done}", state.done).replace("{total}", state.total);
        progress.querySelector("[data-progress=failed]").textContent = `${state.failed}`;
      }
    } catch {
      // Offline for a moment: try again at the next tick.
    }
    window.setTimeout(poll, 3000);
  };
  window.setTimeout(poll, 3000);
}
