/* Offline reading. Registers the guide's service worker (sw.js at the site's root, written at
   build time by scripts/studyguide/offline.py), drives the "Save the guide for offline reading"
   control (<!-- guide:offline --> in a page), lists what is saved on the offline page, and says
   once when an updated version of the guide is available. Talks to the worker only. */
(() => {
  "use strict";

  const root = (window.__md_scope instanceof URL ? window.__md_scope : new URL(".", location)).href;
  const control = document.querySelector("[data-guide-offline]");
  const savedList = document.querySelector("[data-guide-offline-saved]");
  const supported = "serviceWorker" in navigator && "caches" in window && window.isSecureContext;

  if (!supported) {
    const fallback = control && control.querySelector("[data-guide-offline-fallback]");
    if (fallback) {
      fallback.textContent = "This browser cannot keep a copy of the guide for offline reading. " +
        "Every page still works online, and any page can be printed.";
    }
    return;
  }

  const registered = navigator.serviceWorker
    .register(root + "sw.js", { scope: root, updateViaCache: "none" })
    .then(() => navigator.serviceWorker.ready);

  /* Send a message to the worker; `more(reply)` returns true while further replies are due. */
  async function ask(message, more = () => false) {
    const registration = await registered;
    const channel = new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = (event) => {
        if (!more(event.data)) {
          channel.port1.close();
          resolve(event.data);
        }
      };
      registration.active.postMessage(message, [channel.port2]);
    });
  }

  // --- The update notice -------------------------------------------------------------------------

  navigator.serviceWorker.addEventListener("message", (event) => {
    if (!event.data || event.data.type !== "updated" || document.querySelector(".guide-update")) return;
    const notice = document.createElement("div");
    notice.className = "guide-update";
    notice.setAttribute("role", "status");
    // In the page's flow, above its content: a fixed bar would sit on top of links.
    (document.querySelector(".md-content__inner") || document.body).prepend(notice);
    setTimeout(() => { // filled after it is in the page, so that screen readers announce it
      const text = document.createElement("p");
      text.textContent = "An updated version of this guide is available. ";
      const reload = document.createElement("button");
      reload.type = "button";
      reload.textContent = "Reload the page";
      reload.addEventListener("click", () => location.reload());
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.textContent = "Dismiss";
      dismiss.addEventListener("click", () => notice.remove());
      text.append(reload, " ", dismiss);
      notice.append(text);
    }, 100);
  });

  // --- The offline page: what is saved -------------------------------------------------------------

  if (savedList) {
    ask({ type: "saved" }).then((reply) => {
      const pages = (reply && reply.pages) || [];
      const empty = document.querySelector("[data-guide-offline-none]");
      if (empty) empty.hidden = pages.length > 0;
      for (const page of pages) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title;
        item.append(link);
        savedList.append(item);
      }
      savedList.hidden = pages.length === 0;
    });
  }

  // --- The Save control ------------------------------------------------------------------------

  if (!control) return;
  const part = (name) => control.querySelector(`[data-guide-offline-${name}]`);
  const [save, cancel, remove, progress, state, status] =
    ["save", "cancel", "remove", "progress", "state", "status"].map(part);
  part("fallback").hidden = true;
  part("controls").hidden = false;

  function show(reply) {
    if (!reply || reply.type !== "status") return;
    const extra = reply.cached > reply.core;
    save.hidden = reply.saved;
    remove.hidden = !extra;
    state.textContent = reply.saved
      ? "The guide is saved on this device: you can read and search it without a connection."
      : extra
        ? `Part of the guide is kept on this device (${reply.cached} of ${reply.total} files): ` +
          "the pages you have opened, or a save that did not finish."
        : "";
  }

  const refresh = () => ask({ type: "status" }).then(show);
  refresh();

  /* A button that is pressed and then disabled or hidden would drop the keyboard's focus to the
     start of the page: it moves to the control that takes over (Cancel while saving, then Save
     or Remove), unless the reader has moved on elsewhere. */
  function refocus(...from) {
    const now = document.activeElement;
    if (now && now !== document.body && !from.includes(now)) return;
    const next = [save, remove].find((button) => !button.hidden && !button.disabled);
    if (next) next.focus();
  }

  save.addEventListener("click", async () => {
    save.disabled = true;
    remove.hidden = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.value = 0;
    cancel.focus();
    status.textContent = "Saving the guide…";
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    let spoken = Date.now();
    const reply = await ask({ type: "save" }, (message) => {
      if (message.type !== "progress") return false;
      progress.max = message.total;
      progress.value = message.done;
      if (Date.now() - spoken > 3000) { // a polite status, not one announcement per file
        spoken = Date.now();
        status.textContent = `Saving the guide: ${message.done} of ${message.total} files.`;
      }
      return true;
    });
    save.disabled = false;
    cancel.hidden = true;
    progress.hidden = true;
    await refresh();
    refocus(cancel, save);
    status.textContent = {
      done: "Saved. The whole guide can now be read and searched on this device without a connection.",
      cancelled: "Cancelled. What was already saved stays on this device until you remove it.",
      busy: "The guide is already being saved in another tab or window.",
    }[reply.type] || "The guide could not be saved completely. Check the connection and try again.";
  });

  cancel.addEventListener("click", () => {
    status.textContent = "Cancelling…";
    ask({ type: "cancel" });
  });

  remove.addEventListener("click", async () => {
    remove.disabled = true;
    const reply = await ask({ type: "remove" });
    remove.disabled = false;
    await refresh();
    refocus(remove);
    status.textContent = reply.type === "removed"
      ? "The saved copy has been removed from this device."
      : "The saved copy could not be removed. Your browser's settings for this site can remove it.";
  });
})();
