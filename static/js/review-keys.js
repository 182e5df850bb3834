// Keyboard shortcuts for the review screen; the page works without this file.
// WCAG 2.1.4 (character key shortcuts): they can be turned off with a visible switch, which
// this browser remembers, and they never act while the focus is in a form control (a level's
// radio button, the comment, any input, select or button), so arrows move between levels there.
(function () {
  "use strict";
  var STORE = "stepwise.review-keys";
  var current = 0;
  var panel = document.getElementById("review-keys");
  var toggle = document.getElementById("keys-on");
  function stored() {
    try { return window.localStorage.getItem(STORE); } catch (e) { return null; }
  }
  function remember(on) {
    try { window.localStorage.setItem(STORE, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }
  function on() { return !toggle || toggle.checked; }
  function criteria() { return Array.prototype.slice.call(document.querySelectorAll("#grade-panel .criterion")); }
  function mark() {
    var shown = on();
    criteria().forEach(function (el, i) { el.classList.toggle("is-current", shown && i === current); });
  }
  function inControl(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.isContentEditable || target.closest("input, textarea, select, button, [contenteditable]"));
  }
  if (panel) panel.hidden = false;
  if (toggle) {
    toggle.checked = stored() !== "off";
    toggle.addEventListener("change", function () { remember(toggle.checked); mark(); });
  }
  document.addEventListener("htmx:afterSwap", mark);
  document.addEventListener("keydown", function (event) {
    if (!on() || inControl(event.target)) return;
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
    } else if (event.key === "ArrowDown" && list.length) { current = Math.min(current + 1, list.length - 1); mark(); event.preventDefault(); }
    else if (event.key === "ArrowUp" && list.length) { current = Math.max(current - 1, 0); mark(); event.preventDefault(); }
    else if (event.key === "a") { document.getElementById("accept").click(); }
    else if (event.key === "n") { var n = document.getElementById("next-link"); if (n) n.click(); }
    else if (event.key === "p") { var p = document.getElementById("prev-link"); if (p) p.click(); }
  });
  mark();
})();
