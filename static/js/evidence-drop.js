// Evidence drop zones: files dropped on a form marked data-evidence-drop go into its
// file input and the form is sent. Without this script the same form works with the
// file picker and its Upload button, so nothing here is needed to upload.
(function () {
  "use strict";

  const ZONE = "[data-evidence-drop]";
  const ACTIVE = "is-dragover";

  function zoneOf(event) {
    return event.target instanceof Element ? event.target.closest(ZONE) : null;
  }

  function carriesFiles(event) {
    return Boolean(event.dataTransfer) && Array.from(event.dataTransfer.types).includes("Files");
  }

  // Offer dropping only where it can happen: a mouse or trackpad, not a phone.
  function offerDropping(root) {
    if (!window.matchMedia("(pointer: fine)").matches) return;
    root.querySelectorAll(ZONE + " .drop-hint").forEach(function (hint) {
      hint.hidden = false;
    });
  }
  offerDropping(document);
  // Zones loaded later, as the My CAPs cards load theirs when opened.
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) offerDropping(event.target);
  });

  document.addEventListener("dragover", function (event) {
    if (!carriesFiles(event)) return;
    const zone = zoneOf(event);
    // A file dropped beside a zone would make the browser leave the page to show it.
    if (zone || document.querySelector(ZONE)) event.preventDefault();
    if (!zone) return;
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add(ACTIVE);
  });

  document.addEventListener("dragleave", function (event) {
    const zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove(ACTIVE);
  });

  document.addEventListener("drop", function (event) {
    if (!carriesFiles(event)) return;
    const zone = zoneOf(event);
    if (!zone) {
      if (document.querySelector(ZONE)) event.preventDefault();
      return;
    }
    event.preventDefault();
    zone.classList.remove(ACTIVE);
    const input = zone.querySelector('input[type="file"]');
    if (!input || event.dataTransfer.files.length === 0) return;
    input.files = event.dataTransfer.files;
    const status = zone.querySelector(".drop-status");
    if (status) status.textContent = zone.getAttribute("data-uploading") || "";
    // requestSubmit runs the form's submit handlers (and checks) as a click would.
    if (zone.requestSubmit) zone.requestSubmit();
    else zone.submit();
  });
})();
