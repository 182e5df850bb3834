// Narrow a long checkbox list as the author types. Without this file the whole list shows
// (the filter box stays hidden); ticked boxes are never hidden, so nothing chosen disappears.
(function () {
  "use strict";
  function reveal(root) {
    root.querySelectorAll(".pick-filter[hidden]").forEach(function (box) { box.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSwap", function (event) { reveal(event.target); });
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".pick-filter input")) return;
    var list = document.getElementById(box.getAttribute("aria-controls"));
    if (!list) return;
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    list.querySelectorAll(".pick-option").forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var ticked = row.querySelector("input:checked") !== null;
      var match = ticked || words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    var status = list.parentNode.querySelector(".pick-count");
    if (status) status.textContent = words.length ? shown + " shown" : "";
  });
})();
