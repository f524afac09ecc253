// privet.js: consent banner and script gate; privet serves it with the site's config injected.
(function () {
  "use strict";

  var CONFIG = /*CONFIG*/{};
  var tag = document.currentScript;
  // Paths resolve against this script: privet may live on another origin or path.
  var scriptSrc = (tag && tag.src) || location.href;
  var categories = CONFIG.categories || [];
  var optional = categories.filter((category) => !category.required);
  var gpcOn = navigator.globalPrivacyControl === true;
  var SIGNALS = ["ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"];
  var consentMode = typeof window.gtag === "function" || Array.isArray(window.dataLayer);
  var lang = chooseLanguage();
  var words = (CONFIG.words || {})[lang] || {};
  var listeners = [];
  var state = readStoredChoice() || { v: newVisitorId(), r: null, d: {} };
  var sequence = 0; // a late answer must not overwrite a newer receipt
  var banner = null;
  var centreBoxes = null;
  var returnFocus = null;
  var sheet = null;
  var analytics = CONFIG.analytics || { mode: "off", categories: [] };
  var view = { counted: false, id: null, shownAt: Date.now() };
  var links = CONFIG.links;

  var STYLES = `
.privet-banner { position: fixed; z-index: 2147483647; left: 0; right: 0; bottom: 0;
  max-width: 42rem; max-height: 85vh; overflow: auto; margin: 0 auto; padding: 1rem 1.25rem;
  font: 15px/1.5 system-ui, sans-serif; color: #1b1b1b; background: #fff; text-align: left;
  border: 1px solid #767676; border-radius: .75rem .75rem 0 0; box-shadow: 0 0 1.5rem #0005;
  animation: privet-in .3s ease-out; }
@keyframes privet-in { from { opacity: 0; transform: translateY(2rem); } }
@media (prefers-reduced-motion: reduce) { .privet-banner { animation: none; } }
.privet h2 { margin: 0 0 .5rem; font-size: 1.2em; }
.privet p { margin: 0 0 .75rem; }
.privet :focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.privet-actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.privet-button { flex: 1 1 9rem; padding: .6rem 1rem; font: inherit; font-weight: 600;
  color: #fff; background: #1f3a5f; border: 0; border-radius: .4rem; }
.privet-category { margin-bottom: .75rem; padding: .75rem; border: 1px solid #aaa;
  border-radius: .4rem; }
.privet label { display: flex; gap: .5rem; align-items: center; font-weight: 600; }
.privet input { width: 1.25rem; height: 1.25rem; margin: 0; }
.privet-category p { margin: .25rem 0 0; font-size: .9em; }
.privet-always { font-weight: 400; }
`;

  // Made by privet from the name, purpose and vendors: a change there leaves the category
  // undecided, so asked again.
  function keyOf(category) {
    return category.key;
  }

  // Global Privacy Control keeps these categories denied.
  function locked(category) {
    return gpcOn && category.gpc && !category.required;
  }

  // 1 granted, 0 denied, undefined undecided.
  function decision(category) {
    return category.required ? 1 : state.d[keyOf(category)];
  }

  function isGranted(category) {
    return !!category && decision(category) === 1 && !locked(category);
  }

  function getConsent() {
    var consent = {};
    categories.forEach((category) => (consent[category.name] = isGranted(category)));
    return consent;
  }

  function cookiePairs() {
    try {
      return document.cookie.split("; ");
    } catch (error) {
      return []; // cookies blocked: the choice lasts this page
    }
  }

  // A malformed cookie counts as absent.
  function readStoredChoice() {
    var name = CONFIG.cookie.name + "=";
    try {
      var stored = JSON.parse(decodeURIComponent(
        cookiePairs().find((pair) => pair.indexOf(name) === 0).slice(name.length)));
      if (!/^[\w-]{1,64}$/.test(stored.v)) return null;
      var decisions = {};
      optional.forEach((category) => {
        var value = stored.d[keyOf(category)];
        if (value === 0 || value === 1) decisions[keyOf(category)] = value;
      });
      var receipt = typeof stored.r === "string" ? stored.r : null;
      return { v: stored.v, r: receipt, d: decisions, m: stored.m };
    } catch (error) {
      return null;
    }
  }

  function setCookie(text) {
    try {
      var secure = location.protocol === "https:" ? "; Secure" : "";
      document.cookie = text + "; Path=/; SameSite=Lax" + secure;
    } catch (error) {}
  }

  function writeCookie() {
    var value = { v: state.v, r: state.r, p: CONFIG.policy_version, d: state.d };
    // No receipt yet: the next page load sends the choice again, with this method.
    if (state.r === null) value.m = state.m;
    var domain = tag && tag.getAttribute("data-cookie-domain");
    setCookie(CONFIG.cookie.name + "=" + encodeURIComponent(JSON.stringify(value)) +
      "; Max-Age=" + CONFIG.cookie.max_age + (domain ? "; Domain=" + domain : ""));
  }

  // Not crypto.randomUUID: it needs a secure context.
  function newVisitorId() {
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.from(bytes, (byte) => (byte + 256).toString(16).slice(1)).join("");
    return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  }

  // The domain a cookie was set on is unknown: try the host and each parent domain.
  function expireCookie(name) {
    var labels = location.hostname.split(".");
    setCookie(name + "=; Max-Age=0");
    for (var i = 0; i < labels.length - 1; i++) {
      setCookie(name + "=; Max-Age=0; Domain=." + labels.slice(i).join("."));
    }
  }

  // As in the policy, "name*" stands for every name starting with "name".
  function matches(name, pattern) {
    return pattern.slice(-1) === "*" ? name.indexOf(pattern.slice(0, -1)) === 0 : name === pattern;
  }

  function clearRefusedCookies() {
    var names = cookiePairs().map((pair) => pair.split("=")[0]);
    optional.filter((category) => !isGranted(category)).forEach((category) => {
      category.cookies.forEach((pattern) => {
        names.filter((name) => matches(name, pattern)).forEach(expireCookie);
      });
    });
  }

  // NT Progress 1.3: links to other hosts lose the parameters that identify the visitor.
  // Done as a link is followed, so links added later count too, with no DOM scan.
  function cleanLink(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    var url = link && new URL(link.href);
    if (!url || url.host === location.host || !/^http/.test(url.protocol)) return;
    link.referrerPolicy = links.referrer; // nor the page's address, identifiers and all
    var pairs = url.search.slice(1).split("&");
    var kept = pairs.filter((pair) => !links.strip.some((p) => matches(pair.split("=")[0], p)));
    if (kept.length < pairs.length) { // else untouched: a clean address stays as written
      url.search = kept.join("&");
      link.href = url.href;
    }
  }

  // The page's own referrer policy wins, before or after this one.
  function guardLinks() {
    if (!links) return;
    ["click", "auxclick"].forEach((type) => document.addEventListener(type, cleanLink, true));
    if (!document.querySelector("meta[name=referrer i]")) {
      document.head.append(el("meta", { name: "referrer", content: links.referrer }));
    }
  }

  // A script parsed as text/plain never runs: run a copy of it.
  function runScript(original) {
    var script = document.createElement("script");
    Array.from(original.attributes).forEach((attribute) => {
      if (!/^(type|data-privet-category)$/.test(attribute.name)) {
        script.setAttribute(attribute.name, attribute.value);
      }
    });
    script.nonce = original.nonce; // browsers hide the nonce attribute once parsed
    var type = original.getAttribute("data-privet-type");
    if (type) script.type = type;
    script.async = original.hasAttribute("async"); // else inserted scripts run unordered
    script.text = original.text;
    original.setAttribute("data-privet-done", "");
    original.parentNode.insertBefore(script, original.nextSibling);
  }

  function runGatedScripts() {
    var selector = 'script[type="text/plain"][data-privet-category]:not([data-privet-done])';
    document.querySelectorAll(selector).forEach((original) => {
      var name = original.getAttribute("data-privet-category");
      if (isGranted(categories.find((category) => category.name === name))) runScript(original);
    });
  }

  function gtag() {
    if (typeof window.gtag === "function") window.gtag.apply(window, arguments);
    else if (Array.isArray(window.dataLayer)) window.dataLayer.push(arguments);
  }

  // Google Consent Mode v2: a signal is granted when a granted category lists it.
  function consentSignals(granted) {
    var signals = {};
    SIGNALS.forEach((signal) => (signals[signal] = "denied"));
    categories.filter(granted).forEach((category) => {
      category.consent_mode.forEach((signal) => (signals[signal] = "granted"));
    });
    return signals;
  }

  function updateConsentMode() {
    if (consentMode) gtag("consent", "update", consentSignals(isGranted));
  }

  function apply() {
    runGatedScripts();
    updateConsentMode();
    countView();
    if (centreBoxes) syncBoxes(centreBoxes);
    listeners.forEach((listener) => {
      try {
        listener(getConsent());
      } catch (error) {} // a broken listener must not stop the receipt
    });
  }

  // choices: name → boolean; categories left out keep their decision.
  function decide(choices, method) {
    optional.forEach((category) => {
      if (category.name in choices) state.d[keyOf(category)] = choices[category.name] ? 1 : 0;
    });
    state.r = null;
    state.m = method;
    apply();
    writeCookie();
    return record(method);
  }

  function choicesFor(action, boxes) {
    var choices = {};
    optional.forEach((category) => {
      var checked = action === "save" ? boxes[category.name].checked : action === "accept";
      choices[category.name] = checked && !locked(category);
    });
    return choices;
  }

  // Always resolves; after a failure r stays null and the next page load retries.
  function record(method) {
    var mine = ++sequence;
    var body = {
      visitor_id: state.v, policy_version: CONFIG.policy_version, method: method,
      granted: [], denied: [], gpc: gpcOn, language: lang,
    };
    optional.forEach((category) => {
      var value = state.d[keyOf(category)];
      if (value !== undefined) body[value ? "granted" : "denied"].push(category.name);
    });
    return Promise.resolve()
      .then(() => fetch(new URL(CONFIG.paths.consents, scriptSrc).href, {
        method: "POST", credentials: "omit", keepalive: true,
        headers: { "content-type": "application/json" }, body: JSON.stringify(body),
      }))
      .then((response) => {
        if (mine !== sequence) return;
        if (response.status === 409) return forget();
        if (response.ok) return response.json().then((receipt) => keepReceipt(mine, receipt));
      })
      .catch(() => {});
  }

  function keepReceipt(mine, receipt) {
    if (mine !== sequence || !receipt.receipt_id) return;
    state.r = String(receipt.receipt_id);
    state.v = receipt.visitor_id || state.v;
    writeCookie();
    countView(); // consent mode waits for the receipt the server checks
  }

  // privet's own analytics. Consent mode: only with a stored receipt granting a category
  // that serves it. Cookieless: no cookie, no id, unless the browser says do not track.
  function analyticsAllowed() {
    if (analytics.mode === "cookieless") {
      return !(analytics.dnt && (navigator.doNotTrack === "1" || gpcOn));
    }
    if (analytics.mode !== "consent" || state.r === null) return false;
    return categories.some((c) => analytics.categories.includes(c.name) && isGranted(c));
  }

  function collectUrl() {
    return new URL(CONFIG.paths.collect, scriptSrc).href;
  }

  function countView() {
    if (view.counted || document.prerendering || !analyticsAllowed()) return;
    view.counted = true;
    var body = { event: "pageview", path: location.pathname, width: window.innerWidth,
      referrer: document.referrer || null };
    if (analytics.mode === "consent") body.visitor_id = state.v;
    fetch(collectUrl(), {
      method: "POST", credentials: "omit", keepalive: true,
      headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    })
      .then((response) => (response.ok ? response.json() : {}))
      .then((answer) => { view.id = answer.view || null; })
      .catch(() => {});
  }

  // Time on page, sent as the page is hidden or left; a beacon survives the unload.
  function sendLeave() {
    if (!view.id || !navigator.sendBeacon) return;
    var body = { event: "leave", view: view.id, duration_ms: Date.now() - view.shownAt };
    navigator.sendBeacon(collectUrl(), JSON.stringify(body));
    view.id = null;
  }

  // 409: the policy changed under this page; ask again.
  function forget() {
    state.d = {};
    writeCookie();
    updateConsentMode();
    whenReady(() => showBanner("banner"));
  }

  function chooseLanguage() {
    var languages = CONFIG.languages || ["en"];
    var wanted = [document.documentElement.lang].concat(navigator.languages || navigator.language);
    var found = wanted
      .map((language) => String(language || "").split("-")[0].toLowerCase())
      .find((primary) => languages.indexOf(primary) >= 0);
    return found || languages[0];
  }

  // Not innerHTML: safe with any text, and allowed under Trusted Types.
  function el(name, attributes, children) {
    var node = document.createElement(name);
    Object.keys(attributes).forEach((key) => node.setAttribute(key, attributes[key]));
    (children || []).forEach((child) => {
      if (typeof child === "string") child = document.createTextNode(child);
      if (child) node.appendChild(child);
    });
    return node;
  }

  function button(action, label) {
    return el("button", { type: "button", class: "privet-button", "data-action": action }, [label]);
  }

  function title(name) {
    return name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, " ");
  }

  function gpcNote() {
    var names = optional.filter(locked).map((category) => title(category.name));
    var text = names.length > 0 && words.gpc_on.replace("{categories}", names.join(", "));
    return text && el("p", {}, [text]);
  }

  function renderCategory(category, box) {
    var about = "privet-about-" + category.name;
    box.setAttribute("aria-describedby", about);
    var vendors = [words.vendors + ": "];
    category.vendors.forEach((vendor, i) => {
      if (i) vendors.push(", ");
      var link = { href: vendor.privacy_url, rel: "noopener", target: "_blank" };
      vendors.push(el("a", link, [vendor.name]));
    });
    return el("div", { class: "privet-category" }, [
      el("label", {}, [box, title(category.name),
        category.required && el("span", { class: "privet-always" }, [words.always_on])]),
      el("p", { id: about }, [category.description[lang]]),
      vendors.length > 1 && el("p", {}, vendors),
    ]);
  }

  function syncBoxes(boxes) {
    categories.forEach((category) => (boxes[category.name].checked = isGranted(category)));
  }

  function renderList() {
    var boxes = {};
    var rows = categories.map((category) => {
      var box = (boxes[category.name] = el("input", { type: "checkbox", name: category.name }));
      box.disabled = category.required || locked(category);
      return renderCategory(category, box);
    });
    syncBoxes(boxes);
    var save = el("div", { class: "privet-actions" }, [button("save", words.save)]);
    return { block: el("div", {}, rows.concat(save)), boxes: boxes };
  }

  // A shadow root keeps the site's CSS out; old browsers render into the host.
  function mount(host, content) {
    var root = host;
    try {
      root = host.attachShadow({ mode: "open" });
    } catch (error) {}
    // CSP style-src 'self' blocks <style>, not adopted sheets.
    if ("adoptedStyleSheets" in root) {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLES);
      }
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = el("style", {}, [STYLES]);
      style.nonce = tag ? tag.nonce : "";
      root.appendChild(style);
    }
    root.appendChild(content);
  }

  function actionOf(event) {
    var target = event.target.closest("[data-action]");
    return target && target.getAttribute("data-action");
  }

  function showList(open) {
    banner.list.block.hidden = !open;
    banner.choose.hidden = open;
  }

  function showBanner(method, atList) {
    if (!banner) openBanner(method);
    if (atList) showList(true);
  }

  function openBanner(method) {
    returnFocus = document.activeElement;
    var host = el("div", { id: "privet-consent", lang: lang });
    var heading = el("h2", { id: "privet-title", tabindex: "-1" }, [words.title]);
    var privacyUrl = new URL(CONFIG.paths.privacy, scriptSrc).href;
    var privacy = el("a", { href: privacyUrl }, [words.privacy_policy]);
    var list = renderList();
    var choose = button("choose", words.choose);
    var section = el("section", {
      class: "privet privet-banner", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "privet-title", "aria-describedby": "privet-intro", lang: lang,
    }, [
      heading,
      el("p", { id: "privet-intro" }, [words.intro + " ", privacy]),
      gpcNote(),
      list.block,
      el("div", { class: "privet-actions" }, [
        button("accept", words.accept_all), button("reject", words.reject_all), choose]),
    ]);
    section.addEventListener("click", onBannerClick);
    section.addEventListener("keydown", onBannerKey);
    banner = { host: host, list: list, choose: choose, method: method };
    showList(false);
    mount(host, section);
    document.body.appendChild(host);
    heading.focus();
  }

  function onBannerClick(event) {
    var action = actionOf(event);
    var closing = banner;
    if (action === "choose") {
      showList(true);
      closing.list.block.querySelector("input:enabled, button").focus();
    } else if (action) {
      closing.host.remove();
      banner = null;
      if (document.contains(returnFocus)) returnFocus.focus();
      decide(choicesFor(action, closing.list.boxes), closing.method);
    }
  }

  // Escape steps back from the list; it never decides anything.
  function onBannerKey(event) {
    if (event.key === "Escape" && !banner.list.block.hidden) {
      showList(false);
      banner.choose.focus();
    }
  }

  function showPreferences(host) {
    var list = renderList();
    var status = el("p", { role: "status" });
    var centre = el("div", { class: "privet", lang: lang }, [gpcNote(), list.block, status]);
    centreBoxes = list.boxes;
    centre.addEventListener("click", (event) => {
      if (actionOf(event) !== "save") return;
      status.textContent = "";
      decide(choicesFor("save", list.boxes), "preferences").then(() => {
        status.textContent = words.saved;
        document.dispatchEvent(new CustomEvent("privet:saved", { detail: getConsent() }));
      });
    });
    mount(host, centre);
  }

  function whenReady(callback) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", callback);
    else callback();
  }

  function start() {
    var decided = optional.some((category) => decision(category) !== undefined);
    var gpcChoices = {};
    optional.filter(locked).forEach((category) => {
      if (decision(category) !== 0) gpcChoices[category.name] = false;
    });
    if (consentMode) {
      var defaults = Object.assign(consentSignals(() => false), { wait_for_update: 500 });
      gtag("consent", "default", defaults);
    }
    if (Object.keys(gpcChoices).length) {
      decide(gpcChoices, "gpc");
    } else if (decided) {
      updateConsentMode();
      if (state.r === null) record(state.m || "banner");
    }
    clearRefusedCookies();
    guardLinks();
    runGatedScripts();
    countView();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") sendLeave();
    });
    window.addEventListener("pagehide", sendLeave);
    whenReady(() => {
      runGatedScripts(); // those parsed after this script
      var centre = document.getElementById("privet-preferences");
      if (centre) showPreferences(centre);
      else if (optional.some((category) => decision(category) === undefined)) showBanner("banner");
      api.ready = true;
    });
  }

  var api = (window.privet = {
    ready: false,
    consent: { get: getConsent, onChange: (listener) => void listeners.push(listener) },
    show: () => whenReady(() => showBanner("preferences", true)),
  });
  start();
})();
