// The portal's behaviour beyond htmx: modal dialogs, copy buttons, and showing errors.
// No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  var opener = null;

  function dialog() { return document.getElementById("portal-dialog"); }

  function announce(text) {
    var status = document.getElementById("portal-status");
    if (status) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); }
  }

  function focusInto(container) {
    var target = container.querySelector("[autofocus]") ||
      container.querySelector("input:not([type=hidden]), textarea, select, button, a[href]");
    if (target) { target.focus(); }
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      announce("Copied to the clipboard.");
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { source.select(); });
    } else {
      // Plain-http servers: the Clipboard API needs a secure context.
      source.select();
      if (document.execCommand("copy")) { done(); }
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var open = target.closest("[data-dialog-open]");
    if (open) { opener = open; }
    var close = target.closest("[data-dialog-close]");
    if (close) {
      var d = close.closest("dialog");
      if (d) { d.close(); }
    }
    var copier = target.closest("[data-copy]");
    if (copier) { copy(copier); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !(event.target instanceof Element)) { return; }
    var form = event.target.closest(".inline-edit");
    var cancel = form && form.querySelector("[id^=cancel-edit-]");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var d = dialog();
    var target = event.detail.target;
    if (d && d.contains(target)) {
      if (!d.open && target.childElementCount > 0) { d.showModal(); }
      focusInto(d);
    } else if (target && target.matches && target.matches("tr")) {
      focusInto(target);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // A row swapped back after an edit: put focus back on its pencil button.
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("tr[id^=company-]") && !elt.querySelector("form")) {
      var pencil = elt.querySelector("[id^=edit-]");
      if (pencil && document.activeElement === document.body) { pencil.focus(); }
    }
  });

  document.addEventListener("closeDialog", function () {
    var d = dialog();
    if (d && d.open) { d.close(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var d = dialog();
    if (!d) { return; }
    d.addEventListener("close", function () {
      document.getElementById("portal-dialog-body").replaceChildren();
      // Back to the control that opened the dialog, or the page if it is gone (deleted).
      if (opener && document.contains(opener)) { opener.focus(); }
      else { document.getElementById("main").focus(); }
      opener = null;
    });
  });

  document.addEventListener("htmx:responseError", function (event) {
    var main = document.getElementById("main");
    var box = document.getElementById("portal-error");
    if (!box) {
      box = document.createElement("p");
      box.id = "portal-error";
      box.setAttribute("role", "alert");
      main.prepend(box);
    }
    var parsed = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var message = parsed.getElementById("message-text");
    box.textContent = message ? message.textContent : "Something went wrong. Reload the page and try again.";
    var d = dialog();
    if (d && d.open) { d.close(); }
  });
})();
