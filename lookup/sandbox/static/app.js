/* podzamenu sandbox: a small React-like SPA. Everything is drawn after DOMContentLoaded from the JSON API,
   with MUI-style hashed class names (they change with the build, i.e. the sandbox seed) and delegated click
   handlers stored on the nodes like React's __reactProps$. Keep user-visible texts out of this file where they
   depend on the scenario: the data API sends them, so success pages never carry another page's texts. */
(function () {
  'use strict';

  var CFG = window.__APP_CONFIG__ || {};
  var BUILD = CFG.build || 'dev';
  var PROPS = '__reactProps$' + hash('props').slice(0, 7);
  var SCHEME_IMG = '/static/scheme.svg';
  var MENU = [['Контрактные КПП', '/catalog/kpp'], ['Коробка передач б/у', '/catalog/korobka-peredach'],
    ['АКПП с гарантией', '/catalog/akpp'], ['Двигатели', '/catalog/dvigateli'], ['Доставка и оплата', '/delivery'],
    ['Контакты', '/contacts']];

  // --- markup helpers ----------------------------------------------------------------------------------
  function hash(s) {
    var x = 0x811c9dc5, str = BUILD + ':' + s;
    for (var i = 0; i < str.length; i++) { x ^= str.charCodeAt(i); x = Math.imul(x, 0x01000193) >>> 0; }
    return ('00000' + x.toString(36)).slice(-6);
  }
  /* Emotion-style MUI class: `MuiAccordion-root css-1k3x9a-MuiAccordion-root`. */
  function mui(name, extra) {
    return 'Mui' + name + ' css-' + hash(name) + '-Mui' + name + (extra ? ' ' + extra : '');
  }
  /* CSS-modules-style site class: `Selector_selectorPaperContentLink__x1y2z`. */
  function site(mod, part) { return mod + '_' + part + '__' + hash(mod + part).slice(0, 5); }
  function typo(variant) { return mui('Typography-root', 'MuiTypography-' + variant); }

  function h(tag, props, children) {
    var el = document.createElement(tag);
    props = props || {};
    Object.keys(props).forEach(function (k) {
      var v = props[k];
      if (v == null || v === false || k === 'trustedOnly') return;
      if (k === 'class') el.className = v;
      else if (k === 'onClick') el[PROPS] = { onClick: v, trustedOnly: !!props.trustedOnly };
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    append(el, children);
    return el;
  }
  function append(el, children) {
    [].concat(children == null ? [] : children).forEach(function (c) {
      if (c == null || c === false) return;
      el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function enc(s) { return encodeURIComponent(s); }
  function getJson(url) {
    return fetch(url, { headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  /* React attaches one listener at the root; handlers that check isTrusted ignore element.click() and
     dispatched MouseEvents, but real (CDP) mouse input works. */
  function delegateClicks(root) {
    root.addEventListener('click', function (e) {
      for (var n = e.target; n && n !== root.parentNode; n = n.parentNode) {
        var p = n[PROPS];
        if (p && p.onClick) {
          if (p.trustedOnly && !e.isTrusted) return;
          e.preventDefault();
          p.onClick(e);
          return;
        }
      }
    });
  }

  function startBeacon() {
    setInterval(function () {
      fetch('/api/collect', { method: 'POST', body: JSON.stringify({ p: location.pathname, t: Date.now() }),
        headers: { 'content-type': 'application/json' } }).catch(function () {});
    }, 400);
  }

  // --- page frame --------------------------------------------------------------------------------------
  function header(query) {
    return h('header', { class: mui('AppBar-root', 'MuiAppBar-positionSticky ' + site('Header', 'header')) }, [
      h('div', { class: site('Header', 'inner') }, [
        h('a', { href: '/', class: site('Header', 'logo') }, ['podzamenu']),
        h('form', { action: '/search-vehicle', method: 'get', class: site('Header', 'searchForm') }, [
          h('div', { class: mui('InputBase-root', 'MuiOutlinedInput-root') }, [
            h('input', { name: 'vin', class: 'MuiInputBase-input', placeholder: 'VIN, FRAME или номер детали',
              value: query || '', autocomplete: 'off' })]),
          h('button', { type: 'submit', class: mui('Button-root', 'MuiButton-contained') }, ['Найти'])]),
        h('a', { href: '/cart', class: site('Header', 'cart') }, ['Корзина ',
          h('span', { class: mui('Badge-badge') }, ['0'])]),
        h('a', { href: '/login', class: site('Header', 'login') }, ['Войти'])]),
      h('nav', { class: site('Header', 'topMenu') }, MENU.map(function (m) {
        return h('a', { href: m[1], class: site('Header', 'headerLink') }, [m[0]]);
      }))]);
  }

  function footer() {
    function col(title, links) {
      return h('div', { class: site('Footer', 'column') }, [h('p', { class: site('Footer', 'columnTitle') }, [title])]
        .concat(links.map(function (l) { return h('a', { href: l[1], class: site('Footer', 'footerLink') }, [l[0]]); })));
    }
    return h('footer', { class: site('Footer', 'footer') }, [
      col('Покупателям', [['Купить КПП', '/catalog/kpp'], ['Коробка передач с разборки', '/catalog/korobka-peredach'],
        ['Гарантия', '/warranty'], ['Возврат', '/return']]),
      col('Компания', [['О нас', '/about'], ['Вакансии', '/jobs'], ['Контакты', '/contacts']]),
      h('div', { class: site('Footer', 'column') }, [h('p', {}, ['8 800 000-00-00']), h('p', {}, ['© podzamenu'])])]);
  }

  function breadcrumbs(items) {
    return h('nav', { class: mui('Breadcrumbs-root'), 'aria-label': 'breadcrumb' }, [
      h('ol', { class: mui('Breadcrumbs-ol') }, items.map(function (t, i) {
        return h('li', { class: 'MuiBreadcrumbs-li' }, [i === 0 ? h('a', { href: '/' }, [t]) : t]);
      }))]);
  }

  function progress() {
    return h('div', { class: site('Loader', 'loaderWrap') }, [
      h('span', { class: mui('CircularProgress-root', 'MuiCircularProgress-indeterminate'), role: 'progressbar' })]);
  }

  // --- vehicle block -----------------------------------------------------------------------------------
  function openDialog(text) {
    var layer = h('div', { class: mui('Dialog-root', 'MuiModal-root'), role: 'presentation' });
    var close = h('button', { class: mui('Button-root', 'MuiButton-text'), type: 'button',
      onClick: function () { layer.remove(); } }, ['Закрыть']);
    append(layer, [h('div', { class: mui('Backdrop-root') }), h('div', { class: mui('Dialog-container') }, [
      h('div', { class: mui('Paper-root', 'MuiDialog-paper'), role: 'dialog' }, [
        h('div', { class: mui('DialogContent-root') }, String(text).split('\n').map(function (l) {
          return h('div', {}, [l]);
        })),
        h('div', { class: mui('DialogActions-root') }, [close])])])]);
    document.getElementById('root').appendChild(layer);
  }

  /* A cell is a string, or {text, more, dialog}: `more` adds a block-level «Подробнее» control under the text. */
  function cellContent(c) {
    if (c == null) return [];
    if (typeof c !== 'object') c = { text: String(c) };
    var lines = String(c.text || '').split('\n');
    var out = lines.length > 1 ? lines.map(function (l) { return h('div', { class: site('VehicleInfo', 'cellLine') }, [l]); })
      : [lines[0]];
    if (c.more) {
      out.push(h('div', { class: mui('ButtonBase-root') + ' ' + site('VehicleInfo', 'moreButton'), role: 'button',
        tabindex: '0', onClick: function () { openDialog(c.dialog || c.text); } }, ['Подробнее']));
    }
    return out;
  }

  function infoTable(t) {
    var cellCls = mui('TableCell-root', 'MuiTableCell-body ' + site('VehicleInfo', 'infoCell'));
    var body = t.rows.map(function (row) {
      return h('tr', { class: mui('TableRow-root') }, row.map(function (c) { return h('td', { class: cellCls }, cellContent(c)); }));
    });
    var kids = [];
    if (t.layout !== 'kv') {
      kids.push(h('thead', { class: mui('TableHead-root') }, [h('tr', { class: mui('TableRow-root') }, t.columns.map(function (c) {
        return h('th', { class: mui('TableCell-root', 'MuiTableCell-head'), scope: 'col' }, [c]);
      }))]));
    }
    kids.push(h('tbody', { class: mui('TableBody-root') }, body));
    return h('div', { class: mui('TableContainer-root') }, [
      h('table', { class: mui('Table-root') + ' ' + site('VehicleInfo', 'vehicleTable') }, kids)]);
  }

  function vehicleBlock(page) {
    var kids = page.titles.map(function (t) { return h('h6', { class: typo('h6') + ' ' + site('VehicleInfo', 'title') }, [t]); });
    return h('section', { class: mui('Paper-root', 'MuiPaper-elevation1 ' + site('VehicleInfo', 'vehicleInfo')) },
      kids.concat(page.tables.map(infoTable)));
  }

  // --- catalogue: accordions, schemes -----------------------------------------------------------------
  /* MUI v6.3+ accordion: h3 > button[aria-expanded]; collapsed content is height 0 + visibility hidden. */
  function accordion(g, ctx) {
    var expanded = false;
    var details = g.children.map(function (c) { return accordion(c, ctx); });
    if (g.items.length) {
      details.push(h('div', { class: mui('Paper-root') + ' ' + site('Selector', 'selectorPaper') }, g.items.map(function (it) {
        return h('div', { class: site('Selector', 'selectorPaperContentLink'),
          onClick: function () { ctx.openParts(it.key, it.label); } }, [it.label]);
      })));
    }
    var inner = h('div', { class: mui('Collapse-wrapperInner') }, [h('div', { role: 'region', class: mui('Accordion-region') }, [
      h('div', { class: mui('AccordionDetails-root') }, details)])]);
    var collapse = h('div', { class: mui('Collapse-root', 'MuiCollapse-vertical MuiCollapse-hidden'),
      style: 'min-height:0px;height:0px;visibility:hidden' }, [h('div', { class: mui('Collapse-wrapper') }, [inner])]);
    var summary = h('button', { class: mui('ButtonBase-root') + ' ' + mui('AccordionSummary-root'), type: 'button',
      'aria-expanded': 'false', onClick: toggle }, [
      h('span', { class: mui('AccordionSummary-content') }, [h('h6', { class: typo('subtitle1') }, [g.title])]),
      h('span', { class: mui('AccordionSummary-expandIconWrapper') }, ['▾'])]);
    var root = h('div', { class: mui('Paper-root') + ' ' + mui('Accordion-root', 'MuiAccordion-gutters') }, [
      h('h3', { class: mui('Accordion-heading') }, [summary]), collapse]);
    function toggle() {
      expanded = !expanded;
      summary.setAttribute('aria-expanded', String(expanded));
      root.classList.toggle('Mui-expanded', expanded);
      summary.classList.toggle('Mui-expanded', expanded);
      if (expanded) {
        collapse.classList.remove('MuiCollapse-hidden');
        collapse.style.visibility = 'visible';
        collapse.style.height = inner.scrollHeight + 'px';
        setTimeout(function () { if (expanded) { collapse.style.height = 'auto'; collapse.classList.add('MuiCollapse-entered'); } }, 160);
      } else {
        collapse.style.height = collapse.scrollHeight + 'px';
        void collapse.offsetHeight;
        collapse.style.height = '0px';
        collapse.classList.remove('MuiCollapse-entered');
        setTimeout(function () { if (!expanded) { collapse.style.visibility = 'hidden'; collapse.classList.add('MuiCollapse-hidden'); } }, 160);
      }
    }
    return root;
  }

  function schemeCard(c, ctx) {
    function go() { if (c.target.deeper) ctx.showDeeper(c.target.deeper); else ctx.openParts(c.target.parts, c.title); }
    // Scheme cards always want real pointer input (the older scraper's synthetic-click workaround, §4.3).
    return h('div', { class: mui('Paper-root') + ' ' + mui('Card-root') + ' ' + site('SchemeCard', 'card') }, [
      h('button', { class: mui('ButtonBase-root') + ' ' + mui('CardActionArea-root'), type: 'button', onClick: go, trustedOnly: true }, [
        h('img', { class: mui('CardMedia-root', 'MuiCardMedia-img'), src: SCHEME_IMG, alt: '' }),
        h('div', { class: mui('CardContent-root') }, [h('p', { class: typo('body2') + ' ' + site('SchemeCard', 'schemeTitle') }, [c.title])])]),
      h('div', { class: mui('CardActions-root') }, [h('button', { class: mui('Button-root', 'MuiButton-text'), type: 'button',
        onClick: go, trustedOnly: true }, ['Посмотреть схему'])])]);
  }

  function schemes(cat, ctx) {
    var content = h('div', { class: site('Schemes', 'schemesContent') }, [
      h('p', { class: typo('body2') }, ['Выберите раздел в меню слева'])]);
    var items = cat.sections.map(function (sec) {
      return h('div', { class: site('Selector', 'selectorPaperContentLink'), trustedOnly: cat.trusted,
        onClick: function () { show(sec); } }, [sec.label]);
    });
    function show(sec) {
      if (sec.parts) { ctx.openParts(sec.parts, sec.label); return; }
      clear(content);
      append(content, [h('h5', { class: typo('h5') }, [sec.label]),
        h('div', { class: site('Schemes', 'cardGrid') }, sec.cards.map(function (c) { return schemeCard(c, ctx); }))]);
    }
    return h('div', { class: site('Schemes', 'schemes') }, [
      h('div', { class: mui('Paper-root') + ' ' + site('Schemes', 'sectionMenu') }, items), content]);
  }

  // --- parts views (site-anatomy §5) ------------------------------------------------------------------
  function partHref(oem, extra) { return '/search?query=' + enc(oem) + (extra ? '&from=catalog' : ''); }
  function rowValues(r, n) {
    var vals = [r.oem, r.name || ''].concat(r.cells.length ? r.cells : ['1']);
    while (vals.length < n) vals.push('');
    return vals.slice(0, n);
  }

  var LAYOUTS = {
    detail: function (v) {
      return h('div', { class: site('SearchDetail', 'searchDetailList') }, v.rows.map(function (r) {
        var kids = [h('div', { class: site('SearchDetail', 'searchDetailCell') }, [h('a', { href: partHref(r.oem) }, [r.oem])])];
        if (r.name) kids.push(h('div', { class: site('SearchDetail', 'detailName') }, [r.name]));
        r.cells.forEach(function (c) { kids.push(h('div', { class: site('SearchDetail', 'vehicleCell') }, [c])); });
        return h('div', { class: site('SearchDetail', 'detailRow') }, kids);
      }));
    },
    links: function (v) {
      // Hotspots on the scheme repeat the list's links: a scraper must deduplicate.
      var spots = h('div', { class: site('PartsView', 'schemeOverlay') }, v.rows.map(function (r, i) {
        return h('a', { href: partHref(r.oem), class: site('PartsView', 'hotspot') }, [String(i + 1)]);
      }));
      var list = h('ul', { class: site('PartsList', 'partsList') }, v.rows.map(function (r) {
        return h('li', { class: site('PartsList', 'partsItem') }, [h('a', { href: partHref(r.oem, true) }, [r.oem]),
          r.name ? h('span', { class: site('PartsList', 'partName') }, [r.name]) : null]);
      }));
      return h('div', {}, [spots, list]);
    },
    html_table: function (v) {
      var cols = v.columns || ['Каталожный номер', 'Наименование', 'Кол-во'];
      return h('table', { class: site('PartsTable', 'plainTable') }, [
        h('thead', {}, [h('tr', {}, cols.map(function (c) { return h('th', {}, [c]); }))]),
        h('tbody', {}, v.rows.map(function (r) {
          return h('tr', {}, rowValues(r, cols.length).map(function (x) { return h('td', {}, [x]); }));
        }))]);
    },
    mui_table: function (v) { return muiTable(v, v.columns || ['Номер детали', 'Наименование', 'Кол-во']); },
    mui_table_noheader: function (v) { return muiTable(v, null); }
  };

  function muiTable(v, cols) {
    var width = cols ? cols.length : 4;
    var rows = v.rows.map(function (r, i) {
      var vals = cols ? rowValues(r, width) : [String(i + 1)].concat(rowValues(r, width - 1));
      return h('tr', { class: mui('TableRow-root') }, vals.map(function (x) {
        return h('td', { class: mui('TableCell-root', 'MuiTableCell-body') }, [h('span', { class: typo('body2') }, [x])]);
      }));
    });
    var kids = [];
    if (cols) {
      kids.push(h('thead', { class: mui('TableHead-root') }, [h('tr', { class: mui('TableRow-root') }, cols.map(function (c) {
        return h('th', { class: mui('TableCell-root', 'MuiTableCell-head'), scope: 'col' }, [
          h('span', { class: mui('TableSortLabel-root'), role: 'button' }, [c, h('span', { class: 'MuiTableSortLabel-icon' }, ['↕'])])]);
      }))]));
    }
    kids.push(h('tbody', { class: mui('TableBody-root') }, rows));
    return h('div', { class: mui('TableContainer-root') }, [h('table', { class: mui('Table-root') + ' ' + site('PartsTable', 'muiTable') }, kids)]);
  }

  function partsView(v, label, back) {
    var kids = [h('button', { class: mui('Button-root', 'MuiButton-text ' + site('PartsView', 'back')), type: 'button', onClick: back },
      ['← Назад к каталогу']), h('h5', { class: typo('h5') + ' ' + site('PartsView', 'title') }, [v.heading || label])];
    if (v.scheme) kids.push(h('img', { class: site('PartsView', 'schemeImage'), src: SCHEME_IMG, alt: '' }));
    kids.push((LAYOUTS[v.layout] || LAYOUTS.detail)(v));
    return h('section', { class: mui('Paper-root') + ' ' + site('PartsView', 'partsView') }, kids);
  }

  function catalogBlock(page) {
    var cat = page.catalog, current = 0;
    var panel = h('div', { role: 'tabpanel', class: site('Catalog', 'tabPanel') });
    var tabs = cat.tabs.map(function (tab, i) {
      return h('button', { class: mui('ButtonBase-root') + ' ' + mui('Tab-root', 'MuiTab-textColorPrimary'), role: 'tab',
        type: 'button', 'aria-selected': 'false', tabindex: '-1', trustedOnly: cat.trusted, onClick: function () { select(i); } }, [tab.label]);
    });
    var ctx = {
      openParts: function (key, label) {
        append(clear(panel), progress());
        var delay = Math.round((CFG.renderDelayMs || 0) / 2);
        getJson('/api/parts?vin=' + enc(page.query) + '&key=' + enc(key)).then(function (v) {
          setTimeout(function () { append(clear(panel), partsView(v, label, function () { select(current); })); }, delay);
        }, function () { append(clear(panel), h('div', { class: mui('Alert-root', 'MuiAlert-standardError'), role: 'alert' }, ['Ошибка загрузки'])); });
      },
      showDeeper: function (d) {
        append(clear(panel), [h('button', { class: mui('Button-root', 'MuiButton-text'), type: 'button', onClick: function () { select(current); } },
          ['← Назад к каталогу']), h('section', { class: site('SchemeView', 'schemeView') }, [
          h('h5', { class: typo('h5') }, [d.title]), h('img', { class: site('SchemeView', 'schemeImage'), src: SCHEME_IMG, alt: '' }),
          h('div', { class: site('SchemeView', 'linkList') }, d.links.map(function (l) {
            return h('a', { href: '#', class: site('SchemeView', 'schemeLink'), trustedOnly: cat.trusted,
              onClick: function () { ctx.openParts(l.key, l.label); } }, [l.label]);
          }))])]);
      }
    };
    function select(i) {
      current = i;
      tabs.forEach(function (t, j) {
        t.setAttribute('aria-selected', String(i === j));
        t.setAttribute('tabindex', i === j ? '0' : '-1');
        t.classList.toggle('Mui-selected', i === j);
      });
      clear(panel);
      append(panel, cat.tabs[i].id === 'groups'
        ? h('div', { class: site('Catalog', 'groups') }, cat.groups.map(function (g) { return accordion(g, ctx); }))
        : schemes(cat, ctx));
    }
    select(0);
    return h('section', { class: mui('Paper-root') + ' ' + site('Catalog', 'catalog') }, [
      h('div', { class: mui('Tabs-root') }, [h('div', { class: mui('Tabs-scroller') }, [
        h('div', { class: 'MuiTabs-flexContainer', role: 'tablist' }, tabs)])]), panel]);
  }

  // --- pages -------------------------------------------------------------------------------------------
  function emptyState() {
    return h('div', { class: mui('Paper-root') + ' ' + site('SearchPage', 'emptyState') }, [
      h('p', { class: typo('body1') }, ['Проверьте правильность VIN или FRAME либо воспользуйтесь поиском по номеру детали.']),
      h('p', { class: typo('body2') }, ['Популярные разделы: ', h('a', { href: '/catalog/kpp' }, ['контрактные КПП']), ', ',
        h('a', { href: '/catalog/dvigateli' }, ['двигатели'])])]);
  }

  function renderVehicleData(content, page) {
    if (page.kind === 'vehicle') { append(content, [vehicleBlock(page), catalogBlock(page)]); return; }
    if (page.kind === 'not_found') {
      append(content, h('div', { class: mui('Alert-root', 'MuiAlert-standardInfo'), role: 'alert' }, [
        h('div', { class: mui('Alert-message') }, [page.message])]));
    }
    append(content, emptyState());
  }

  function vehiclePage(main, query) {
    var content = h('div', { class: site('SearchPage', 'content') }, [progress()]);
    append(main, [breadcrumbs(['Главная', 'Поиск по VIN']),
      h('h1', { class: typo('h4') + ' ' + site('SearchPage', 'heading') }, ['Поиск по VIN: ' + query]), content]);
    getJson('/api/vehicle?vin=' + enc(query)).then(function (page) {
      if (page.kind === 'hang') return; // never settles: the spinner stays
      var delay = page.renderDelayMs != null ? page.renderDelayMs : (CFG.renderDelayMs || 0);
      setTimeout(function () { renderVehicleData(clear(content), page); }, delay);
    }, function () {
      append(clear(content), h('div', { class: mui('Alert-root', 'MuiAlert-standardError'), role: 'alert' }, ['Что-то пошло не так. Повторите попытку позже.']));
    });
  }

  function homePage(main) {
    append(main, [h('h1', { class: typo('h4') }, ['Контрактные запчасти с гарантией']),
      h('form', { action: '/search-vehicle', method: 'get', class: site('Home', 'heroSearch') }, [
        h('input', { name: 'vin', class: 'MuiInputBase-input', placeholder: 'Введите VIN или FRAME' }),
        h('button', { type: 'submit', class: mui('Button-root', 'MuiButton-contained') }, ['Подобрать'])]),
      h('div', { class: site('Home', 'categories') }, MENU.slice(0, 4).map(function (m) {
        return h('a', { href: m[1], class: mui('Paper-root') + ' ' + site('Home', 'category') }, [m[0]]);
      }))]);
  }

  function partSearchPage(main, query) {
    append(main, [breadcrumbs(['Главная', 'Поиск по номеру']), h('h1', { class: typo('h4') }, ['Поиск по номеру: ' + query]),
      h('div', { class: mui('Paper-root') + ' ' + site('PartSearch', 'offers') }, [
        h('p', {}, ['Предложения по номеру ' + query + ': 3 шт., от 45 000 ₽']),
        h('a', { href: '/cart', class: mui('Button-root', 'MuiButton-contained') }, ['В корзину'])])]);
  }

  function boot() {
    var root = document.getElementById('root');
    delegateClicks(root);
    var params = new URLSearchParams(location.search);
    var main = h('main', { class: mui('Container-root', 'MuiContainer-maxWidthLg ' + site('Layout', 'content')) });
    append(root, [header(params.get('vin') || params.get('query')), main, footer()]);
    if (CFG.page === 'vehicle') vehiclePage(main, params.get('vin') || '');
    else if (CFG.page === 'part-search') partSearchPage(main, params.get('query') || '');
    else homePage(main);
    startBeacon();
  }

  document.addEventListener('DOMContentLoaded', boot);
})();
