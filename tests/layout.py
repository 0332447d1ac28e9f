"""What a reader sees on a narrow screen, checked in the browser: sideways scrolling, clipped text, chart text too
small to read, and build details visible without opening the provenance element."""

from __future__ import annotations

# Returns a list of problems, each one line. Run on a loaded page at the viewport width to check, with
# {minChartPx: the smallest chart text allowed, hashesShown: true on the provenance page, whose content they are}.
LAYOUT_CHECK = r"""({minChartPx, hashesShown}) => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    const where = el => {
        let s = el.tagName.toLowerCase();
        if (el.id) s += '#' + el.id;
        if (typeof el.className === 'string' && el.className.trim()) s += '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.');
        const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
        return s + (text ? ' "' + text + '"' : '');
    };
    const shown = el => {
        for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
            const st = getComputedStyle(e);
            if (st.display === 'none' || st.visibility === 'hidden' || (st.position === 'fixed' && e !== el && e.getBoundingClientRect().right <= 0)) return false;
        }
        const r = el.getBoundingClientRect();
        return r.width > 1 && r.height > 1;
    };
    const scroller = el => {  // the nearest ancestor that scrolls sideways (a wide table's own container)
        for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
            const ox = getComputedStyle(e).overflowX;
            if (ox === 'auto' || ox === 'scroll') return e;
        }
        return null;
    };
    const clips = st => st.overflowX !== 'visible' || st.overflowY !== 'visible';
    const main = document.querySelector('main') || document.body;
    // 1. Nothing scrolls sideways but a wide table's (or figure's) own scroll container.
    if (document.documentElement.scrollWidth > width + 1) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide at ${width} px`);
    for (const el of main.querySelectorAll('*')) {
        if (!shown(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.right > width + 1 || r.left < -1) {
            const box = scroller(el);
            if (!box) { problems.push(`sticks out of the ${width} px screen (${Math.round(r.left)}..${Math.round(r.right)}): ${where(el)}`); continue; }
            const b = box.getBoundingClientRect();
            if (b.right > width + 1 || b.left < -1) problems.push(`scroll container wider than the screen: ${where(box)}`);
        }
    }
    // 2. No text clipped by its own box, or hidden above the top of a box that clips it.
    for (const el of document.body.querySelectorAll('*')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        if (!own || !shown(el) || el.closest('.csa-visually-hidden, .visually-hidden, .sr-only, svg, details:not([open]) > :not(summary)')) continue;
        const st = getComputedStyle(el);
        if (clips(st) && st.textOverflow !== 'ellipsis' &&
            (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) && !['auto', 'scroll'].includes(st.overflowX))
            problems.push(`text clipped by its box (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}): ${where(el)}`);
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const ast = getComputedStyle(a);
            if (!clips(ast)) continue;
            const r = el.getBoundingClientRect(), b = a.getBoundingClientRect();
            if (r.top < b.top - 1 && a.scrollTop === 0) problems.push(`text above the top of ${where(a)}, where it cannot be seen: ${where(el)}`);
            break;
        }
    }
    // 3. Chart text readable: at least minChartPx CSS px as drawn.
    for (const t of document.querySelectorAll('.csa-figure svg text')) {
        if (!shown(t) || !t.textContent.trim()) continue;
        const m = t.getScreenCTM();
        const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        if (px < minChartPx - 0.05) { problems.push(`chart text ${px.toFixed(1)} px: "${t.textContent.trim().slice(0, 40)}"`); break; }
    }
    // 4. Build details only inside the closed provenance element.
    const seen = document.body.innerText;
    const hash = seen.match(/\b[0-9a-f]{12,64}\b/);
    if (hash && !hashesShown) problems.push(`a hash is visible: ${hash[0]}`);
    return problems;
}"""
