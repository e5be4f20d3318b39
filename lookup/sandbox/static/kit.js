/* podzamenu sandbox, part 1 of the bundle: markup helpers shared by the catalogue and the pages.
   MUI-style hashed class names change with the build (the sandbox seed); click handlers are stored on the nodes
   like React's __reactProps$ and dispatched by one delegated listener. The rendering switches
   (window.__APP_CONFIG__.switches, see lookup/sandbox/modes.py) are read here once. */
(function () {
  'use strict';

  var CFG = window.__APP_CONFIG__ || {};
  var BUILD = CFG.build || 'dev';
  var SW = {};
  (CFG.switches || []).forEach(function (name) { SW[name] = true; });
  var NBSP = '\u00a0';

  function hash(s) {
    var x = 0x811c9dc5, str = BUILD + ':' + s;
    for (var i = 0; i < str.length; i++) { x ^= str.charCodeAt(i); x = Math.imul(x, 0x01000193) >>> 0; }
    return ('00000' + x.toString(36)).slice(-6);
  }
  var PROPS = '__reactProps$' + hash('props').slice(0, 7);

  /* Emotion-style MUI class: `MuiAccordion-root css-1k3x9a-MuiAccordion-root`. */
  function mui(name, extra) {
    return 'Mui' + name + ' css-' + hash(name) + '-Mui' + name + (extra ? ' ' + extra : '');
  }
  /* CSS-modules-style site class: `Selector_selectorPaperContentLink__x1y2z`. */
  function site(mod, part) { return mod + '_' + part + '__' + hash(mod + part).slice(0, 5); }
  function typo(variant) { return mui('Typography-root', 'MuiTypography-' + variant); }

  /* Like emotion's `css({...})` / an `sx` prop: a hashed class whose rule is inserted into <head> at runtime. */
  var injected = {};
  function css(rule) {
    var cls = 'css-' + hash('sx:' + rule);
    if (!injected[cls]) {
      var sheet = document.querySelector('style[data-emotion]');
      if (!sheet) {
        sheet = document.createElement('style');
        sheet.setAttribute('data-emotion', 'css');
        document.head.appendChild(sheet);
      }
      sheet.appendChild(document.createTextNode('.' + cls + '{' + rule + '}'));
      injected[cls] = true;
    }
    return cls;
  }

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
  function replace(el, children) { return append(clear(el), children); }
  function enc(s) { return encodeURIComponent(s); }
  function getJson(url) {
    return fetch(url, { headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }
  function later(ms) { return function (data) { return new Promise(function (res) { setTimeout(function () { res(data); }, ms); }); }; }

  /* React attaches one listener at the root. Handlers that check isTrusted ignore element.click() and dispatched
     MouseEvents, but real (CDP) mouse input works; the `trusted` switch makes every control behave so. */
  function delegateClicks(root) {
    root.addEventListener('click', function (e) {
      for (var n = e.target; n && n !== root.parentNode; n = n.parentNode) {
        var p = n[PROPS];
        if (p && p.onClick) {
          e.preventDefault();
          if ((p.trustedOnly || SW.trusted) && !e.isTrusted) return;
          p.onClick(e);
          return;
        }
      }
    });
  }

  function progress(inline) {
    return h('div', { class: site('Loader', inline ? 'inlineLoader' : 'loaderWrap') }, [
      h('span', { class: mui('CircularProgress-root', 'MuiCircularProgress-indeterminate'), role: 'progressbar' })]);
  }

  /* Lazy pieces arrive after about half the render delay, plus a per-build jitter (deterministic for a seed). */
  function lazyDelay(key) {
    var base = Math.round((CFG.renderDelayMs || 0) / 2);
    return base + parseInt(hash('lazy:' + key), 36) % (Math.round(base / 2) + 1);
  }

  // --- texts under the `labels` and `case` switches ---------------------------------------------------------
  /* Russian typography as a typograf library does it: a short word is bound to the next one, the last word to
     the previous one, with non-breaking spaces. */
  function typograf(text) {
    var words = String(text).split(' ');
    if (words.length < 2) return String(text);
    var out = words[0];
    for (var i = 1; i < words.length; i++) {
      out += (words[i - 1].length <= 2 || i === words.length - 1 ? NBSP : ' ') + words[i];
    }
    return out;
  }
  function txt(text) { return SW.labels ? typograf(text) : text; }

  /* A header or pair label: «Дата<br>выпуска» when its second word is lowercase, else «Модель&nbsp;КПП». */
  function labelNodes(text) {
    text = String(text);
    if (!SW.labels) return [text];
    var words = text.split(' ');
    var second = words[1] || '';
    if (words.length === 2 && second.toLowerCase() === second && second.toUpperCase() !== second) {
      return [words[0], h('br'), second];
    }
    return [words.join(NBSP)];
  }

  /* A nested accordion title under `labels`: two typography spans, the second one on its own line. */
  function titleNodes(text, nested) {
    text = String(text);
    var cut = text.indexOf(' ');
    if (!SW.labels || !nested || cut < 0) return [txt(text)];
    return [h('span', {}, [text.slice(0, cut)]),
      h('span', { class: typo('inherit') + ' ' + css('display:block') }, [typograf(text.slice(cut + 1))])];
  }

  /* Under `case`: the class that uppercases in CSS, so the DOM text may stay mixed case. */
  var UPPER = SW['case'] ? css('text-transform:uppercase') : '';
  function caps(cls) { return UPPER ? cls + ' ' + UPPER : cls; }

  /* «PART 1 D16 СБОРКА КОРОБКИ ПЕРЕДАЧ(MFH)» → «Part 1 D16 сборка коробки передач(MFH)»: the title as an editor
     typed it. Codes (words touching a digit, or inside brackets) and acronyms keep their case. */
  var ACRONYMS = ['ГРМ', 'КПП', 'АКПП', 'МКПП', 'ДВС', 'ABS', 'CVT', 'ATM'];
  function sentenceCase(text) {
    text = String(text);
    var out = text.replace(/[A-Za-z\u0400-\u04ff]+/g, function (w, at) {
      var prev = text.charAt(at - 1), next = text.charAt(at + w.length);
      var before = text.slice(0, at);
      var depth = (before.match(/[([]/g) || []).length - (before.match(/[)\]]/g) || []).length;
      return /\d/.test(prev + next) || depth > 0 || ACRONYMS.indexOf(w) >= 0 ? w : w.toLowerCase();
    });
    return out.charAt(0).toUpperCase() + out.slice(1);
  }
  function cardTitle(text) { return SW['case'] ? sentenceCase(text) : text; }

  window.PZ = {
    CFG: CFG, SW: SW, hash: hash, mui: mui, site: site, typo: typo, css: css, h: h, append: append, clear: clear,
    replace: replace, enc: enc, getJson: getJson, later: later, delegateClicks: delegateClicks, progress: progress,
    lazyDelay: lazyDelay, typograf: typograf, txt: txt, labelNodes: labelNodes, titleNodes: titleNodes, caps: caps,
    sentenceCase: sentenceCase, cardTitle: cardTitle, SCHEME_IMG: '/static/scheme.svg'
  };
})();
