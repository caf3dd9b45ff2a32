// GridWorker phone pages on the participation API (/api/v1/p, docs/participation-api.md): lists and forms by fetch.
// [data-list=URL] fills its <template> once per item of the answer's [data-key] list; [data-root=field] shows a
// field of the whole answer (a balance). In an item: [data-text=field] (as text, never HTML), [data-time=field],
// [data-if=field] / [data-if-not=field] (shown when the field is true / false), [data-post=URL with {id}] buttons,
// whose [data-input] sibling (a code, a quantity) goes in the body. form[data-api="METHOD URL"] sends its fields
// as JSON. After any change every list of the page is read again (live balance and stock). Words come from the
// server in the page's language; the API answers in it too (Accept-Language).
(function () {
  "use strict";
  var lang = document.documentElement.lang.indexOf("en") === 0 ? "en" : "zh-CN";
  var box = function () { return document.querySelector("[data-api-error]"); };
  var done = function () { return document.querySelector("[data-api-done]"); };

  function say(el, text) { if (el) { el.textContent = text || ""; el.hidden = !text; } }

  function call(method, url, body) {
    var init = { method: method, credentials: "same-origin", headers: { "Accept-Language": lang } };
    if (body !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(url, init).then(function (r) {
      if (r.status === 401) { location.href = "/h5/sign-in?expired=1&next=" + encodeURIComponent(location.pathname); throw null; }
      if (r.status === 204) return {};
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || r.statusText);
        return data;
      });
    });
  }

  function when(text) {
    if (!text) return "";
    var d = new Date(text);
    if (isNaN(d)) return "";
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }

  function fill(node, item) {
    node.querySelectorAll("[data-text]").forEach(function (el) {
      var v = item[el.getAttribute("data-text")];
      el.textContent = v === null || v === undefined ? "" : Array.isArray(v) ? v.join("、") : String(v);
    });
    node.querySelectorAll("[data-time]").forEach(function (el) { el.textContent = when(item[el.getAttribute("data-time")]); });
    node.querySelectorAll("[data-if]").forEach(function (el) { el.hidden = !item[el.getAttribute("data-if")]; });
    node.querySelectorAll("[data-if-not]").forEach(function (el) { el.hidden = !!item[el.getAttribute("data-if-not")]; });
    node.querySelectorAll("[data-if-can]").forEach(function (el) { el.hidden = (item.can || []).indexOf(el.getAttribute("data-if-can")) < 0; });
    node.querySelectorAll("[data-text-value]").forEach(function (el) { el.value = item.id; });
    node.querySelectorAll("[data-post]").forEach(function (b) {
      b.setAttribute("data-url", b.getAttribute("data-post").replace("{id}", encodeURIComponent(item.id)));
    });
  }

  function load(list) {
    return call("GET", list.getAttribute("data-list")).then(function (data) {
      var tpl = list.querySelector("template"), out = list.querySelector("[data-items]");
      list.querySelectorAll("[data-root]").forEach(function (el) { el.textContent = data[el.getAttribute("data-root")]; });
      if (!tpl || !out) return;
      var items = data[list.getAttribute("data-key")] || [];
      out.textContent = "";
      items.forEach(function (item) {
        var node = tpl.content.cloneNode(true);
        fill(node, item);
        out.appendChild(node);
      });
      say(list.querySelector("[data-empty]"), items.length ? "" : list.querySelector("[data-empty]").getAttribute("data-empty"));
      list.setAttribute("data-loaded", "1");
    }).catch(function (e) { if (e) say(box(), e.message); });
  }

  function reloadAll() { return Promise.all(Array.prototype.map.call(document.querySelectorAll("[data-list]"), load)); }

  function bodyOf(fields) {
    var body = {};
    fields.forEach(function (el) {
      if (!el.name || el.type === "submit" || (el.type === "checkbox" && !el.checked)) return;
      var v = el.type === "number" || el.hasAttribute("data-number") ? (el.value === "" ? null : Number(el.value)) : el.value;
      if (el.hasAttribute("data-list-value")) { (body[el.name] = body[el.name] || []).push(v); return; }
      if (v !== "" && v !== null) body[el.name] = v;
    });
    return body;
  }

  // Photos of a write-up: each made smaller (app.js) and sent to /photos first; the record then names their ids.
  function photoIds(b) {
    var input = b.parentNode.querySelector("input[type=file]");
    var files = input ? Array.prototype.slice.call(input.files || []) : [];
    return Promise.all(files.map(function (f) {
      return window.gwShrink(f).then(function (jpeg) {
        return fetch("/api/v1/p/photos", { method: "POST", credentials: "same-origin", body: jpeg,
          headers: { "Content-Type": "image/jpeg", "Accept-Language": lang } }).then(function (r) {
          return r.json().then(function (data) {
            if (!r.ok) throw new Error((data.error && data.error.message) || r.statusText);
            return data.photo_id;
          });
        });
      }, function () { throw new Error(input.getAttribute("data-not-photo").replace("{name}", f.name)); });
    }));
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-url]");
    if (!b || b.disabled) return;
    b.disabled = true;
    say(box(), ""); say(done(), "");
    var inputs = Array.prototype.slice.call(b.parentNode.querySelectorAll("[data-input]"));
    var photos = b.hasAttribute("data-with-photos") ? photoIds(b) : Promise.resolve(null);
    photos.then(function (ids) {
      var body = inputs.length ? bodyOf(inputs) : undefined;
      if (ids) { body = body || {}; body.photo_ids = ids; }
      return call("POST", b.getAttribute("data-url"), body);
    })
      .then(function () { say(done(), b.getAttribute("data-done")); return reloadAll(); })
      .catch(function (e) { if (e) say(box(), e.message); })
      .then(function () { b.disabled = false; });
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute("data-api")) return;
    ev.preventDefault();
    var parts = form.getAttribute("data-api").split(" "), buttons = form.querySelectorAll("button[type=submit]");
    if (form.getAttribute("data-busy") === "1") return;
    form.setAttribute("data-busy", "1");
    buttons.forEach(function (x) { x.disabled = true; });
    say(box(), ""); say(done(), "");
    call(parts[0], parts[1], bodyOf(Array.prototype.slice.call(form.elements)))
      .then(function () {
        say(done(), form.getAttribute("data-done"));
        if (form.hasAttribute("data-reset")) form.reset();
        return reloadAll();
      })
      .catch(function (e) { if (e) say(box(), e.message); })
      .then(function () { form.setAttribute("data-busy", "0"); buttons.forEach(function (x) { x.disabled = false; }); });
  });

  document.addEventListener("DOMContentLoaded", reloadAll);
})();
