/* podzamenu sandbox, part 2 of the bundle: the parts views (site-anatomy §5), drawn from one `/api/parts` answer. */
(function (PZ) {
  'use strict';
  var h = PZ.h, mui = PZ.mui, site = PZ.site, typo = PZ.typo;

  function partHref(oem, extra) { return '/search?query=' + PZ.enc(oem) + (extra ? '&from=catalog' : ''); }
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
    named_links: function (v) {
      // The link reads the part's name, its number sits beside it: the name pairs with the number (§8).
      return h('ul', { class: site('PartsList', 'partsList') }, v.rows.map(function (r) {
        return h('li', { class: site('PartsList', 'partsItem') }, [h('a', { href: partHref(r.oem) }, [r.name || r.oem]),
          ' ', h('span', { class: site('PartsList', 'partCode') }, [r.oem])]);
      }));
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

  /* The parts view that replaces the catalogue's tab panel; «Назад» calls `back`. */
  PZ.partsView = function (v, label, back) {
    var kids = [h('button', { class: mui('Button-root', 'MuiButton-text ' + site('PartsView', 'back')), type: 'button', onClick: back },
      [PZ.txt('← Назад к каталогу')]), h('h5', { class: typo('h5') + ' ' + site('PartsView', 'title') }, [v.heading || label])];
    if (v.scheme) kids.push(h('img', { class: site('PartsView', 'schemeImage'), src: PZ.SCHEME_IMG, alt: '' }));
    kids.push((LAYOUTS[v.layout] || LAYOUTS.detail)(v));
    return h('section', { class: mui('Paper-root') + ' ' + site('PartsView', 'partsView') }, kids);
  };
})(window.PZ);
