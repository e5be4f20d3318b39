/* podzamenu sandbox, part 4 of the bundle: page frame, vehicle block, pages and boot. Everything is drawn after
   DOMContentLoaded from the JSON API. Keep user-visible texts out of the bundle where they depend on the
   scenario: the data API sends them, so success pages never carry another page's texts. */
(function (PZ) {
  'use strict';

  var CFG = PZ.CFG, h = PZ.h, append = PZ.append, clear = PZ.clear, mui = PZ.mui, site = PZ.site, typo = PZ.typo;
  var enc = PZ.enc, getJson = PZ.getJson, progress = PZ.progress;
  var MENU = [['Контрактные КПП', '/catalog/kpp'], ['Коробка передач б/у', '/catalog/korobka-peredach'],
    ['АКПП с гарантией', '/catalog/akpp'], ['Двигатели', '/catalog/dvigateli'], ['Доставка и оплата', '/delivery'],
    ['Контакты', '/contacts']];

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

  /* Headers (and key/value keys) are labels: `labels` adds &nbsp;/<br>, `case` uppercases them in CSS. */
  function infoTable(t) {
    var cellCls = mui('TableCell-root', 'MuiTableCell-body ' + site('VehicleInfo', 'infoCell'));
    var kv = t.layout === 'kv';
    var body = t.rows.map(function (row) {
      return h('tr', { class: mui('TableRow-root') }, row.map(function (c, i) {
        var key = kv && i === 0 && typeof c === 'string';
        return h('td', { class: key ? PZ.caps(cellCls) : cellCls }, key ? PZ.labelNodes(c) : cellContent(c));
      }));
    });
    var kids = [];
    if (!kv) {
      kids.push(h('thead', { class: mui('TableHead-root') }, [h('tr', { class: mui('TableRow-root') }, t.columns.map(function (c) {
        return h('th', { class: PZ.caps(mui('TableCell-root', 'MuiTableCell-head')), scope: 'col' }, PZ.labelNodes(c));
      }))]));
    }
    kids.push(h('tbody', { class: mui('TableBody-root') }, body));
    return h('div', { class: mui('TableContainer-root') }, [
      h('table', { class: mui('Table-root') + ' ' + site('VehicleInfo', 'vehicleTable') }, kids)]);
  }

  function lines(text) {
    var parts = String(text).split('\n');
    return parts.length > 1 ? parts.map(function (l) { return h('div', { class: site('VehicleInfo', 'cellLine') }, [l]); }) : parts;
  }

  /* Label/value pairs outside the tables (site-anatomy §3.5): a <dl>, «label: value» lines, or an MUI grid. */
  var PAIRS = {
    dl: function (items) {
      return h('dl', { class: site('VehicleInfo', 'specList') }, items.reduce(function (out, p) {
        return out.concat([h('dt', { class: site('VehicleInfo', 'specLabel') }, PZ.labelNodes(p[0])),
          h('dd', { class: site('VehicleInfo', 'specValue') }, lines(p[1]))]);
      }, []));
    },
    lines: function (items) {
      return h('div', { class: site('VehicleInfo', 'specLines') }, items.map(function (p) {
        return h('p', { class: typo('body2') + ' ' + site('VehicleInfo', 'specLine') }, [
          h('span', { class: site('VehicleInfo', 'specLabel') }, PZ.labelNodes(p[0]).concat([':'])), ' ', p[1]]);
      }));
    },
    grid: function (items) {
      return h('div', { class: mui('Grid-root', 'MuiGrid-container ' + site('VehicleInfo', 'specGrid')) }, items.map(function (p) {
        return h('div', { class: mui('Grid-root', 'MuiGrid-item') }, [
          h('span', { class: typo('caption') + ' ' + site('VehicleInfo', 'specLabel') }, PZ.labelNodes(p[0])),
          h('p', { class: typo('body1') + ' ' + site('VehicleInfo', 'specValue') }, lines(p[1]))]);
      }));
    }
  };

  function vehicleBlock(page) {
    var kids = page.titles.map(function (t) { return h('h6', { class: typo('h6') + ' ' + site('VehicleInfo', 'title') }, [t]); });
    kids = kids.concat(page.tables.map(infoTable), (page.pairs || []).map(function (p) {
      return (PAIRS[p.layout] || PAIRS.dl)(p.items);
    }));
    return h('section', { class: mui('Paper-root', 'MuiPaper-elevation1 ' + site('VehicleInfo', 'vehicleInfo')) }, kids);
  }

  /* The vehicle block and the catalogue; under `rebuild` both are drawn again on every catalogue state change. */
  function showVehicle(content, page) {
    var catalog = PZ.createCatalog(page, draw);
    function draw() { content.replaceChildren(vehicleBlock(page), catalog.build()); }
    draw();
  }

  // --- pages -------------------------------------------------------------------------------------------
  function emptyState() {
    return h('div', { class: mui('Paper-root') + ' ' + site('SearchPage', 'emptyState') }, [
      h('p', { class: typo('body1') }, ['Проверьте правильность VIN или FRAME либо воспользуйтесь поиском по номеру детали.']),
      h('p', { class: typo('body2') }, ['Популярные разделы: ', h('a', { href: '/catalog/kpp' }, ['контрактные КПП']), ', ',
        h('a', { href: '/catalog/dvigateli' }, ['двигатели'])])]);
  }

  function renderVehicleData(content, page) {
    if (page.kind === 'vehicle') { showVehicle(content, page); return; }
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
    PZ.delegateClicks(root);
    var params = new URLSearchParams(location.search);
    var main = h('main', { class: mui('Container-root', 'MuiContainer-maxWidthLg ' + site('Layout', 'content')) });
    append(root, [header(params.get('vin') || params.get('query')), main, footer()]);
    if (CFG.page === 'vehicle') vehiclePage(main, params.get('vin') || '');
    else if (CFG.page === 'part-search') partSearchPage(main, params.get('query') || '');
    else homePage(main);
    startBeacon();
  }

  document.addEventListener('DOMContentLoaded', boot);
})(window.PZ);
