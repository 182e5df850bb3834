// Tells the server the browser's time zone (the `tz` cookie), so that times are shown in it.
// Without this file the server's zone is shown, named. accounts/middleware.py checks the value.
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) return;
    var cookie = "tz=" + zone;
    if (document.cookie.split("; ").indexOf(cookie) !== -1) return;
    document.cookie = cookie + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  } catch (e) {
    // No Intl: the server's zone is shown, with its name.
  }
})();
