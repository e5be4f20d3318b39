"""Build the DOM snapshot (see dom_js.py) from saved HTML, so the parsers are testable without a browser.

innerText is approximated: hidden nodes (script/style/template, `hidden`, inline `display:none`) are skipped,
block elements break lines and table cells are tab-separated, as a browser renders them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

CHROME_TAGS = {'header', 'footer', 'nav'}
CHROME_ROLES = {'banner', 'contentinfo', 'navigation'}
HIDDEN_TAGS = {'script', 'style', 'template', 'noscript', 'head', 'title', 'meta', 'link'}
VOID_TAGS = {'br', 'img', 'input', 'meta', 'link', 'hr', 'source', 'wbr', 'col', 'area', 'base', 'embed'}
BLOCK_TAGS = {'div', 'p', 'li', 'ul', 'ol', 'tr', 'table', 'thead', 'tbody', 'tfoot', 'section', 'article', 'main',
              'header', 'footer', 'nav', 'aside', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'form', 'dl', 'dt', 'dd',
              'figure', 'figcaption', 'blockquote', 'pre', 'address', 'fieldset', 'caption'}
HEADING_TAGS = {'h1', 'h2', 'h3', 'h4', 'h5', 'h6'}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def classes(self) -> str:
        return self.attrs.get('class', '')

    @property
    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def iter(self) -> Any:
        """All descendant elements in document order."""
        for child in self.elements:
            yield child
            yield from child.iter()

    def ancestors(self) -> Any:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def hidden(self) -> bool:
        style = self.attrs.get('style', '').replace(' ', '').lower()
        return self.tag in HIDDEN_TAGS or 'hidden' in self.attrs or 'display:none' in style


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node('#root')
        self.cur = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or '' for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)
        if tag not in VOID_TAGS:
            self.cur = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)


def parse_html(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def _clean(text: str) -> str:
    lines = (re.sub(r'[ \t]+', ' ', line).strip() for line in text.replace('\u00a0', ' ').split('\n'))
    return '\n'.join(line for line in lines if line)


def is_catalogue(node: Node) -> bool:
    """Accordions, tabs and cards: the parts catalogue, not the vehicle block."""
    return ('Accordion' in node.classes or 'Card-root' in node.classes
            or node.attrs.get('role') in ('tablist', 'tabpanel'))


def inner_text(node: Node, *, skip_chrome: bool = False, skip_catalogue: bool = False) -> str:
    """Approximate the rendered innerText of a node."""
    parts: list[str] = []

    def walk(n: Node) -> None:
        if n.hidden or (skip_chrome and is_chrome(n)) or (skip_catalogue and is_catalogue(n)):
            return
        block = n.tag in BLOCK_TAGS
        if block or n.tag == 'br':
            parts.append('\n')
        for child in n.children:
            if isinstance(child, str):
                parts.append(re.sub(r'\s+', ' ', child))
            else:
                walk(child)
        if n.tag in ('td', 'th'):
            parts.append('\t')
        if block:
            parts.append('\n')

    walk(node)
    return _clean(''.join(parts))


def text_content(node: Node) -> str:
    out: list[str] = []
    for child in node.children:
        out.append(child if isinstance(child, str) else text_content(child))
    return ''.join(out)


def is_chrome(node: Node) -> bool:
    return node.tag in CHROME_TAGS or node.attrs.get('role') in CHROME_ROLES


def in_chrome(node: Node) -> bool:
    return is_chrome(node) or any(is_chrome(a) for a in node.ancestors())


def has_class(node: Node, fragment: str) -> bool:
    return fragment in node.classes


def _is_part_link(node: Node, fragment: str) -> bool:
    return node.tag == 'a' and fragment in node.attrs.get('href', '')


def strip_lines(text: str, drop: list[str]) -> list[str]:
    """Row lines minus the given texts (inline neighbours share a line: `3102…Вариатор в сборе`)."""
    out = []
    for line in text.split('\n'):
        for d in filter(None, drop):
            if line == d:
                line = ''
            elif line.startswith(d):
                line = line[len(d):]
        if line.strip():
            out.append(line.strip())
    return out


def _rows(table: Node) -> tuple[list[Node], int]:
    rows: list[Node] = []
    head = 0
    for el in table.iter():
        if el.tag == 'tr' and next(a for a in el.ancestors() if a.tag == 'table') is table:
            rows.append(el)
            if any(a.tag == 'thead' for a in el.ancestors() if a is not table and table in a.ancestors()):
                head += 1
    return rows, head


def _pairs(visible: list[Node]) -> list[dict[str, str]]:
    """Label/value pairs outside tables and the catalogue: dt/dd, and two-child rows whose first child is a label."""
    out: list[dict[str, str]] = []

    def push(label: Node, value: Node) -> None:
        lt, vt = inner_text(label), inner_text(value)
        if lt and vt and len(lt) <= 60:
            out.append({'label': lt, 'value': vt, 'content': re.sub(r'\s+', ' ', text_content(value)).strip()[:2000]})

    outside = [el for el in visible if not any(is_catalogue(a) for a in [el, *el.ancestors()])]
    for el in outside:
        if el.tag == 'dt' and el.parent is not None:
            sibs = el.parent.elements
            after = sibs[sibs.index(el) + 1:]
            dd = next((x for x in after if x.tag in ('dd', 'dt')), None)
            if dd is not None and dd.tag == 'dd':
                push(el, dd)
        elif el.tag in ('div', 'li', 'p') and len(el.elements) == 2 and \
                not any(a.tag in ('table', 'dl') for a in el.ancestors()):
            label, value = el.elements
            lt = inner_text(label)
            if len(label.elements) <= 2 and len(lt) <= 60 and (lt.rstrip().endswith(':') or re.search(
                    r'label|key|name|title', label.classes, re.I)):
                push(label, value)
    return out


def _own_row(el: Node, siblings: list[Node]) -> Node:
    """The largest ancestor of `el` that holds no other of `siblings`: the row a parts cell or link sits in."""
    row = el
    while row.parent is not None and row.parent.tag not in ('#root', 'body') and \
            sum(1 for x in siblings if row.parent in x.ancestors()) == 1:
        row = row.parent
    return row


def snapshot_html(html: str, *, detail: str = 'searchDetailCell', vcell: str = 'vehicleCell',
                  link: str = '/search?query=') -> dict[str, Any]:
    """The same structure SNAPSHOT_JS returns, computed from an HTML string."""
    root = parse_html(html)
    elements = [el for el in root.iter() if not any(a.hidden for a in [el, *el.ancestors()])]
    order = {id(el): i for i, el in enumerate(elements)}
    visible = [el for el in elements if not in_chrome(el)]
    headings = []
    for el in visible:
        if el.tag in HEADING_TAGS or 'title' in el.classes.lower():
            text = inner_text(el)
            if text:
                acc = any('Accordion' in a.classes for a in el.ancestors())
                headings.append({'tag': el.tag, 'text': text, 'acc': acc, 'pos': order[id(el)]})
    tables = []
    for el in visible:
        if el.tag != 'table':
            continue
        rows, head = _rows(el)
        tables.append({'pos': order[id(el)], 'head': head, 'rows': [[
            {'text': inner_text(c), 'content': re.sub(r'\s+', ' ', text_content(c)).strip()[:2000],
             'th': c.tag == 'th', 'nested': bool(c.elements)}
            for c in r.elements if c.tag in ('td', 'th')] for r in rows]})
    detail_els = [el for el in visible if has_class(el, detail)]
    details = []
    for cell in detail_els:
        row = _own_row(cell, detail_els)
        anchors = [a for a in [cell, *cell.iter(), *row.iter()] if _is_part_link(a, link)]
        anchor = anchors[0] if anchors else None
        cells = [t for t in (inner_text(v) for v in row.iter() if has_class(v, vcell)) if t]
        other = strip_lines(inner_text(row), [*inner_text(cell).split('\n'), *cells])
        details.append({'href': anchor.attrs.get('href') if anchor else None,
                        'link_text': inner_text(anchor) if anchor else inner_text(cell), 'cells': cells,
                        'other': other})
    link_els = [a for a in visible if _is_part_link(a, link)]
    links = []
    for a in link_els:
        row = _own_row(a, link_els)
        links.append({'href': a.attrs.get('href'), 'text': inner_text(a),
                      'detail': any(has_class(x, detail) for x in a.ancestors()),
                      'other': [] if row is a else strip_lines(inner_text(row), inner_text(a).split('\n'))})
    body = next((el for el in root.iter() if el.tag == 'body'), root)
    return {
        'pairs': _pairs(visible), 'vehicle_text': inner_text(body, skip_chrome=True, skip_catalogue=True)[:20000],
        'url': '', 'text': inner_text(body, skip_chrome=True)[:20000], 'headings': headings, 'tables': tables,
        'details': details, 'links': links,
        'counts': {'tables': len(tables), 'cells': sum(1 for el in elements if el.tag in ('td', 'th')),
                   'detail_cells': len(detail_els), 'part_links': len(links),
                   'links': sum(1 for el in elements if el.tag == 'a')},
    }
