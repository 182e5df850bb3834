// Keyboard shortcuts for the review screen. The page works without this file.
(function () {
  "use strict";
  var current = 0;
  function criteria() { return Array.prototype.slice.call(document.querySelectorAll("#grade-panel .criterion")); }
  function mark() {
    criteria().forEach(function (el, i) { el.classList.toggle("is-current", i === current); });
  }
  document.addEventListener("htmx:afterSwap", mark);
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" && target.type !== "radio")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var list = criteria();
    if (/^[1-9]$/.test(event.key) && list.length) {
      var radios = list[current].querySelectorAll("input[type=radio]");
      var radio = radios[Number(event.key) - 1];
      if (radio) {
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        current = Math.min(current + 1, list.length - 1);
        mark();
      }
      event.preventDefault();
    } else if (event.key === "ArrowDown") { current = Math.min(current + 1, list.length - 1); mark(); event.preventDefault(); }
    else if (event.key === "ArrowUp") { current = Math.max(current - 1, 0); mark(); event.preventDefault(); }
    else if (event.key === "a") { document.getElementById("accept").click(); }
    else if (event.key === "n") { var n = document.getElementById("next-link"); if (n) n.click(); }
    else if (event.key === "p") { var p = document.getElementById("prev-link"); if (p) p.click(); }
  });
  mark();
})();
