// Small SVG charts, no library. Each function returns a <figure> holding the chart (an
// <svg role="img"> whose label sums it up) and the same numbers as a table for screen
// readers. Labels and values are set as text, never as markup. Colors come from CSS
// classes (series-0 … series-7), so the style sheet decides the palette and contrast.
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

let chartCount = 0;

function figure({ title, description, data, valueLabel, svg, legend }) {
  chartCount += 1;
  const titleId = `chart-title-${chartCount}`;
  const total = data.reduce((sum, d) => sum + d.value, 0);
  const summary = data.map((d) => `${d.label}: ${d.value}`).join(', ');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${title}. ${summary || 'No data yet'}.`);
  svg.prepend(s('title', {}, title));
  // The wrapper hides the table: a table's height grows with its rows whatever CSS says.
  const table = h('div', { class: 'sr-only' }, h('table', {},
    h('caption', {}, title),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col' }, valueLabel))),
    h('tbody', {}, data.map((d) => h('tr', {}, h('th', { scope: 'row' }, d.label), h('td', {}, String(d.value)))))));
  return h('figure', { class: 'chart', 'aria-labelledby': titleId, dataset: { total: String(total) } },
    h('figcaption', { id: titleId }, title, description ? h('span', { class: 'hint' }, ` ${description}`) : null),
    total === 0 && data.length && !legend ? h('p', { class: 'empty' }, 'No data yet.') : null,
    svg, legend ?? null, table);
}

function niceMax(max) {
  if (max <= 1) return 1;
  if (max <= 6) return Math.ceil(max / 2) * 2;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

function truncate(text, max) {
  const t = String(text);
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

// Horizontal bars: one row per item, the label on the left, the value at the bar's end.
export function barChart({ title, description, data, valueLabel = 'Tickets', colorBy = (_, i) => i }) {
  const rowHeight = 26;
  const width = 420;
  const labelWidth = 130;
  const valueWidth = 44;
  const height = Math.max(1, data.length) * rowHeight + 8;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const barSpace = width - labelWidth - valueWidth;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'bar-chart', preserveAspectRatio: 'xMinYMin meet' });
  data.forEach((d, i) => {
    const y = 4 + i * rowHeight;
    const w = max ? (d.value / max) * barSpace : 0;
    const row = s('g', { class: 'row', 'data-label': d.label, 'data-value': d.value });
    const label = s('text', { x: labelWidth - 8, y: y + rowHeight / 2, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, truncate(d.label, 18));
    label.append(s('title', {}, d.label));
    row.append(label,
      s('rect', { x: labelWidth, y: y + 4, width: Math.max(w, d.value ? 2 : 0), height: rowHeight - 8, rx: 3, class: `bar series-${colorBy(d, i) % 8}` }),
      s('text', { x: labelWidth + w + 6, y: y + rowHeight / 2, class: 'value', 'dominant-baseline': 'middle' }, d.value));
    svg.append(row);
  });
  return figure({ title, description, data, valueLabel, svg });
}

// Vertical columns over an ordered axis (days, score bands). `tick(d, i)` returns the axis
// label to print under a column, or '' to print none.
export function columnChart({ title, description, data, valueLabel = 'Tickets', tick = (d) => d.label, series = 0 }) {
  const width = 420;
  const height = 190;
  const left = 30;
  const bottom = 24;
  const top = 10;
  const plotW = width - left - 6;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'column-chart', preserveAspectRatio: 'xMinYMin meet' });
  // Gridlines at 0, the middle and the top; the middle only when it is a whole number.
  for (const fraction of max % 2 === 0 ? [0, 0.5, 1] : [0, 1]) {
    const y = top + plotH * (1 - fraction);
    svg.append(s('line', { x1: left, x2: width - 6, y1: y, y2: y, class: 'grid' }),
      s('text', { x: left - 4, y, class: 'axis', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, Math.round(max * fraction)));
  }
  const slot = data.length ? plotW / data.length : plotW;
  const barW = Math.max(1, slot * 0.72);
  data.forEach((d, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const bh = max ? (d.value / max) * plotH : 0;
    const col = s('g', { class: 'column', 'data-label': d.label, 'data-value': d.value });
    const rect = s('rect', { x, y: top + plotH - bh, width: barW, height: bh, class: `bar series-${series}` });
    rect.append(s('title', {}, `${d.label}: ${d.value}`));
    col.append(rect);
    const t = tick(d, i);
    if (t) col.append(s('text', { x: x + barW / 2, y: height - 8, class: 'axis', 'text-anchor': 'middle' }, t));
    svg.append(col);
  });
  return figure({ title, description, data, valueLabel, svg });
}

// One bar split into shares (100 %), with a legend that gives count and percentage.
export function shareChart({ title, description, data, valueLabel = 'Tickets' }) {
  const width = 420;
  const height = 34;
  const total = data.reduce((sum, d) => sum + d.value, 0);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'share-chart', preserveAspectRatio: 'xMinYMin meet' });
  svg.append(s('rect', { x: 0, y: 4, width, height: height - 8, rx: 4, class: 'track' }));
  let x = 0;
  data.forEach((d, i) => {
    const w = total ? (d.value / total) * width : 0;
    if (w > 0) {
      const part = s('rect', { x, y: 4, width: w, height: height - 8, class: `bar series-${i % 8}`, 'data-label': d.label, 'data-value': d.value });
      part.append(s('title', {}, `${d.label}: ${d.value}`));
      svg.append(part);
    }
    x += w;
  });
  const legend = h('ul', { class: 'legend' }, data.map((d, i) => h('li', {},
    h('span', { class: `swatch series-${i % 8}`, 'aria-hidden': 'true' }),
    `${d.label}: ${d.value}`,
    h('span', { class: 'hint' }, total ? ` (${Math.round((100 * d.value) / total)} %)` : ''))));
  return figure({ title, description, data, valueLabel, svg, legend });
}
