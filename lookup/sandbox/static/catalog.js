/* podzamenu sandbox, part 3 of the bundle: the catalogue (tabs, accordion tree, scheme sections, views).
   All UI state lives in one store `s`. Every change goes through update(change, patch):
   - default (keyed): `patch` edits the existing nodes in place, like React reconciling with stable keys;
   - `rebuild` switch: the whole vehicle block and catalogue are drawn again from state, so no node (and no
     attribute a client stamped on one) survives, like a non-keyed re-render or a re-mount behind a new key.
   Builders therefore draw any state (expanded, loading, loaded, view open) from scratch. */
(function (PZ) {
  'use strict';
  var h = PZ.h, mui = PZ.mui, site = PZ.site, typo = PZ.typo, SW = PZ.SW, CFG = PZ.CFG;

  PZ.createCatalog = function (page, rerender) {
    var cat = page.catalog;
    var trusted = !!cat.trusted; // per scenario (§11 row 24); the `trusted` switch covers every control
    var s = { tab: 0, expanded: {}, section: -1, view: null };
    var groupData = {}, sectionData = {}, partsData = {}, pending = {};
    var live = {}; // keyed mode: nodes a patch updates, by accordion path (or 'schemes')
    var panel = null, tabs = [];

    function update(change, patch) {
      change();
      if (SW.rebuild) rerender(); else if (patch) patch();
    }
    function redrawPanel() { PZ.replace(panel, panelContent()); }
    function api(path) { return '/api/' + path + (path.indexOf('?') < 0 ? '?' : '&') + 'vin=' + PZ.enc(page.query); }

    // --- accordion route ----------------------------------------------------------------------------------
    /* MUI v6.3+ accordion: h3 > button[aria-expanded]. Collapsed content stays mounted at height 0 with
       visibility hidden (MUI's Collapse); under `zero_height` only the geometry hides it. */
    function collapseProps(open) {
      if (open) return { class: mui('Collapse-root', 'MuiCollapse-vertical MuiCollapse-entered'), style: 'min-height:0px;height:auto' };
      if (SW.zero_height) return { class: mui('Collapse-root', 'MuiCollapse-vertical'), style: 'min-height:0px;height:0px;overflow:hidden' };
      return { class: mui('Collapse-root', 'MuiCollapse-vertical MuiCollapse-hidden'), style: 'min-height:0px;height:0px;visibility:hidden' };
    }

    function groupContent(g, path) { return g.lazy ? groupData[path] || null : g; }

    function detailsContent(g, path, level) {
      var data = groupContent(g, path);
      if (!data) return s.expanded[path] ? [PZ.progress(true)] : [];
      var kids = data.children.map(function (c, j) { return accordion(c, path + '.' + j, level + 1); });
      if (data.items.length) {
        kids.push(h('div', { class: mui('Paper-root') + ' ' + site('Selector', 'selectorPaper') }, data.items.map(function (it) {
          return h('div', { class: site('Selector', 'selectorPaperContentLink'),
            onClick: function () { openParts(it.key, it.label); } }, [PZ.txt(it.label)]);
        })));
      }
      return kids;
    }

    function accordion(g, path, level) {
      var open = !!s.expanded[path];
      var details = h('div', { class: mui('AccordionDetails-root') }, detailsContent(g, path, level));
      var inner = h('div', { class: mui('Collapse-wrapperInner') }, [h('div', { role: 'region', class: mui('Accordion-region') }, [details])]);
      var collapse = h('div', collapseProps(open), [h('div', { class: mui('Collapse-wrapper') }, [inner])]);
      var summary = h('button', { class: mui('ButtonBase-root') + ' ' + mui('AccordionSummary-root') + (open ? ' Mui-expanded' : ''),
        type: 'button', 'aria-expanded': String(open), onClick: function () { toggle(g, path); } }, [
        h('span', { class: mui('AccordionSummary-content') }, [h('h6', { class: PZ.caps(typo('subtitle1')) }, PZ.titleNodes(g.title, level > 1))]),
        h('span', { class: mui('AccordionSummary-expandIconWrapper') }, ['▾'])]);
      var root = h('div', { class: mui('Paper-root') + ' ' + mui('Accordion-root', 'MuiAccordion-gutters') + (open ? ' Mui-expanded' : '') }, [
        h('h3', { class: mui('Accordion-heading') }, [summary]), collapse]);
      live[path] = { root: root, summary: summary, collapse: collapse, inner: inner, details: details, g: g, level: level };
      return root;
    }

    function toggle(g, path) {
      var open = !s.expanded[path];
      update(function () { s.expanded[path] = open; }, function () {
        var r = live[path];
        if (g.lazy && !groupData[path]) PZ.replace(r.details, detailsContent(g, path, r.level));
        animate(r, path, open);
      });
      if (open && g.lazy && !groupData[path]) loadGroup(path);
    }

    function animate(r, path, open) {
      var collapse = r.collapse;
      r.summary.setAttribute('aria-expanded', String(open));
      r.root.classList.toggle('Mui-expanded', open);
      r.summary.classList.toggle('Mui-expanded', open);
      if (open) {
        collapse.classList.remove('MuiCollapse-hidden');
        if (!SW.zero_height) collapse.style.visibility = 'visible';
        collapse.style.height = r.inner.scrollHeight + 'px';
        setTimeout(function () {
          if (s.expanded[path]) { collapse.style.height = 'auto'; collapse.classList.add('MuiCollapse-entered'); }
        }, 160);
      } else {
        collapse.style.height = collapse.scrollHeight + 'px';
        void collapse.offsetHeight;
        collapse.style.height = '0px';
        collapse.classList.remove('MuiCollapse-entered');
        setTimeout(function () {
          if (!s.expanded[path] && !SW.zero_height) { collapse.style.visibility = 'hidden'; collapse.classList.add('MuiCollapse-hidden'); }
        }, 160);
      }
    }

    /* `lazy`: a top-level group's Level-2 accordions and Level-3 items come from the data API on first expand. */
    function loadGroup(path) {
      if (pending['g' + path]) return;
      pending['g' + path] = true;
      PZ.getJson(api('catalog?group=' + path)).then(PZ.later(PZ.lazyDelay('group:' + path))).then(function (data) {
        update(function () { groupData[path] = data; }, function () {
          var r = live[path];
          if (r && r.details.isConnected) PZ.replace(r.details, detailsContent(r.g, path, r.level));
        });
      }, function () { pending['g' + path] = false; });
    }

    function groupsView() {
      return h('div', { class: site('Catalog', 'groups') }, cat.groups.map(function (g, i) { return accordion(g, String(i), 1); }));
    }

    // --- schemes route -----------------------------------------------------------------------------------
    function schemeCard(c) {
      function go() { if (c.target.deeper) showView({ kind: 'deeper', d: c.target.deeper }); else openParts(c.target.parts, c.title); }
      // Scheme cards always want real pointer input (the older scraper's synthetic-click workaround, §4.3).
      return h('div', { class: mui('Paper-root') + ' ' + mui('Card-root') + ' ' + site('SchemeCard', 'card') }, [
        h('button', { class: mui('ButtonBase-root') + ' ' + mui('CardActionArea-root'), type: 'button', onClick: go, trustedOnly: true }, [
          h('img', { class: mui('CardMedia-root', 'MuiCardMedia-img'), src: PZ.SCHEME_IMG, alt: '' }),
          h('div', { class: mui('CardContent-root') }, [h('p', { class: PZ.caps(typo('body2') + ' ' + site('SchemeCard', 'schemeTitle')) },
            [PZ.txt(PZ.cardTitle(c.title))])])]),
        h('div', { class: mui('CardActions-root') }, [h('button', { class: mui('Button-root', 'MuiButton-text'), type: 'button',
          onClick: go, trustedOnly: true }, [PZ.txt('Посмотреть схему')])])]);
    }

    function schemesKids() {
      if (s.section < 0) return [h('p', { class: typo('body2') }, ['Выберите раздел в меню слева'])];
      var sec = cat.sections[s.section];
      var cards = sec.lazy ? sectionData[s.section] : sec.cards;
      return [h('h5', { class: typo('h5') }, [PZ.txt(sec.label)]), cards
        ? h('div', { class: site('Schemes', 'cardGrid') }, cards.map(schemeCard)) : PZ.progress(true)];
    }

    function schemesView() {
      var items = cat.sections.map(function (sec, i) {
        return h('div', { class: PZ.caps(site('Selector', 'selectorPaperContentLink')), trustedOnly: trusted,
          onClick: function () { showSection(i); } }, [PZ.txt(sec.label)]);
      });
      live.schemes = h('div', { class: site('Schemes', 'schemesContent') }, schemesKids());
      return h('div', { class: site('Schemes', 'schemes') }, [
        h('div', { class: mui('Paper-root') + ' ' + site('Schemes', 'sectionMenu') }, items), live.schemes]);
    }

    function showSection(i) {
      var sec = cat.sections[i];
      if (sec.parts) { openParts(sec.parts, sec.label); return; }
      update(function () { s.section = i; }, function () { PZ.replace(live.schemes, schemesKids()); });
      if (sec.lazy && !sectionData[i] && !pending['s' + i]) {
        pending['s' + i] = true;
        PZ.getJson(api('catalog?section=' + i)).then(PZ.later(PZ.lazyDelay('section:' + i))).then(function (data) {
          update(function () { sectionData[i] = data.cards; }, function () {
            if (s.section === i && live.schemes.isConnected) PZ.replace(live.schemes, schemesKids());
          });
        }, function () { pending['s' + i] = false; });
      }
    }

    // --- views: deeper scheme links, parts (same URL by default, history.pushState under `pushstate`) -------
    function backButton(cls) {
      return h('button', { class: mui('Button-root', 'MuiButton-text' + (cls ? ' ' + cls : '')), type: 'button', onClick: back },
        [PZ.txt('← Назад к каталогу')]);
    }

    function deeperView(d) {
      return [backButton(), h('section', { class: site('SchemeView', 'schemeView') }, [
        h('h5', { class: typo('h5') }, [d.title]), h('img', { class: site('SchemeView', 'schemeImage'), src: PZ.SCHEME_IMG, alt: '' }),
        h('div', { class: site('SchemeView', 'linkList') }, d.links.map(function (l) {
          return h('a', { href: '#', class: site('SchemeView', 'schemeLink'), trustedOnly: trusted,
            onClick: function () { openParts(l.key, l.label); } }, [l.label]);
        }))])];
    }

    function panelContent() {
      var v = s.view;
      if (!v) return [cat.tabs[s.tab].id === 'groups' ? groupsView() : schemesView()];
      if (v.kind === 'deeper') return deeperView(v.d);
      if (v.error) return [h('div', { class: mui('Alert-root', 'MuiAlert-standardError'), role: 'alert' }, ['Ошибка загрузки'])];
      return [v.data ? PZ.partsView(v.data, v.label, back) : PZ.progress()];
    }

    function showView(view) {
      update(function () { s.view = view; }, redrawPanel);
      if (view.kind === 'parts' && !view.data) loadParts(view);
    }

    function loadParts(view) {
      PZ.getJson(api('parts?key=' + PZ.enc(view.key))).then(PZ.later(Math.round((CFG.renderDelayMs || 0) / 2))).then(function (v) {
        partsData[view.key] = v;
        if (s.view === view) update(function () { view.data = v; }, redrawPanel);
      }, function () {
        if (s.view === view) update(function () { view.error = true; }, redrawPanel);
      });
    }

    function openParts(key, label) {
      var view = { kind: 'parts', key: key, label: label, data: null };
      if (SW.pushstate) pushView(view);
      showView(view);
    }

    /* Like re-mounting the tab panel: accordions collapsed, no section chosen (lazy data stays cached). */
    function reset(change) {
      update(function () { change(); s.view = null; s.expanded = {}; s.section = -1; }, function () {
        tabs.forEach(function (t, j) {
          t.setAttribute('aria-selected', String(s.tab === j));
          t.setAttribute('tabindex', s.tab === j ? '0' : '-1');
          t.classList.toggle('Mui-selected', s.tab === j);
        });
        redrawPanel();
      });
    }

    function back() {
      if (SW.pushstate && history.state && history.state.pzDepth > 0) { history.back(); return; }
      if (SW.pushstate) leaveViewUrl();
      reset(function () {});
    }

    // --- history (pushstate switch) ------------------------------------------------------------------------
    function snapshot(v) {
      if (!v) return null;
      return v.kind === 'parts' ? { kind: 'parts', key: v.key, label: v.label } : { kind: 'deeper', d: v.d };
    }
    function depth() { return (history.state && history.state.pzDepth) || 0; }
    function pushView(view) {
      history.replaceState({ pzView: snapshot(s.view), pzDepth: depth() }, '');
      var url = new URL(location.href);
      url.searchParams.set('part', view.key);
      history.pushState({ pzView: snapshot(view), pzDepth: depth() + 1 }, '', url.pathname + url.search);
    }
    function leaveViewUrl() {
      var url = new URL(location.href);
      url.searchParams.delete('part');
      history.replaceState({ pzView: null, pzDepth: 0 }, '', url.pathname + url.search);
    }
    if (SW.pushstate) {
      window.addEventListener('popstate', function (e) {
        var v = e.state && e.state.pzView;
        if (!v) { reset(function () {}); return; }
        if (v.kind === 'deeper') { showView({ kind: 'deeper', d: v.d }); return; }
        showView({ kind: 'parts', key: v.key, label: v.label, data: partsData[v.key] || null });
      });
    }

    function selectTab(i) {
      if (SW.pushstate && s.view) leaveViewUrl();
      reset(function () { s.tab = i; });
    }

    function build() {
      live = {};
      tabs = cat.tabs.map(function (tab, i) {
        var on = s.tab === i;
        return h('button', { class: mui('ButtonBase-root') + ' ' + mui('Tab-root', 'MuiTab-textColorPrimary') + (on ? ' Mui-selected' : ''),
          role: 'tab', type: 'button', 'aria-selected': String(on), tabindex: on ? '0' : '-1', trustedOnly: trusted,
          onClick: function () { selectTab(i); } }, [PZ.txt(tab.label)]);
      });
      panel = h('div', { role: 'tabpanel', class: site('Catalog', 'tabPanel') }, panelContent());
      return h('section', { class: mui('Paper-root') + ' ' + site('Catalog', 'catalog') }, [
        h('div', { class: mui('Tabs-root') }, [h('div', { class: mui('Tabs-scroller') }, [
          h('div', { class: 'MuiTabs-flexContainer', role: 'tablist' }, tabs)])]), panel]);
    }

    // A reload at a pushed parts URL opens that view again.
    var initial = SW.pushstate && new URLSearchParams(location.search).get('part');
    if (initial) { s.view = { kind: 'parts', key: initial, label: '', data: null }; loadParts(s.view); }

    return { build: build };
  };
})(window.PZ);
