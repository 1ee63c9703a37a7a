// Decision quality (issue 16 §4): how often each categorization strategy is right, overall, by
// department and by confidence, as agents' reviews and reroutes tell (GET
// /api/analytics/quality). Agents and admins; reached from the dashboard.
import { get } from '../api.js';
import { categorizerLabel, h } from '../dom.js';
import { formMessage, showMessage } from './form.js';

const percent = (v) => (v === null || v === undefined ? '—' : `${Math.round(v * 100)} %`);
const ece = (v) => (v === null || v === undefined ? '—' : v.toFixed(3));

function figuresTable(caption, first, rows) {
  return h('table', { class: 'quality' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...[first, 'Decisions', 'Reviewed', 'Corrected', 'Accuracy', 'ECE'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map(([name, f]) => h('tr', { dataset: { row: name } },
      h('th', { scope: 'row' }, name), h('td', {}, String(f.decisions)), h('td', {}, String(f.reviewed)),
      h('td', {}, String(f.corrected)), h('td', {}, percent(f.accuracy)), h('td', {}, ece(f.ece))))));
}

// The reliability table: per confidence bin, its reviewed decisions, their mean confidence and
// how many were right, with a meter of each so a gap between them shows at a glance.
function reliabilityTable(label, bins) {
  const meter = (v) => h('meter', { min: '0', max: '1', value: String(v ?? 0), 'aria-hidden': 'true' });
  return h('table', { class: 'reliability' },
    h('caption', {}, `${label}: reviewed decisions by confidence`),
    h('thead', {}, h('tr', {}, ...['Confidence', 'Reviewed', 'Mean confidence', 'Right'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...bins.filter((b) => b.count > 0).map((b) => h('tr', {},
      h('th', { scope: 'row' }, `${b.from}–${b.to} %`), h('td', {}, String(b.count)),
      h('td', {}, meter(b.mean_confidence), ` ${percent(b.mean_confidence)}`),
      h('td', {}, meter(b.accuracy), ` ${percent(b.accuracy)}`)))));
}

export function render(main) {
  document.title = 'Decision quality · Smart Ticket';
  const message = formMessage();
  const body = h('div', { 'data-testid': 'quality' });
  main.append(h('h1', {}, 'Decision quality'),
    h('p', { class: 'hint' }, 'How often each strategy’s routing is right, as reviews and reroutes tell. Only reviewed decisions are scored; ECE is how far, on average, confidence is from accuracy (0 is honest).'),
    message, body);
  let alive = true;
  get('/api/analytics/quality').then((answer) => {
    if (!alive) return;
    const strategies = answer.strategies;
    body.replaceChildren(
      h('section', { class: 'card' }, figuresTable('By strategy', 'Strategy', strategies.map((s) => [categorizerLabel(s.strategy), s]))),
      ...strategies.filter((s) => s.decisions > 0).map((s) => h('section', { class: 'card', dataset: { strategy: s.strategy } },
        h('h2', {}, categorizerLabel(s.strategy)),
        figuresTable('By department', 'Department', s.departments.map((d) => [d.department, d])),
        s.reviewed > 0 ? reliabilityTable(categorizerLabel(s.strategy), s.reliability) : h('p', { class: 'hint' }, 'No decision reviewed yet.'))));
  }).catch((e) => { if (alive) showMessage(message, e.message); });
  return () => { alive = false; };
}
