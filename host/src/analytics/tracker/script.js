// Waymark's web-analytics tracker, served as GET /script.js.
//
//   <script defer src="https://ANALYTICS-HOST/script.js" data-site="TRACKING_ID"></script>
//
// Options, as attributes of that script tag:
//   data-api="URL"        where events go (default: this script's origin + /api/collect)
//   data-hash             hash-based routing: a new hash is a new page; URLs keep the hash
//   data-outbound         count clicks on links to other hosts
//   data-downloads="pdf,zip"  count clicks on links to files (no value: the list below)
//   data-waymark-ignore   send nothing from this page (also on the <html> element)
//   data-allow-headless   for tests only: skip the headless-browser/webdriver check
//
// Every event is one JSON text POSTed as text/plain (no CORS preflight), by
// sendBeacon, which survives the page going away, else by a keepalive fetch.
// No cookies, no storage: nothing identifies a visitor on the client side.
//
// The server serves this file with full-line comments and indentation
// removed (see mod.rs), so: no comment after code on a line, no multi-line
// strings or template literals.
(function (w, d) {
  var nav = w.navigator;
  var loc = w.location;
  var tag = d.currentScript || d.querySelector("script[data-site]");
  var on = function (el, type, fn, capture) {
    el.addEventListener(type, fn, capture);
  };
  var has = function (el, name) {
    return el.hasAttribute("data-" + name);
  };
  var attr = function (name, el) {
    return (el || tag).getAttribute("data-" + name);
  };
  var noop = function () {};
  if (
    !tag ||
    // Do-Not-Track, in each of the places browsers have kept it.
    nav.doNotTrack == "1" ||
    w.doNotTrack == "1" ||
    nav.msDoNotTrack == "1" ||
    has(d.documentElement, "waymark-ignore") ||
    has(tag, "waymark-ignore") ||
    loc.protocol == "file:" ||
    // Automation: PhantomJS and Nightmare always, WebDriver and headless
    // Chrome unless the page says it is a test (data-allow-headless).
    w.callPhantom ||
    w._phantom ||
    w.__nightmare ||
    (!has(tag, "allow-headless") && (nav.webdriver || /Headless/.test(nav.userAgent)))
  ) {
    // Nothing is sent; calls the page makes still work (and do nothing).
    w.waymark = noop;
    return;
  }

  var site = attr("site");
  var api = attr("api") || new URL(tag.src).origin + "/api/collect";
  var hashMode = has(tag, "hash");
  var outbound = has(tag, "outbound");
  var downloads = attr("downloads");
  downloads =
    downloads != null &&
    (downloads || "pdf,zip,gz,rar,7z,dmg,pkg,exe,msi,apk,iso,csv,docx,xlsx,pptx,odt,epub,mp3,wav,mp4,mov,mkv")
      .toLowerCase()
      .split(/[\s,.]+/);

  // The referrer goes with the first page view only; after an SPA
  // navigation the previous page is known from the previous page view.
  var referrer = d.referrer;
  // The URL of the page last counted (engagement is reported for it).
  var page;
  // Visible time: `since` is when the page last became visible (0 while it
  // is hidden; the first page view starts the clock), `shown` the
  // milliseconds not yet reported.
  var since = 0;
  var shown = 0;
  var visible = function () {
    return d.visibilityState == "visible";
  };

  var href = function () {
    return hashMode ? loc.href : loc.href.split("#")[0];
  };

  var send = function (type, value, ms, url) {
    var event = {
      tid: site,
      type: "" + type,
      url: url || href(),
      ref: type == "page_view" ? referrer : "",
      screen: screen.width + "x" + screen.height,
      lang: nav.language
    };
    if (value != null) event.value = "" + value;
    if (ms) event.ms = ms;
    var body = JSON.stringify(event);
    try {
      if (nav.sendBeacon(api, body)) return;
    } catch (e) {}
    // No sendBeacon, or its queue is full.
    fetch(api, {
      method: "POST",
      body: body,
      keepalive: true,
      credentials: "omit",
      headers: { "Content-Type": "text/plain" }
    }).catch(noop);
  };

  // Reports the visible time since the last report, for the counted page.
  // `gone`: the page is going away, so the clock stops even if the
  // browser still calls it visible.
  var engagement = function (gone) {
    var now = Date.now();
    if (since) shown += now - since;
    since = !gone && visible() ? now : 0;
    if (shown > 0 && page) send("engagement", null, shown, page);
    shown = 0;
  };

  var pageView = function () {
    var url = href();
    // Never twice in a row: a hash change outside hash mode, or a
    // replaceState to the same address, is the same page.
    if (url == page) return;
    engagement();
    page = url;
    send("page_view");
    referrer = "";
  };

  // SPA navigations: every pushState, a replaceState that changes the path,
  // back and forward, and (hash mode) a new hash.
  var wrap = function (name, always) {
    var original = history[name];
    history[name] = function () {
      var path = loc.pathname;
      var result = original.apply(this, arguments);
      if (always || path != loc.pathname) pageView();
      return result;
    };
  };
  wrap("pushState", 1);
  wrap("replaceState");
  on(w, "popstate", pageView);
  if (hashMode) on(w, "hashchange", pageView);

  on(d, "visibilitychange", function () {
    visible() ? (since = since || Date.now()) : engagement(1);
  });
  on(w, "pagehide", function () {
    engagement(1);
  });

  // Clicks, seen while capturing (before the page's own handlers can stop
  // them) and never prevented: the beacon is queued before the browser
  // leaves. A middle click opens a link too, but fires `auxclick`.
  var click = function (e) {
    if (!e.target.closest || (e.type == "auxclick" && e.button != 1)) return;
    var marked = e.target.closest("[data-waymark-event]");
    if (marked) send(attr("waymark-event", marked), attr("waymark-value", marked));
    var link = e.target.closest("a[href]");
    if (!link || !/^https?:$/.test(link.protocol)) return;
    var ext = /\.(\w+)$/.exec(link.pathname);
    if (downloads && ext && downloads.indexOf(ext[1].toLowerCase()) >= 0) send("download", link.href);
    else if (outbound && link.host != loc.host) send("outbound", link.href);
  };
  on(d, "click", click, true);
  on(d, "auxclick", click, true);

  // waymark("signup", {value: "pro"}); calls made before this script
  // loaded wait in the stub's queue, sent after the first page view.
  var queue = (w.waymark && w.waymark.q) || [];
  w.waymark = function (name, options) {
    send(name, options && options.value);
  };
  pageView();
  for (var i = 0; i < queue.length; i++) w.waymark.apply(null, queue[i]);
})(window, document);
