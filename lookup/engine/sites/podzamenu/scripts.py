"""In-page helpers: page-state detection, a settle clock, and a small target-description language.

Nothing here marks or remembers DOM nodes. A *target* is described by a JSON spec — what a person sees: a CSS
class fragment or role, words or the exact text it shows (DOM text, lowercased, whitespace and non-breaking spaces
folded, so CSS `text-transform` and `&nbsp;` do not matter), whether it is really shown, and where it sits (inside
which accordion, outside the site chrome). The same spec is resolved afresh by:
- the `lk=` Playwright selector engine (ENGINE), so every click is a `locator.click()` re-resolved on each attempt;
- `window.__lk.find` (PRELUDE, installed as an init script), used by the polling checks.
Both are built from one source (LIBRARY), so an action and its check can never disagree about what a spec means.

Spec keys (all optional except css):
  css      CSS selector of candidates
  words    the text contains any of these        not    ...and none of these
  exact    the text equals one of these          maxLen the text is shorter than this
  shown    really visible (see `shown`)          attr   {name: value} attributes that must hold
  within   spec of a container the target sits inside (never the container itself)
  nested   css: skip targets whose closest(css) is the container (an accordion's own summary)
  direct   css: keep targets whose closest(css) is the container (items of this accordion, not of a child)
  of       css: map each match to its closest(css) ancestor (the accordion of a summary)
  notIn    css: skip targets inside such an element      tagNot  skip these tag names
  notMatch css: skip targets that are such elements
  chrome   true: include the site chrome (header, footer, menus); default false
"""

from __future__ import annotations

import json

from lookup.engine.sites.podzamenu import selectors as S

CONFIG = {
    'chrome': S.CHROME, 'chromeNav': S.CHROME_NAV, 'catalogueMarks': S.CATALOGUE_MARKS, 'accordion': S.ACCORDION,
    'summary': S.ACCORDION_SUMMARY, 'tab': S.TAB, 'detail': S.DETAIL_CELL, 'link': S.PART_LINK, 'loading': S.LOADING,
    'block': S.BLOCK_SELECTORS, 'notFound': list(S.NOT_FOUND_PHRASES), 'errors': list(S.ERROR_PHRASES),
    'blockPhrases': list(S.BLOCK_PHRASES), 'oemHeaders': list(S.OEM_HEADERS_EXACT),
    'vehicleLabels': list(S.VEHICLE_LABELS), 'catalogue': S.CATALOGUE_AREA,
}

LIBRARY = r"""
(o) => {
  const norm = (s) => (s || '').replace(/[\s\u00a0\u200b]+/g, ' ').trim().toLowerCase();
  // Two readings of an element's DOM text: its text nodes joined with spaces (a label split over two block spans
  // reads «коробка передач», not «коробкапередач») and plain textContent (a word split by inline markup).
  const SKIP = /^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT)$/;
  const spaced = (el) => {
    const out = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {acceptNode: (n) =>
      n.parentElement && SKIP.test(n.parentElement.tagName) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    for (let n = walk.nextNode(); n; n = walk.nextNode()) out.push(n.nodeValue);
    return norm(out.join(' '));
  };
  const text = spaced;
  const readings = (el) => { const a = spaced(el), b = norm(el.textContent); return a === b ? [a] : [a, b]; };
  const chromeNav = (el) => {
    const nav = el.closest(o.chromeNav);
    return !!nav && !nav.querySelector(o.catalogueMarks);
  };
  const inChrome = (el) => !!el.closest(o.chrome) || chromeNav(el);
  const inAcc = (el) => !!(el.parentElement && el.parentElement.closest('[class*="Accordion"]'));
  const CLIPS = /(hidden|clip)/;
  // Really visible: a box, not hidden by visibility/display/opacity, and not clipped away by an ancestor
  // (collapsed content can be kept in the DOM at zero height with overflow hidden).
  const shown = (el) => {
    if (!el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const own = getComputedStyle(el);
    if (own.visibility !== 'visible') return false;
    let left = r.left, top = r.top, right = r.right, bottom = r.bottom;
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const cs = e === el ? own : getComputedStyle(e);
      if (cs.display === 'none' || parseFloat(cs.opacity) === 0) return false;
      if (e !== el && (CLIPS.test(cs.overflowX) || CLIPS.test(cs.overflowY) || CLIPS.test(cs.overflow))) {
        const c = e.getBoundingClientRect();
        if (CLIPS.test(cs.overflowX)) { left = Math.max(left, c.left); right = Math.min(right, c.right); }
        if (CLIPS.test(cs.overflowY)) { top = Math.max(top, c.top); bottom = Math.min(bottom, c.bottom); }
        if (right - left < 1 || bottom - top < 1) return false;
      }
    }
    return true;
  };
  const matchText = (el, s) => {
    if (!s.words && !s.not && !s.exact && !s.maxLen) return true;
    const ts = readings(el);
    if (s.maxLen && ts[0].length >= s.maxLen) return false;
    if (s.exact && !ts.some(t => s.exact.includes(t))) return false;
    if (s.words && !s.words.some(w => ts.some(t => t.includes(w)))) return false;
    if (s.not && s.not.some(w => ts.some(t => t.includes(w)))) return false;
    return true;
  };
  const find = (s, root) => {
    root = root || document;
    let els = Array.from(root.querySelectorAll(s.css));
    if (!s.chrome) els = els.filter(el => !inChrome(el));
    if (s.tagNot) els = els.filter(el => !s.tagNot.includes(el.tagName.toLowerCase()));
    if (s.notMatch) els = els.filter(el => !el.matches(s.notMatch));
    if (s.notIn) els = els.filter(el => !(el.parentElement && el.parentElement.closest(s.notIn)));
    if (s.within) {
      const boxes = find(s.within);
      els = els.filter(el => boxes.some(b => {
        if (b === el || !b.contains(el)) return false;
        if (s.nested && el.closest(s.nested) === b) return false;
        if (s.direct && el.parentElement && el.parentElement.closest(s.direct) !== b) return false;
        return true;
      }));
    }
    if (s.attr) els = els.filter(el => Object.entries(s.attr).every(([k, v]) => el.getAttribute(k) === v));
    els = els.filter(el => matchText(el, s));
    if (s.shown) els = els.filter(shown);
    if (s.of) els = Array.from(new Set(els.map(el => el.closest(s.of)).filter(Boolean)));
    return els;
  };
  const texts = (s) => Array.from(new Set(find(s).map(text)));
  return {norm, text, inChrome, inAcc, shown, find, texts};
}
"""

