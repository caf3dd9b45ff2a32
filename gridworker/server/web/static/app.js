// GridWorker phone pages: a little JavaScript where it helps, none needed to use the pages.
// - data-once forms: the submit button goes off with the first tap (one record, not two);
// - data-draft forms: what is typed is kept on this phone until the page that follows says it arrived,
//   so a session that expired mid-form loses nothing;
// - data-photos inputs: pictures are checked and made smaller (canvas) before they are sent;
//   the original's EXIF (time, place) travels with them for the server to read and strip;
// - data-gps: the phone's location, read once when tapped; data-category-search: filter the kinds.
(function () {
  "use strict";
  var LONG_EDGE = 1600;

  function draftKey(form) { return "gw-draft:" + form.getAttribute("data-draft"); }
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf" && el.name !== "form_id" && el.type !== "password" && el.type !== "file" && el.type !== "submit";
    });
  }
  function saveDraft(form) {
    var data = {};
    draftFields(form).forEach(function (el) { data[el.name] = el.value; });
    try { localStorage.setItem(draftKey(form), JSON.stringify(data)); } catch (e) { /* private mode: nothing kept */ }
  }
  function restoreDraft(form) {
    var data;
    try { data = JSON.parse(localStorage.getItem(draftKey(form)) || "null"); } catch (e) { data = null; }
    if (!data) return;
    draftFields(form).forEach(function (el) {
      if (data[el.name] && !el.value) el.value = data[el.name];
    });
  }

  function once(form) {
    form.addEventListener("submit", function (ev) {
      if (form.getAttribute("data-busy") === "1" || form.getAttribute("data-pending") > 0) { ev.preventDefault(); return; }
      form.setAttribute("data-busy", "1");
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
        b.disabled = true;
        if (b.getAttribute("data-sending")) b.textContent = b.getAttribute("data-sending");
      });
    });
  }

  function showError(box, text) { box.textContent = text; box.hidden = !text; }

  // The APP1 (Exif) segment of a JPEG, or null.
  function exifSegment(buf) {
    var v = new DataView(buf), i = 2;
    if (v.byteLength < 4 || v.getUint16(0) !== 0xFFD8) return null;
    while (i + 4 <= v.byteLength) {
      var marker = v.getUint16(i), len = v.getUint16(i + 2);
      if (marker === 0xFFE1 && v.getUint32(i + 4) === 0x45786966) return buf.slice(i, i + 2 + len);
      if (marker === 0xFFDA || (marker & 0xFF00) !== 0xFF00) return null;
      i += 2 + len;
    }
    return null;
  }

  function shrink(file) {
    return file.arrayBuffer().then(function (buf) {
      return createImageBitmap(new Blob([buf]), { imageOrientation: "from-image" }).then(function (bmp) {
        var scale = Math.min(1, LONG_EDGE / Math.max(bmp.width, bmp.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bmp.width * scale); canvas.height = Math.round(bmp.height * scale);
        canvas.getContext("2d").drawImage(bmp, 0, 0, canvas.width, canvas.height);
        return new Promise(function (ok) { canvas.toBlob(ok, "image/jpeg", 0.85); }).then(function (jpeg) {
          var exif = exifSegment(buf);
          if (!exif) return jpeg;
          return jpeg.arrayBuffer().then(function (out) {  // SOI, the original's Exif, then the rest
            return new Blob([out.slice(0, 2), exif, out.slice(2)], { type: "image/jpeg" });
          });
        });
      });
    });
  }

  window.gwShrink = shrink;  // part.js: a write-up's photos go to the participation API made smaller too

  function photos(input) {
    var form = input.form, box = form.querySelector("[data-photo-error]"), previews = form.querySelector("[data-previews]");
    var limit = +input.getAttribute("data-limit"), max = +input.getAttribute("data-max");
    var resized = document.createElement("input");
    resized.type = "hidden"; resized.name = "resized"; resized.value = "0"; form.appendChild(resized);
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      showError(box, ""); previews.textContent = "";
      if (files.length > max) { showError(box, input.getAttribute("data-too-many")); input.value = ""; return; }
      var big = files.filter(function (f) { return f.size > limit; })[0];
      if (big) { showError(box, input.getAttribute("data-too-big").replace("{name}", big.name)); input.value = ""; return; }
      form.setAttribute("data-pending", "1");
      Promise.all(files.map(function (f) {
        return shrink(f).catch(function () { throw f; });
      })).then(function (blobs) {
        var dt = new DataTransfer();
        blobs.forEach(function (b, n) {
          dt.items.add(new File([b], "photo-" + (n + 1) + ".jpg", { type: "image/jpeg" }));
          var img = document.createElement("img"); img.alt = ""; img.src = URL.createObjectURL(b); previews.appendChild(img);
        });
        input.files = dt.files; resized.value = "1";
      }, function (bad) {
        showError(box, input.getAttribute("data-not-photo").replace("{name}", bad.name)); input.value = "";
      }).then(function () { form.setAttribute("data-pending", "0"); });
    });
  }

  function gps(button) {
    var form = button.form, state = form.querySelector("[data-gps-state]");
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { state.textContent = button.getAttribute("data-failed"); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[data-lat]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[data-lon]").value = pos.coords.longitude.toFixed(6);
        state.textContent = button.getAttribute("data-ok");
      }, function () { state.textContent = button.getAttribute("data-failed"); }, { timeout: 15000, maximumAge: 60000 });
    });
  }

  function categorySearch(box) {
    var select = box.form.querySelector("[data-category]");
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase(), first = null;
      Array.prototype.forEach.call(select.querySelectorAll("option[data-keys]"), function (o) {
        var hit = !q || o.getAttribute("data-keys").indexOf(q) >= 0;
        o.hidden = !hit; o.disabled = !hit;
        if (hit && !first) first = o;
      });
      if (q && first) select.value = first.value;
      select.setCustomValidity(q && !first ? box.getAttribute("data-none") : "");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-clear-draft]"), function (el) {
      try { localStorage.removeItem("gw-draft:" + el.getAttribute("data-clear-draft")); } catch (e) { /* nothing kept */ }
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
      restoreDraft(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("submit", function () { saveDraft(form); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-once]"), once);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-photos]"), photos);
    Array.prototype.forEach.call(document.querySelectorAll("[data-gps]"), gps);
    Array.prototype.forEach.call(document.querySelectorAll("[data-category-search]"), categorySearch);
  });
})();
