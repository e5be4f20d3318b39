"""The one `page.evaluate` that turns a rendered page into the DOM snapshot the pure parsers read."""

from __future__ import annotations

# Shape (mirrored by lookup.engine.sites.dom.snapshot_html for saved HTML):
#   text       visible text of the content area (site chrome excluded)
#   headings   [{tag, text, acc, pos}]  h1-h6 and *title* elements; acc = inside an *Accordion* ancestor
#   tables     [{rows: [[{text, content, th, nested}]], head: <rows in thead>, pos}]
#   details    [{href, link_text, cells: [vehicleCell texts], other: [other text lines]}]  one per searchDetailCell
#   links      [{href, text, detail, other}]  part links (/search?query=) outside the chrome; other = row text
#   pairs      [{label, value, content}]  label/value pairs of the vehicle block outside tables: dl/dt/dd,
#              label/value grids (an element ending in «:» or a short label followed by its value sibling)
#   vehicle_text  visible text outside the catalogue (accordions, tabs, cards) and the chrome
#   counts     {tables, cells, detail_cells, part_links, links}
SNAPSHOT_JS = r"""
(o) => {
  const inChrome = (el) => !!el.closest(o.chrome);
  const clean = (s) => (s || '').replace(/\u00a0/g, ' ').split('\n').map(l => l.replace(/[ \t]+/g, ' ').trim())
      .filter(Boolean).join('\n');
  const visText = (el) => {
    if (el.matches && el.matches(o.chrome)) return '';
    if (!el.querySelector(o.chrome)) return el.innerText || '';
    return Array.from(el.children).map(visText).filter(Boolean).join('\n');
  };
  // Row lines minus the given texts (inline neighbours share a line: `3102…Вариатор в сборе`).
  const strip = (text, drop) => text.split('\n').map(l => drop.filter(Boolean)
      .reduce((acc, d) => acc === d ? '' : acc.startsWith(d) ? acc.slice(d.length) : acc, l).trim()).filter(Boolean);
  const all = Array.from(document.body.querySelectorAll('*'));
  const order = new Map(all.map((el, i) => [el, i]));
  const headings = Array.from(document.body.querySelectorAll(o.headings)).filter(el => !inChrome(el)).map(el => ({
    tag: el.tagName.toLowerCase(), text: clean(el.innerText), acc: !!el.parentElement?.closest('[class*="Accordion"]'),
    pos: order.get(el)})).filter(h => h.text);
  const tables = Array.from(document.body.querySelectorAll('table')).filter(t => !inChrome(t)).map(t => ({
    pos: order.get(t),
    head: t.tHead ? t.tHead.rows.length : 0,
    rows: Array.from(t.rows).slice(0, 200).map(r => Array.from(r.cells).map(c => ({
      text: clean(c.innerText), content: (c.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 2000),
      th: c.tagName === 'TH', nested: c.children.length > 0})))}));
  const detailEls = Array.from(document.body.querySelectorAll(o.detail)).filter(el => !inChrome(el));
  const details = detailEls.map(cell => {
    let row = cell;
    while (row.parentElement && row.parentElement !== document.body &&
           row.parentElement.querySelectorAll(o.detail).length === 1) row = row.parentElement;
    const a = cell.matches(o.link) ? cell : (cell.querySelector(o.link) || row.querySelector(o.link));
    const cells = Array.from(row.querySelectorAll(o.vcell)).map(v => clean(v.innerText)).filter(Boolean);
    const other = strip(clean(row.innerText), [...clean(cell.innerText).split('\n'), ...cells]);
    return {href: a ? a.getAttribute('href') : null, link_text: a ? clean(a.innerText) : clean(cell.innerText),
            cells, other};
  });
  const links = Array.from(document.body.querySelectorAll(o.link)).filter(a => !inChrome(a)).map(a => {
    let row = a;
    while (row.parentElement && row.parentElement !== document.body &&
           row.parentElement.querySelectorAll(o.link).length === 1) row = row.parentElement;
    return {href: a.getAttribute('href'), text: clean(a.innerText), detail: !!a.closest(o.detail),
            other: row === a ? [] : strip(clean(row.innerText), clean(a.innerText).split('\n'))};
  });
  // Label/value pairs outside the catalogue: <dl>, and two-child rows (label element + value element).
  const outside = (el) => !inChrome(el) && !el.closest(o.catalogue);
  const pairs = [];
  const push = (l, v) => {
    const label = clean(l.innerText), value = clean(v.innerText);
    if (label && value && label.length <= 60) pairs.push({label, value,
      content: (v.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 2000)});
  };
  Array.from(document.body.querySelectorAll('dt')).filter(outside).forEach(dt => {
    let dd = dt.nextElementSibling;
    while (dd && dd.tagName !== 'DD' && dd.tagName !== 'DT') dd = dd.nextElementSibling;
    if (dd && dd.tagName === 'DD') push(dt, dd);
  });
  Array.from(document.body.querySelectorAll('div, li, p')).filter(el => el.children.length === 2 && outside(el)
      && !el.closest('table, dl')).forEach(row => {
    const [l, v] = row.children;
    if (l.children.length > 2 || (l.innerText || '').length > 60) return;
    if (/:\s*$/.test(l.innerText || '') || /label|key|name|title/i.test(l.className || '')) push(l, v);
  });
  const vehicleText = (el) => {
    if (el.matches && (inChrome(el) || el.matches(o.catalogue))) return '';
    if (!el.querySelector(o.chrome + ', ' + o.catalogue)) return el.innerText || '';
    return Array.from(el.children).map(vehicleText).filter(Boolean).join('\n');
  };
  return {
    pairs, vehicle_text: clean(vehicleText(document.body)).slice(0, 20000),
    url: location.href, text: clean(visText(document.body)).slice(0, 20000), headings, tables, details, links,
    counts: {tables: tables.length, cells: document.querySelectorAll('td, th').length, detail_cells: detailEls.length,
             part_links: links.length, links: document.querySelectorAll('a').length},
  };
}
"""
