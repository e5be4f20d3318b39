"""In-page helpers (installed as an init script): page-state detection and target marking for real clicks.

The helpers only *find* elements and tag them with `data-lk="<kind>-<n>"`; every click is a Playwright
`locator('[data-lk=…]').click()`, i.e. trusted input after actionability checks.
"""

from __future__ import annotations

import json

from lookup.engine.sites.podzamenu import selectors as S

CONFIG = {
    'chrome': S.CHROME, 'accordion': S.ACCORDION, 'summary': S.ACCORDION_SUMMARY, 'tab': S.TAB,
    'contentLink': S.CONTENT_LINK, 'anyContentLink': S.ANY_CONTENT_LINK, 'card': S.CARD, 'cardAction': S.CARD_ACTION,
    'detail': S.DETAIL_CELL, 'link': S.PART_LINK, 'loading': S.LOADING, 'menuItem': S.MENU_ITEM,
    'block': S.BLOCK_SELECTORS, 'notFound': list(S.NOT_FOUND_PHRASES), 'errors': list(S.ERROR_PHRASES),
    'blockPhrases': list(S.BLOCK_PHRASES), 'l1': list(S.L1_INCLUDE), 'l1x': list(S.L1_EXCLUDE),
    'l2': list(S.L2_WORDS), 'l3': list(S.L3_WORDS), 'shortcut': list(S.SHORTCUT_TEXTS),
    'schemes': list(S.SCHEMES_TAB_WORDS), 'sections': list(S.SECTION_WORDS), 'cards': list(S.CARD_WORDS),
    'cardAssembly': list(S.CARD_ASSEMBLY_WORDS), 'viewScheme': S.VIEW_SCHEME_TEXT,
    'oemHeaders': list(S.OEM_HEADERS_EXACT), 'back': ['назад', 'back', 'вернуться'],
    'vehicleLabels': ['кпп', 'модель', 'марка', 'двигатель', 'кузов', 'дата выпуска', 'агрегат', 'transmission',
                      'коробк', 'бренд', 'привод'],
}