ENGINE = f"""
(() => {{
  const lib = ({LIBRARY})({json.dumps(CONFIG, ensure_ascii=False)});
  return {{
    query(root, body) {{ return lib.find(JSON.parse(body), root)[0] || null; }},
    queryAll(root, body) {{ return lib.find(JSON.parse(body), root); }},
  }};
}})()
"""
"""The `lk` selector engine: `page.locator('lk=' + json.dumps(spec))`."""

PRELUDE = """
window.__lk = (() => {
  const o = __CONFIG__;
  const lib = (__LIBRARY__)(o);
  const {norm, inChrome, inAcc, shown, find, texts} = lib;
  const has = (t, words) => words.some(w => t.includes(w));

  // --- the settle clock: DOM mutations and the page's own fetch/XHR traffic ------------------------------
  let lastMutation = performance.now(), lastResponse = 0, actionAt = 0, seq = 0;
  const inflight = new Map();
  // Changes inside the site chrome (a cart badge, a ticker) are not the content we wait for.
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el || !el.isConnected || !inChrome(el)) { lastMutation = performance.now(); return; }
    }
  })
    .observe(document, {childList: true, subtree: true, characterData: true, attributes: true});
  const track = () => {
    const id = ++seq; inflight.set(id, performance.now());
    return () => { if (inflight.delete(id)) lastResponse = performance.now(); };
  };
  const origFetch = window.fetch;
  if (origFetch) {
    window.fetch = function () {
      const done = track();
      return origFetch.apply(this, arguments).then(r => { done(); return r; }, e => { done(); throw e; });
    };
  }
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    const done = track();
    this.addEventListener('loadend', done, {once: true});
    return origSend.apply(this, arguments);
  };
  // Requests pending this long are background (long polls, analytics), not content being loaded.
  const YOUNG_MS = 3000, AFTER_RESPONSE_MS = 80;
  const busyNetwork = () => {
    const now = performance.now();
    for (const started of inflight.values()) if (now - started < YOUNG_MS) return true;
    return now - lastResponse < AFTER_RESPONSE_MS;
  };
  // A spinner or a busy network that lasts longer than this is background (a widget, polling), not the content
  // we wait for: it stops counting, so a page that never goes quiet cannot hold every wait to the deadline.
  const PATIENCE_MS = 8000;
  const since = {loading: 0, network: 0};
  const lasting = (key, now) => {
    const t = performance.now();
    if (!now) { since[key] = 0; return false; }
    if (!since[key]) since[key] = t;
    return t - since[key] < PATIENCE_MS;
  };
  const loading = () => lasting('loading', find({css: o.loading}).some(shown));
  const mark = () => { actionAt = performance.now(); return true; };
  // The page has settled: something rendered, no spinner, no content request under way, and the DOM has not
  // changed for quietMs since the last change or the last action.
  const settled = (quietMs) => {
    if (!document.body || document.readyState === 'loading') return false;
    const root = document.getElementById('root') || document.body;
    if (!root.children.length || loading() || lasting('network', busyNetwork())) return false;
    const now = performance.now();
    // A DOM that never stops changing (an animation written in JS) counts as settled after PATIENCE_MS.
    return now - Math.max(lastMutation, actionAt) >= quietMs || now - actionAt >= PATIENCE_MS;
  };

  // --- page-level state ----------------------------------------------------------------------------------
  const visText = (el) => {
    if (el.matches && inChrome(el)) return '';
    if (!el.querySelector(o.chrome + ', ' + o.chromeNav)) return el.innerText || '';
    return Array.from(el.children).map(visText).join('\\n');
  };
  const vehicleData = () => {
    const title = find({css: 'h6'}).some(h => !inAcc(h) && /[A-Z]{2}/.test(h.innerText || '') && shown(h));
    if (title) return true;
    const labelled = (t) => has(norm(t), o.vehicleLabels);
    if (find({css: 'table'}).some(t => t.rows.length > 1 && labelled(t.rows[0].innerText)
        || Array.from(t.rows).some(r => r.cells.length >= 2 && labelled(r.cells[0].innerText)))) return true;
    return find({css: 'dt, dl > div > :first-child'}).some(d => !inAcc(d) && labelled(d.innerText));
  };
  const catalogue = () => find({css: o.catalogue, shown: true}).length > 0;
  // The first settled state of the vehicle page, or null while it is still loading.
  const state = (quietMs) => {
    if (!document.body) return null;
    if (document.querySelector(o.block)) return 'blocked';
    const t = norm(visText(document.body));
    if (vehicleData()) return loading() ? null : 'vehicle';
    if (has(t, o.notFound)) return 'not_found';
    if (has(t, o.blockPhrases)) return 'blocked';
    if (has(t, o.errors) || /\\b50[0234]\\b/.test(norm(document.title))) return 'error';
    if (!settled(quietMs)) return null;
    return catalogue() ? 'catalogue' : 'empty';
  };

  // --- parts view markers (site-anatomy §5) ---------------------------------------------------------------
  const headerRow = (t) => (t.tHead && t.tHead.rows[0]) || (t.rows[0] && Array.from(t.rows[0].cells).every(
    c => c.tagName === 'TH') ? t.rows[0] : null);
  const oemLike = (c) => /^(?=.*\\d{3})[A-Z0-9][A-Z0-9-]{4,14}$/.test((c.innerText || '').replace(/\\s+/g, ''));
  const oemTables = () => find({css: 'table'}).filter(t => {
    const head = headerRow(t);
    if (head) return Array.from(head.cells).some(c => has(norm(c.innerText), o.oemHeaders));
    return Array.from(t.rows).filter(r => Array.from(r.cells).some(oemLike)).length >= 2;
  }).length;
  const partsCount = () => find({css: o.detail}).length * 1000 + find({css: o.link}).length + oemTables() * 100;
  // A parts view is shown: detail cells or an OEM table, or more part links than the page had before.
  const parts = (baseline) => find({css: o.detail}).length > 0 || oemTables() > 0
    || find({css: o.link}).length > (baseline || 0);
  const anyOf = (specs) => specs.some(s => find(s).length > 0);
  // One poll of a wait: 'yes' when an effect holds, 'settled' when the page settled without it, else null.
  const until = (a) => {
    if ((a.specs && anyOf(a.specs)) || (a.parts !== undefined && a.parts !== null && parts(a.parts))) return 'yes';
    return settled(a.quiet) ? 'settled' : null;
  };
  // Before a read: no spinner and no DOM change for quietMs (the page's background traffic does not matter here).
  const still = (quietMs) => !!document.body && !loading() && performance.now() - lastMutation >= quietMs;
  const linkCount = () => find({css: o.link}).length;
  return {state, settled, still, mark, until, find, texts, parts, partsCount, linkCount, loading, shown,
          visible: () => visText(document.body)};
})();
"""
PRELUDE = PRELUDE.replace('__CONFIG__', json.dumps(CONFIG, ensure_ascii=False)).replace('__LIBRARY__', LIBRARY)
"""Installed with `context.add_init_script` before any page script runs (it wraps fetch/XHR for the settle clock)."""
