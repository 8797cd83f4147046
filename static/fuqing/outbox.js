// fuqing — offline capture (PLT-6). Forms marked data-offline (the visit form, the need form, filling a
// questionnaire) keep working without a network: what is saved goes to an outbox in this browser's
// IndexedDB (through the vendored `idb`), encrypted with an AES-GCM key that cannot be exported
// (WebCrypto, kept in IndexedDB as a CryptoKey). When the network returns the outbox is sent once, in
// order (one tab at a time: Web Locks), each item marked sent; the server's idempotency keys (the forms'
// hidden ids) make a replay return the record already saved. A rejected item stays with the server's
// message, to fix and resend. Logging out clears the outbox and the cached pages, after a warning when
// anything is unsent. The service worker (/sw.js, Workbox) keeps the form pages for offline use.
(function () {
  "use strict";

  var script = document.getElementById("fq-outbox-script");
  var secure = window.isSecureContext && window.indexedDB && window.crypto && window.crypto.subtle && window.idb;
  if (!script || !secure) { return; }
  var user = script.dataset.user || "";
  var PAGES = "fq-pages-v1", ASSETS = "fq-assets-v1", DB = "fuqing-outbox";
  var WARM_EVERY = 10 * 60 * 1000;

  function text(key, values) {
    var strings = document.getElementById("fq-outbox-text");
    var node = strings && strings.content.querySelector("[data-k='" + key + "']");
    var s = node ? node.textContent : key;
    Object.keys(values || {}).forEach(function (k) { s = s.replace("{" + k + "}", values[k]); });
    return s;
  }

  if ("serviceWorker" in navigator && script.dataset.sw && user) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/" }).catch(function () {});
  }

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = idb.openDB(DB, 1, {
        upgrade: function (d) {
          d.createObjectStore("keys");
          d.createObjectStore("items", { keyPath: "id", autoIncrement: true });
        }
      });
    }
    return dbPromise;
  }

  async function key() {
    var d = await db();
    var k = await d.get("keys", "aes");
    if (k) { return k; }
    k = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    try { await d.add("keys", k, "aes"); } catch (e) { /* another tab made one first */ }
    return d.get("keys", "aes");
  }

  async function seal(value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(value));
    var data = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, await key(), plain);
    return { iv: iv, data: data };
  }

  async function open(item) {
    var plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: item.iv }, await key(), item.data);
    return JSON.parse(new TextDecoder().decode(plain));
  }

  function uuid() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  async function mine() {
    var items = await (await db()).getAll("items");
    return items.filter(function (i) { return i.user === user; }).sort(function (a, b) { return a.id - b.id; });
  }

  function unsent(items) { return items.filter(function (i) { return i.status !== "sent"; }); }

  // --- the forms ------------------------------------------------------------------------------------

  function entries(form) {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") { return; }
      out.push([name, value]);
    });
    return out;
  }

  function fill(form, pairs) {
    var byName = {};
    pairs.forEach(function (p) { (byName[p[0]] = byName[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      var values = byName[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) >= 0; }
      else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
      } else if (el.tagName === "SELECT") {
        if (values.length && !Array.prototype.some.call(el.options, function (o) { return o.value === values[0]; })) {
          var option = document.createElement("option");
          option.value = values[0]; option.textContent = values[0];
          el.appendChild(option);
        }
        el.value = values.length ? values[0] : "";
      } else { el.value = values.length ? values[0] : ""; }
    });
    form.dispatchEvent(new CustomEvent("fq:filled"));
  }

  async function keep(form) {
    var editing = form.dataset.outboxItem ? parseInt(form.dataset.outboxItem, 10) : null;
    var sealed = await seal(entries(form));
    var d = await db();
    var item = editing ? await d.get("items", editing) : null;
    var title = (form.dataset.offlineTitle || document.title).trim();
    item = Object.assign(item || { user: user, created: new Date().toISOString() }, {
      url: location.pathname + location.search,
      title: title,
      status: "pending",
      message: "",
      iv: sealed.iv,
      data: sealed.data,
      files: !!form.querySelector("input[type=file]") &&
        Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (f) { return f.files.length; })
    });
    await d.put("items", item);
  }

  function kept(form, message) {
    return keep(form).then(function () {
      sessionStorage.setItem("fq-outbox-flash", message);
      if (navigator.onLine && !message) { return flush(); }
    }).then(function () {
      location.href = location.pathname + location.search;  // a fresh form (a new id) from the network or the cache
    });
  }

  // The server's answer shown as the page itself would show it: the page it redirected to (with its
  // message) or the form re-rendered with the error summary.
  function show(response, html) {
    if (response.redirected) { history.replaceState(null, "", response.url); }
    document.open();
    document.write(html);
    document.close();
  }

  // Online, a data-offline form is still sent through fetch, so that a weak network (the phone says
  // online, the POST never arrives, the connection drops or the answer does not come within the
  // timeout) puts what was typed into the outbox instead of losing it. The body carries the form's
  // own id (the idempotency key), so a replay of an item the server did receive never makes a second
  // record (PLT-6).
  function post(form, submitter) {
    var body = submitter ? new FormData(form, submitter) : new FormData(form);
    var target = form.getAttribute("action") || location.pathname + location.search;
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = window.fqSubmitTimeout || 15000;
    var timer = controller ? setTimeout(function () { controller.abort(); }, timeout) : null;
    return fetch(target, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() }, signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.text().then(function (html) {
        clearTimeout(timer);
        return { response: response, html: html };
      });
    }, function (e) { clearTimeout(timer); throw e; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // bubbling, so the form's own checks (a questionnaire's constraints) have run and may have refused
    if (event.defaultPrevented || !form.matches || !form.matches("form[data-offline]")) { return; }
    event.preventDefault();
    if (form.dataset.sending) { return; }
    form.dataset.sending = "1";
    form.dispatchEvent(new CustomEvent("fq:before-keep"));
    if (!navigator.onLine || form.dataset.outboxItem) {
      kept(form, navigator.onLine ? "" : text("saved"));
      return;
    }
    post(form, event.submitter).then(function (answer) {
      var landed = new URL(answer.response.url);
      if (landed.pathname.indexOf("/login/") === 0 || answer.response.status >= 500) {
        return kept(form, text("weak"));  // logged out meanwhile, or a proxy's error: kept, not lost
      }
      show(answer.response, answer.html);
    }, function () {
      return kept(form, text("weak"));  // no answer: the network failed or timed out
    }).catch(function () { delete form.dataset.sending; });
  });

  // A fresh idempotency key on every new form page: the cached copy must not reuse one (PLT-6).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-offline] input[name=id][data-fresh]"), function (el) {
    if (!document.querySelector("form[data-offline] .invalid-feedback, form[data-offline] .alert-danger")) { el.value = uuid(); }
  });

  // "修改": the rejected item's data back in its form.
  async function restore() {
    var match = /^#outbox-(\d+)$/.exec(location.hash);
    var form = document.querySelector("form[data-offline]");
    if (!match || !form) { return; }
    var item = await (await db()).get("items", parseInt(match[1], 10));
    if (!item || item.user !== user || !item.data) { return; }
    fill(form, await open(item));
    form.dataset.outboxItem = String(item.id);
  }

  // --- sending --------------------------------------------------------------------------------------

  function csrf() {
    var m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    if (m) { return decodeURIComponent(m[1]); }
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function problems(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var seen = [];
    // the page's error summary names each field and its rule; else the fields' own messages
    var summary = doc.querySelectorAll("main [data-error-summary] li");
    (summary.length ? summary : doc.querySelectorAll("main .invalid-feedback, main .alert-danger")).forEach(function (n) {
      var t = n.textContent.replace(/\s+/g, " ").trim();
      if (t && seen.indexOf(t) < 0) { seen.push(t); }
    });
    return seen.join("；");
  }

  // Returns true (done: sent or rejected) or false (no network / not logged in: try later).
  async function send(item) {
    var pairs = await open(item);
    var body = new FormData();
    pairs.forEach(function (p) { body.append(p[0], p[1]); });
    body.append("csrfmiddlewaretoken", csrf());
    var response;
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, window.fqSubmitTimeout || 15000);
    try {
      response = await fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Fuqing-Outbox": "1" }, signal: controller.signal });
    } catch (e) {
      return false;  // no network, or no answer in time: it stays pending
    } finally {
      clearTimeout(timer);
    }
    var landed = new URL(response.url);
    var d = await db();
    if (landed.pathname.indexOf("/login/") === 0) {
      item.message = text("login");
      await d.put("items", item);
      return false;
    }
    if (response.ok && response.redirected && landed.pathname !== new URL(item.url, location.href).pathname) {
      await d.put("items", { id: item.id, user: item.user, url: item.url, title: item.title, created: item.created,
        status: "sent", sent: new Date().toISOString(), link: landed.pathname, message: "" });
      return true;
    }
    var message = response.ok ? problems(await response.text()) : "";
    item.status = "rejected";
    item.message = message || text("denied", { status: response.status });
    await d.put("items", item);
    return true;
  }

  var flash = sessionStorage.getItem("fq-outbox-flash");  // "kept offline", shown once after saving
  sessionStorage.removeItem("fq-outbox-flash");

  var flushing = null;
  function flush() {
    if (!navigator.onLine || !user) { return Promise.resolve(); }
    if (flushing) { return flushing; }
    var run = async function () {
      var items = (await mine()).filter(function (i) { return i.status === "pending"; });
      for (var i = 0; i < items.length; i++) {
        var current = await (await db()).get("items", items[i].id);
        if (!current || current.status !== "pending") { continue; }
        if (!(await send(current))) { break; }
      }
    };
    var locked = navigator.locks ? navigator.locks.request("fq-outbox", run) : run();
    flushing = locked.catch(function () {}).then(function () { flushing = null; return render(); });
    return flushing;
  }

  // --- the list on the page -------------------------------------------------------------------------

  function button(label, action, id, kind) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm btn-" + (kind || "outline-secondary");
    b.dataset.outboxAction = action;
    b.dataset.outboxId = String(id);
    b.textContent = label;
    return b;
  }

  async function render() {
    var main = document.getElementById("main");
    if (!main || !user) { return; }
    var items = await mine();
    var box = document.getElementById("fq-outbox");
    if (!items.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "fq-outbox";
      box.className = "alert alert-warning py-2";
      box.setAttribute("aria-live", "polite");
      main.insertBefore(box, main.firstChild);
    }
    var waiting = unsent(items).length;
    box.className = "alert py-2 " + (waiting ? "alert-warning" : "alert-success");
    box.textContent = "";
    var head = document.createElement("div");
    head.className = "d-flex flex-wrap justify-content-between align-items-center gap-2";
    var count = document.createElement("strong");
    count.className = "fq-outbox-count";
    count.textContent = text("count", { n: waiting });
    head.appendChild(count);
    if (items.length > waiting) { head.appendChild(button(text("clear"), "clear", 0)); }
    box.appendChild(head);
    var list = document.createElement("ol");
    list.className = "list-unstyled mb-0 mt-1 small";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "fq-outbox-item border-top pt-1 mt-1";
      li.dataset.status = item.status;
      var line = document.createElement("div");
      var when = new Date(item.created);
      var status = document.createElement("span");
      status.className = "badge ms-1 text-bg-" + ({ sent: "success", rejected: "danger" }[item.status] || "secondary");
      status.textContent = text(item.status);
      line.textContent = item.title + " · " + when.toLocaleString();
      line.appendChild(status);
      if (item.link) {
        var a = document.createElement("a");
        a.href = item.link; a.className = "ms-2"; a.textContent = text("open");
        line.appendChild(a);
      }
      li.appendChild(line);
      if (item.message) {
        var why = document.createElement("div");
        why.className = "fq-outbox-message text-danger";
        why.textContent = item.message;
        li.appendChild(why);
      }
      if (item.files) {
        var files = document.createElement("div");
        files.className = "text-muted";
        files.textContent = text("files");
        li.appendChild(files);
      }
      if (item.status !== "sent") {
        var actions = document.createElement("div");
        actions.className = "d-flex gap-2 mt-1";
        if (item.status === "rejected") {
          actions.appendChild(button(text("edit"), "edit", item.id, "primary"));
          actions.appendChild(button(text("resend"), "resend", item.id));
        }
        actions.appendChild(button(text("remove"), "remove", item.id, "outline-danger"));
        li.appendChild(actions);
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    if (flash) {
      var note = document.createElement("div");
      note.className = "fq-outbox-flash mt-1";
      note.textContent = flash;
      box.appendChild(note);
    }
  }

  document.addEventListener("click", async function (event) {
    var b = event.target.closest ? event.target.closest("[data-outbox-action]") : null;
    if (!b) { return; }
    var d = await db();
    var id = parseInt(b.dataset.outboxId, 10);
    var action = b.dataset.outboxAction;
    if (action === "clear") {
      for (const item of await mine()) { if (item.status === "sent") { await d.delete("items", item.id); } }
    } else if (action === "remove") {
      if (!window.confirm(text("confirm-remove"))) { return; }
      await d.delete("items", id);
    } else if (action === "resend") {
      var item = await d.get("items", id);
      item.status = "pending"; item.message = "";
      await d.put("items", item);
      await flush();
    } else if (action === "edit") {
      var it = await d.get("items", id);
      location.href = it.url + "#outbox-" + id;
      if (location.pathname === it.url) { location.reload(); }
      return;
    }
    render();
  });

  // --- logging out: nothing readable stays on the phone ---------------------------------------------

  async function wipe() {
    if (dbPromise) { (await dbPromise).close(); dbPromise = null; }
    await idb.deleteDB(DB);
    if (window.caches) { await Promise.all([caches.delete(PAGES), caches.delete(ASSETS)]); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[action$='/logout/']") || form.dataset.wiped) { return; }
    event.preventDefault();
    mine().then(function (items) {
      var n = unsent(items).length;
      if (n && !window.confirm(text("logout", { n: n }))) { return; }
      return wipe().catch(function () {}).then(function () { form.dataset.wiped = "1"; form.submit(); });
    });
  }, true);

  // --- pages kept for offline use -------------------------------------------------------------------

  async function warm() {
    if (!navigator.onLine || !script.dataset.pages || !window.caches) { return; }
    var last = parseInt(localStorage.getItem("fq-warm-" + user) || "0", 10);
    if (Date.now() - last < WARM_EVERY) { return; }
    localStorage.setItem("fq-warm-" + user, String(Date.now()));
    var pages = (await (await fetch(script.dataset.pages, { credentials: "same-origin" })).json()).pages || [];
    var pageCache = await caches.open(PAGES), assetCache = await caches.open(ASSETS);
    var assets = new Set();
    document.querySelectorAll("script[src], link[rel=stylesheet][href]").forEach(function (n) { assets.add(n.getAttribute("src") || n.getAttribute("href")); });
    for (var i = 0; i < pages.length; i++) {
      try {
        var response = await fetch(pages[i], { credentials: "same-origin", redirect: "error" });
        if (!response.ok) { continue; }
        var html = await response.clone().text();
        await pageCache.put(new URL(pages[i], location.href).href, response);
        new DOMParser().parseFromString(html, "text/html").querySelectorAll("script[src], link[rel=stylesheet][href]").forEach(function (n) {
          assets.add(n.getAttribute("src") || n.getAttribute("href"));
        });
      } catch (e) { /* a page that cannot be kept now is kept next time */ }
    }
    for (const url of assets) {
      if (url && url.indexOf("/") === 0 && url.indexOf("//") !== 0) {
        try { if (!(await assetCache.match(url))) { await assetCache.add(url); } } catch (e) { /* next time */ }
      }
    }
  }

  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { render(); });
  window.fqOutbox = { flush: flush, render: render, warm: warm, wipe: wipe };
  if (!user) {
    // the login page: whatever a previous session left behind is not readable here, but is still hers
    // to send after logging in; a wipe happens only on logging out
    return;
  }
  restore().then(render).then(flush).then(function () { return warm(); }).catch(function () {});
})();
