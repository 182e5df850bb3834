// The attempt page: what the student changed is never lost by leaving, and a countdown.
// The page works without this file: every way of leaving it is a button of the answer form
// (save, then go). This adds, for what still leaves by other ways (a link in a question, the
// Back button, another address, closing the tab), a last save of what htmx has not sent yet:
// awaited before a link is followed, and sent with navigator.sendBeacon when the page is hidden.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var saveUrl = form.getAttribute("data-autosave");
  var changes = 0; // changes made on this page
  var sent = 0; // changes already on their way to the server (or there)
  var flushing = null;

  function pending() { return changes > sent; }
  function changed() { changes += 1; }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // The form's own submit (Save, Next, a question number, a header button) carries everything.
  form.addEventListener("submit", function () { sent = changes; });
  // htmx's autosave: what it sent counts once the server has answered.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === form) event.detail.xhr.stepwiseMark = changes;
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var mark = event.detail.xhr && event.detail.xhr.stepwiseMark;
    if (event.detail.elt === form && event.detail.successful && mark > sent) sent = mark;
  });

  function showProblems(problems) {
    var status = document.getElementById("save-status");
    if (!status) return;
    var list = document.createElement("ul");
    list.className = "errors";
    problems.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    status.replaceChildren(list);
  }

  // Send what is pending and wait for the answer: {redirect} when the attempt is over,
  // {problems} when something could not be saved, {} otherwise.
  function flush() {
    if (!pending()) return flushing || Promise.resolve({});
    var mark = changes;
    flushing = fetch(saveUrl, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) {
        if (mark > sent) sent = mark;
        return {};
      }
      if (response.status === 409 || response.status === 422) return response.json();
      return {};
    }, function () { return {}; }).then(function (outcome) {
      flushing = null;
      return outcome;
    });
    return flushing;
  }

  // A link that leaves the page (one in a question's text, say): save first, then go.
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    var to = new URL(link.href, location.href);
    var here = new URL(location.href);
    if (to.origin === here.origin && to.pathname === here.pathname && to.search === here.search && to.hash) return;
    if (!pending()) return;
    event.preventDefault();
    flush().then(function (outcome) {
      if (outcome.redirect) location.assign(outcome.redirect);
      else if (outcome.problems) showProblems(outcome.problems);
      else location.assign(to.href);
    });
  });

  // Leaving any other way: the last changes go by beacon (the CSRF token is in the form).
  function beacon() {
    if (!pending()) return true;
    var queued = navigator.sendBeacon && navigator.sendBeacon(saveUrl, new FormData(form));
    if (queued) sent = changes;
    return queued;
  }
  window.addEventListener("pagehide", beacon);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") beacon();
  });
  window.addEventListener("beforeunload", function (event) {
    // A beacon too large to queue (64 KB): let the browser ask before leaving.
    if (!beacon()) { event.preventDefault(); event.returnValue = ""; }
  });

  // The countdown, from the seconds the server said were left (its clock decides; the
  // browser's clock is not trusted). Warnings at 5 and 1 minutes; at zero, what is pending
  // has already been sent and the student goes to the "time is up" page.
  var clock = document.getElementById("countdown");
  if (!clock) return;
  var remaining = Number(clock.getAttribute("data-remaining"));
  var end = performance.now() + remaining * 1000;
  var timer = clock.querySelector("[role=timer]");
  var warning = document.getElementById("time-warning");
  var warned = remaining <= 60 ? 60 : remaining <= 300 ? 300 : Infinity;
  var done = false;
  timer.parentNode.hidden = false;

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return h ? h + ":" + two(m) + ":" + two(s) : m + ":" + two(s);
  }
  function tick() {
    var left = (end - performance.now()) / 1000;
    var seconds = Math.max(0, Math.ceil(left));
    timer.textContent = format(seconds);
    if (seconds <= 60 && warned > 60) {
      warned = 60;
      warning.textContent = "1 minute left. Your answers save as you go; what is saved when time is up is submitted.";
    } else if (seconds <= 300 && warned > 300) {
      warned = 300;
      warning.textContent = "5 minutes left. Your answers save as you go; what is saved when time is up is submitted.";
    }
    if (seconds <= 2 && pending() && !flushing) flush(); // in time, before the deadline
    if (left <= -0.5 && !done) {
      done = true;
      clearInterval(interval);
      warning.textContent = "Time is up — your saved answers are being submitted.";
      flush().then(function (outcome) {
        location.assign(outcome.redirect || clock.getAttribute("data-time-up"));
      });
    }
  }
  var interval = setInterval(tick, 250);
  tick();
})();