PRELUDE = """
window.__lk = (() => {
  const o = __CONFIG__;
  const low = (s) => (s || '').replace(/\\s+/g, ' ').trim().toLowerCase();
  const inChrome = (el) => !!el.closest(o.chrome);
  const inAcc = (el) => !!(el.parentElement && el.parentElement.closest('[class*="Accordion"]'));
  const shown = (el) => {
    if (!el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.visibility === 'hidden' || cs.display === 'none' || cs.opacity === '0') return false;
    }
    return true;
  };
  const visText = (el) => {
    if (el.matches && el.matches(o.chrome)) return '';
    if (!el.querySelector(o.chrome)) return el.innerText || '';
    return Array.from(el.children).map(visText).join('\\n');
  };
  const q = (sel, root) => Array.from((root || document).querySelectorAll(sel)).filter(el => !inChrome(el));
  let seq = 0;
  const mark = (el, kind) => { if (!el.dataset.lk) el.dataset.lk = kind + '-' + (seq++); return el.dataset.lk; };
  const has = (t, words) => words.some(w => t.includes(w));

  const vehicleData = () => {
    const title = q('h6').some(h => !inAcc(h) && /[A-Z]{2}/.test(h.innerText || '') && shown(h));
    const table = q('table').some(t => t.rows.length > 1 && has(low(t.rows[0].innerText), o.vehicleLabels));
    return title || table;
  };
  const catalogue = () => q(o.accordion).length > 0 || q(o.tab).length > 0;
  const loading = () => q(o.loading).some(shown);
  const headerRow = (t) => (t.tHead && t.tHead.rows[0]) || (t.rows[0] && Array.from(t.rows[0].cells).every(
    c => c.tagName === 'TH') ? t.rows[0] : null);
  const oemLike = (c) => /^(?=.*\\d{3})[A-Z0-9][A-Z0-9-]{4,14}$/.test((c.innerText || '').replace(/\\s+/g, ''));
  // A parts view: detail cells, part links, a table with an OEM header, or a headerless OEM column.
  const partsReady = () => {
    if (q(o.detail).length || q(o.link).length) return true;
    return q('table').some(t => {
      const head = headerRow(t);
      if (head) return Array.from(head.cells).some(c => has(low(c.innerText), o.oemHeaders));
      return Array.from(t.rows).filter(r => Array.from(r.cells).some(oemLike)).length >= 2;
    });
  };
  // The clicked view was replaced (its marked element is gone) and the new one has settled.
  const left = (mark, quietMs) => !document.querySelector(`[data-lk="${mark}"]`) && settled(quietMs);
  let lastMutation = performance.now();
  const watch = () => {
    if (window.__lkObserver || !document.body) return;
    window.__lkObserver = new MutationObserver(() => { lastMutation = performance.now(); });
    window.__lkObserver.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true});
  };

  // The first settled state of the vehicle page, or null while it is still loading.
  const state = (quietMs) => {
    if (!document.body) return null;
    watch();
    if (document.querySelector(o.block)) return 'blocked';
    const text = low(visText(document.body));
    if (vehicleData()) return loading() ? null : 'vehicle';
    if (has(text, o.notFound)) return 'not_found';
    if (has(text, o.blockPhrases)) return 'blocked';
    if (has(text, o.errors) || /\\b50[0234]\\b/.test(low(document.title))) return 'error';
    if (catalogue()) return loading() ? null : 'catalogue';
    return settled(quietMs) ? 'empty' : null;
  };
  // The app rendered something, shows no spinner, and the DOM stayed unchanged for quietMs.
  const settled = (quietMs) => {
    if (!document.body) return false;
    watch();
    const root = document.getElementById('root') || document.body;
    return root.children.length > 0 && !loading() && document.readyState === 'complete'
      && performance.now() - lastMutation >= quietMs;
  };

  const l1 = () => q(o.summary).filter(s => { const t = low(s.innerText); return has(t, o.l1) && !has(t, o.l1x); })
    .map(s => mark(s, 'l1'));
  const expanded = (id) => { const el = document.querySelector(`[data-lk="${id}"]`);
    return !!el && el.getAttribute('aria-expanded') === 'true'; };
  const accOf = (id) => {
    const el = document.querySelector(`[data-lk="${id}"]`); return el && el.closest(o.accordion); };
  const l2 = (id) => { const acc = accOf(id); if (!acc) return [];
    // Every match is tried, the most specific words first (a transfer case also says «коробка»).
    const ranked = Array.from(acc.querySelectorAll(o.summary)).filter(s => s.closest(o.accordion) !== acc)
      .map(s => [s, o.l2.findIndex(w => low(s.innerText).includes(w))]).filter(([, r]) => r >= 0);
    return ranked.sort((a, b) => a[1] - b[1]).map(([s]) => mark(s, 'l2')); };
  const rank = (t, words) => { const e = words.findIndex(w => t === w); if (e >= 0) return e;
    const c = words.findIndex(w => t.includes(w)); return c >= 0 && t.length < 200 ? 100 + c : -1; };
  const pick = (els, words, kind) => els.map(el => [el, rank(low(el.innerText), words)]).filter(([, r]) => r >= 0)
    .map(([el, r]) => [el, r - (low(el.innerText).includes('в сборе') ? 0.5 : 0)])
    .sort((a, b) => a[1] - b[1]).map(([el]) => mark(el, kind));
  const l3 = (id) => { const acc = accOf(id); if (!acc) return [];
    const items = Array.from(acc.querySelectorAll(o.contentLink)).filter(el => el.tagName !== 'A'
      && el.offsetParent !== null && el.closest(o.accordion) === acc);
    return pick(items, o.l3, 'l3'); };
  const l3Shown = (id) => { const acc = accOf(id); return !!acc && Array.from(acc.querySelectorAll(o.contentLink))
    .some(el => el.closest(o.accordion) === acc && shown(el)); };
  const shortcut = () => q(o.anyContentLink).filter(el => o.shortcut.includes(low(el.innerText)) && shown(el))
    .map(el => mark(el, 'sc'));
  const schemesTab = () => q(o.tab + ', button, a, [role="button"]').filter(el => {
    const t = low(el.innerText); return t.length < 30 && has(t, o.schemes); }).map(el => mark(el, 'tab'));
  const sections = () => {
    const els = q(o.contentLink).concat(q(o.menuItem)).filter(el => shown(el) && !el.closest(o.card)
      && !el.matches(o.tab) && low(el.innerText).length < 80);
    return pick(Array.from(new Set(els)), o.sections, 'sec'); };
  const cards = () => {
    const scored = q(o.card).filter(shown).map(c => { const t = low(c.innerText);
      const kw = has(t, o.cards); const asm = has(t, o.cardAssembly);
      return [c, kw ? (asm ? 0 : 1) : 9]; }).filter(([, s]) => s < 9).sort((a, b) => a[1] - b[1]);
    return scored.map(([c]) => {
      const target = c.querySelector(o.cardAction) || c.querySelector('a[href]')
        || Array.from(c.querySelectorAll('button, [role="button"]')).find(b => low(b.innerText).includes(o.viewScheme))
        || c;
      return mark(target, 'card'); }); };
  const cardCount = () => q(o.card).filter(shown).length;
  const clickables = () => q('a, button, [role="button"], [role="link"], ' + o.anyContentLink)
    .filter(el => shown(el) && !el.matches(o.tab) && !el.closest(o.tab));
  const seen = () => { clickables().forEach(el => { el.dataset.lkSeen = '1'; }); return true; };
  const fresh = () => clickables().filter(el => !el.dataset.lkSeen && !el.closest(o.card));
  const deeper = () => {
    const els = fresh().filter(el => !has(low(el.innerText), o.back));
    const byWord = pick(els, o.cards, 'deep');
    return byWord.length ? byWord : els.slice(0, 1).map(el => mark(el, 'deep')); };
  const selected = (id) => { const el = document.querySelector(`[data-lk="${id}"]`);
    return !!el && (el.getAttribute('aria-selected') === 'true' || !el.hasAttribute('aria-selected')); };
  return {state, settled, left, selected, visible: () => visText(document.body), partsReady, l1, l2, l3, l3Shown,
          expanded, shortcut, schemesTab, sections, cards, cardCount,
          seen, fresh, deeper, loading};
})();
""".replace('__CONFIG__', json.dumps(CONFIG, ensure_ascii=False))
