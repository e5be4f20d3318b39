/* китайавто.рус sandbox: a plain (non-MUI) site that renders its VIN answer after DOMContentLoaded.
   Shapes (site-anatomy §11 row 22): missing (message), heading («Коробка передач <OEM>»), blocks
   (Оригинал / Аналоги / Копии tables) and empty. */
(function () {
  'use strict';
  var CFG = window.__APP_CONFIG__ || {};
  var BASE = CFG.base || '/profrf';

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    [].concat(children || []).forEach(function (c) {
      if (c != null) el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  function table(rows) {
    return h('table', { class: 'table parts-table' }, [
      h('thead', {}, [h('tr', {}, [h('th', {}, ['OEM']), h('th', {}, ['Наименование'])])]),
      h('tbody', {}, rows.map(function (r) { return h('tr', {}, [h('td', {}, [r[0]]), h('td', {}, [r[1] || ''])]); }))]);
  }

  function fields(data) {
    var f = data.fields || {};
    return h('div', { class: 'vehicle-info' }, Object.keys(f).map(function (k) { return h('p', {}, [k + ': ' + f[k]]); }));
  }

  function render(container, data) {
    if (data.shape === 'empty') return;
    var main = h('main', { class: 'content' }, [h('h1', {}, ['Результаты поиска по VIN ' + data.query])]);
    if (data.shape === 'missing') main.appendChild(h('div', { class: 'alert alert-warning' }, [data.message]));
    if (data.shape === 'fields') main.appendChild(fields(data));  // the car and its gearbox line, no parts
    if (data.shape === 'heading') {
      main.appendChild(fields(data));
      main.appendChild(h('h2', {}, [data.heading]));
      if (data.rows) main.appendChild(table(data.rows));
    }
    if (data.shape === 'blocks') {
      main.appendChild(fields(data));
      Object.keys(data.blocks || {}).forEach(function (name) {
        main.appendChild(h('h3', {}, [name]));
        main.appendChild(table(data.blocks[name]));
      });
    }
    container.appendChild(main);
  }

  function boot() {
    var root = document.getElementById('root');
    var query = new URLSearchParams(location.search).get('query') || '';
    // No loader while the answer loads and renders: the fallback's markup is unknown (site-anatomy §7, §12), so the
    // replica is the harder case of a page that stays blank until its content arrives.
    var container = h('div', { class: 'container' });
    root.appendChild(h('header', { class: 'site-header' }, [h('a', { href: BASE + '/', class: 'logo' }, ['КитайАвто.рус']),
      h('nav', {}, [h('a', { href: BASE + '/catalog' }, ['Каталог']), h('a', { href: BASE + '/catalog/kpp' }, ['Коробки передач']),
        h('a', { href: BASE + '/contacts' }, ['Контакты'])])]));
    root.appendChild(container);
    root.appendChild(h('footer', { class: 'site-footer' }, ['© КитайАвто — запчасти для китайских автомобилей']));
    if (!query) { container.innerHTML = ''; return; }
    fetch(BASE + '/api/search?query=' + encodeURIComponent(query) + '&type=vin').then(function (r) { return r.json(); })
      .then(function (data) {
        setTimeout(function () { container.innerHTML = ''; render(container, data); }, CFG.renderDelayMs || 0);
      });
  }

  document.addEventListener('DOMContentLoaded', boot);
})();
