"""In-page measurements of the real-browser tests and the screenshot tool: the rendered size of chart text,
chart text outside its SVG's box or over other text, text cut by its container, and axe-core's WCAG 2.1 AA
scan.

The charts are SVG ``<img>`` elements (data URIs): a chart's text is measured by parsing its SVG in the page
and laying it out off screen at its natural size, then scaling by the size the ``<img>`` is drawn at.
"""

from __future__ import annotations

#: The smallest chart text a reader may get, in CSS px (issue #22).
MIN_CHART_TEXT_PX = 11.0

#: Per visible chart: the smallest text's rendered size in CSS px; and every text box outside the SVG's box or
#: overlapping another text box (laid out by the browser, so with the fonts the reader gets).
CHART_TEXT_JS = r"""
// Laid out all at once: every chart's SVG is parsed and placed off screen first, then all are measured, so the
// page's style and layout are computed once, not once per chart (a country page holds some 70 drawings).
const placed = [];
for (const img of document.querySelectorAll('img[src^="data:image/svg+xml;base64,"]')) {
  const box = img.getBoundingClientRect();
  const shown = box.width > 0 && box.height > 0 && getComputedStyle(img).visibility !== 'hidden';
  const svgText = atob(img.getAttribute('src').split(',')[1]);
  const doc = new DOMParser().parseFromString(new TextDecoder().decode(
      Uint8Array.from(svgText, c => c.charCodeAt(0))), 'image/svg+xml');
  const host = document.createElement('div');  // one host per chart: each laid out alone, at its natural size
  host.style.cssText = 'position:absolute;left:-20000px;top:0;visibility:hidden';
  const svg = document.importNode(doc.documentElement, true);
  host.appendChild(svg);
  const title = (img.closest('figure') && img.closest('figure').querySelector('figcaption strong') || {}).textContent || img.alt.slice(0, 60);
  placed.push({host, svg, title, shown, width: box.width});
}
for (const p of placed) document.body.appendChild(p.host);
const out = [];
for (const {host, svg, title, shown, width} of placed) {
  const vb = svg.viewBox.baseVal;
  const scale = svg.getBoundingClientRect().width / vb.width;  // getCTM is relative to the svg's viewport
  const texts = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim());
  let smallest = Infinity;
  const boxes = [];
  for (const t of texts) {
    const size = parseFloat(getComputedStyle(t).fontSize);
    if (size < smallest) smallest = size;
    const b = t.getBBox();
    const m = t.getCTM();  // the text's own transform (rotation), in viewBox units
    const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
    const r = {x0: Math.min(...pts.map(p => p[0])), x1: Math.max(...pts.map(p => p[0])),
               y0: Math.min(...pts.map(p => p[1])), y1: Math.max(...pts.map(p => p[1])), text: t.textContent.trim()};
    for (const k of ['x0', 'x1', 'y0', 'y1']) r[k] /= scale;  // back to viewBox units
    boxes.push(r);
  }
  const outside = boxes.filter(r => r.x0 < -0.5 || r.y0 < -0.5 || r.x1 > vb.width + 0.5 || r.y1 > vb.height + 0.5)
    .map(r => r.text);
  const overlaps = [];
  const pad = 0.6;  // points: anti-aliasing and glyph side bearings
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.x0 + pad < b.x1 && b.x0 + pad < a.x1 && a.y0 + pad < b.y1 && b.y0 + pad < a.y1) {
        overlaps.push(a.text + ' / ' + b.text);
      }
    }
  }
  out.push({title, shown, smallest_px: shown ? smallest * width / vb.width : null, outside, overlaps});
}
for (const p of placed) p.host.remove();
return out;
"""

#: The WCAG 2.0/2.1 A and AA rules' tags: a violation of one of them fails, whatever its impact.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

#: axe-core's every rule (WCAG and best practice), once per page: each violation with its rule's tags.
AXE_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, tags: v.tags, count: v.nodes.length,
      nodes: v.nodes.slice(0, 3).map(n => ({target: n.target, html: n.html.slice(0, 160),
                                             summary: (n.failureSummary || '').slice(0, 300)})),
  }))))
  .catch(e => done({error: String(e)}));
"""

#: Words of table headers that the browser broke across lines (a visible header only: a phone card's hidden
#: header row is skipped): "Livelihoo|ds" reads as two words.
BROKEN_HEADER_WORDS_JS = r"""
const broken = [];
for (const th of document.querySelectorAll('table th')) {
  const head = th.closest('thead');
  if (!th.getClientRects().length || (head && getComputedStyle(head).position === 'absolute')) continue;
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const words = /\S+/g;
    let m;
    while ((m = words.exec(n.data))) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const lines = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
}
return broken;
"""

#: Visible text that runs past the box that clips it: the nearest ancestor whose ``overflow-x`` is not
#: ``visible`` (a scroll box, a notebook output area), or the viewport (what the reader sees of the page).
#: Text deliberately hidden (visually-hidden headers of phone cards, the skip link off screen) is skipped.
CUT_TEXT_JS = r"""
const cut = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!n.data.trim() || !el || !el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
  let hidden = false;
  for (let a = el; a && a !== document.body; a = a.parentElement) {
    const s = getComputedStyle(a);
    if ((s.clip && s.clip !== 'auto') || s.clipPath !== 'none' || a.getBoundingClientRect().right <= 0) {
      hidden = true;
      break;
    }
  }
  if (hidden) continue;
  const r = document.createRange();
  r.selectNodeContents(n);
  const rects = Array.from(r.getClientRects()).filter(x => x.width > 0 && x.height > 0);
  if (!rects.length) continue;
  for (let a = el; a; a = a.parentElement) {
    if (a === document.body || getComputedStyle(a).overflowX !== 'visible') {
      const box = a === document.body ? {left: 0, right: document.documentElement.clientWidth}
                                      : a.getBoundingClientRect();
      const bad = rects.find(x => x.right > box.right + 1 || x.left < box.left - 1);
      if (bad) cut.push(`${n.data.trim().slice(0, 50)} (to ${Math.round(bad.right)} px, its box ends at `
                        + `${Math.round(box.right)} px: ${a.tagName.toLowerCase()}.${String(a.className).split(' ')[0]})`);
      break;
    }
  }
}
return cut;
"""
