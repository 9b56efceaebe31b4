// The pages of hpc-obs: an overview, a jobs table and a job's page, drawn from the public
// /v1 API, so that whatever a page shows a script can fetch too. No build step, no framework;
// data reaches the page only through textContent and attributes, never as HTML.
'use strict';

const hpcObs = (window.hpcObs = { charts: {}, metricsURL: null, chartsDrawnAt: null, pageReadyAt: null });

const STATES = ['pending', 'running', 'suspended', 'completed', 'failed', 'cancelled', 'timeout', 'node_fail', 'out_of_memory', 'preempted'];
const VERDICT_LABELS = {
  cpu_underused: 'CPUs idle',
  memory_overrequested: 'memory unused',
  gpus_idle: 'GPUs idle',
  out_of_memory: 'out of memory',
  time_limit: 'time limit',
  too_short_to_judge: 'too short',
};
const PAGE_SIZE = 50;
const TOKEN_KEY = 'hpc-obs-token';

// ---- Talking to the API -------------------------------------------------------------------

let tokenNeeded = null;

async function readTokenRequired() {
  if (tokenNeeded === null) {
    const response = await fetch('/v1/health', { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => ({}));
    tokenNeeded = body.readTokenRequired === true;
  }
  return tokenNeeded;
}

async function api(path) {
  if ((await readTokenRequired()) && !sessionStorage.getItem(TOKEN_KEY)) {
    await askForToken('This server needs a token to read its data.');
  }
  for (;;) {
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = 'Bearer ' + token;
    const response = await fetch(path, { headers });
    if ((response.status === 401 || response.status === 403) && tokenNeeded) {
      sessionStorage.removeItem(TOKEN_KEY);
      await askForToken('That token was refused; try another.');
      continue;
    }
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.detail) || response.status + ' ' + response.statusText);
    return body;
  }
}

function askForToken(message) {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  document.getElementById('token-message').textContent = message;
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        resolve();
      },
      { once: true },
    );
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
}

// ---- Building the page --------------------------------------------------------------------

/** An element with attributes and children; strings become text, never HTML. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function link(href, ...children) {
  return el('a', { href, 'data-nav': true }, ...children);
}

// `?cluster=` names the job where several clusters share the service and a job id repeats.
function clusterQuery(cluster, separator = '?') {
  return cluster ? separator + 'cluster=' + encodeURIComponent(cluster) : '';
}

function jobLink(job) {
  return link('/jobs/' + encodeURIComponent(job.id) + clusterQuery(job.cluster), job.id);
}

function panel(title, ...children) {
  return el('section', { class: 'panel', 'aria-label': title }, el('h2', null, title), ...children);
}

function table(headers, rows, caption) {
  return el(
    'div',
    { class: 'scroll' },
    el(
      'table',
      null,
      caption ? el('caption', { class: 'muted' }, caption) : null,
      el('thead', null, el('tr', null, headers.map((h) => el('th', { scope: 'col', class: h.number ? 'number' : null }, h.label || h)))),
      el('tbody', null, rows),
    ),
  );
}

function cell(value, number) {
  return el('td', { class: number ? 'number' : null }, value);
}

function stateBadge(state) {
  return el('span', { class: 'badge state-' + state }, state.replace(/_/g, ' '));
}

function verdictBadge(code, message) {
  return el('span', { class: 'badge verdict verdict-' + code, title: message || VERDICT_LABELS[code] || code }, VERDICT_LABELS[code] || code);
}

function show(title, ...content) {
  const main = document.getElementById('main');
  main.replaceChildren(...content);
  document.title = title + ' · hpc-obs';
  for (const a of document.querySelectorAll('header a')) {
    const here = a.getAttribute('href') === (location.pathname.startsWith('/jobs') ? '/jobs' : '/') && !a.classList.contains('brand');
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function showError(title, error) {
  show(title, el('h1', null, title), el('p', { class: 'error', role: 'alert' }, String(error.message || error)));
}

// ---- Formatting ---------------------------------------------------------------------------

function number(value, digits) {
  if (value === null || value === undefined) return '–';
  return value.toLocaleString('en', { maximumFractionDigits: digits === undefined ? 1 : digits });
}

function percent(value) {
  return value === null || value === undefined ? '–' : number(value) + ' %';
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const whole = Math.round(seconds);
  if (whole < 60) return whole + ' s';
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return minutes + ' min';
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + ' h ' + (minutes % 60) + ' min';
  return Math.floor(hours / 24) + ' d ' + (hours % 24) + ' h';
}

function time(value) {
  if (!value) return '–';
  const date = new Date(value);
  return el('time', { datetime: value }, date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }));
}

function mebibytes(value) {
  if (value === null || value === undefined) return '–';
  return value >= 1024 ? number(value / 1024) + ' GiB' : number(value, 0) + ' MiB';
}

// ---- Overview -----------------------------------------------------------------------------

async function overview() {
  const params = new URLSearchParams(location.search);
  const days = params.get('window') === '7d' ? 7 : 1;
  const until = new Date();
  const since = new Date(until.getTime() - days * 86400000);
  const stats = await api('/v1/stats?top=10&since=' + since.toISOString() + '&until=' + until.toISOString());

  const choose = (value, label) =>
    el(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'aria-pressed': String((value === '7d') === (days === 7)),
        onclick: () => navigate(value === '7d' ? '/?window=7d' : '/'),
      },
      label,
    );

  const states = el(
    'ul',
    { class: 'tiles' },
    STATES.map((state) =>
      el('li', null, link('/jobs?state=' + state, el('strong', null, number(stats.jobsByState[state], 0)), stateBadge(state))),
    ),
  );

  const busiest = Math.max(1, ...stats.activeByPartition.map((p) => p.running));
  const partitionsNow = stats.activeByPartition.length
    ? table(
        ['Partition', { label: 'Running', number: true }, { label: 'Pending', number: true }, { label: 'Suspended', number: true }],
        stats.activeByPartition.map((p) =>
          el(
            'tr',
            null,
            cell(p.partition ? link('/jobs?partition=' + encodeURIComponent(p.partition), p.partition) : '(none)'),
            cell([el('span', { class: 'bar', 'data-width': Math.round((100 * p.running) / busiest) }), number(p.running, 0)], true),
            cell(number(p.pending, 0), true),
            cell(number(p.suspended, 0), true),
          ),
        ),
      )
    : el('p', { class: 'muted' }, 'No pending or running jobs.');

  const ranking = (title, key, unit) => {
    const rows = stats.window.users
      .filter((u) => u[key] > 0)
      .sort((a, b) => b[key] - a[key])
      .slice(0, 10)
      .map((u) =>
        el('tr', null, cell(link('/jobs?user=' + encodeURIComponent(u.name), u.name)), cell(number(u[key]), true), cell(number(u.jobs, 0), true)),
      );
    return panel(
      title,
      rows.length ? table(['User', { label: unit, number: true }, { label: 'Jobs', number: true }], rows) : el('p', { class: 'muted' }, 'None in this window.'),
    );
  };

  const partitionRows = stats.window.partitions.map((p) =>
    el(
      'tr',
      null,
      cell(p.name || '(none)'),
      cell(number(p.jobs, 0), true),
      cell(number(p.cpuHours), true),
      cell(number(p.gpuHours), true),
      cell(number(p.idleGpuHours), true),
    ),
  );

  show(
    'Overview',
    el('h1', null, 'Overview'),
    panel('Jobs by state', states),
    el(
      'div',
      { class: 'grid' },
      panel('Active jobs by partition', partitionsNow),
      panel(
        'Window',
        el('div', { class: 'choices', role: 'group', 'aria-label': 'Window' }, choose('24h', 'Last 24 hours'), choose('7d', 'Last 7 days')),
        el('p', { class: 'hint' }, 'Hours are allocated hours: CPUs (or GPUs) held times the time held in the window.'),
      ),
    ),
    el(
      'div',
      { class: 'grid' },
      ranking('Top users by CPU-hours', 'cpuHours', 'CPU-hours'),
      ranking('Top users by GPU-hours', 'gpuHours', 'GPU-hours'),
      ranking('Top users by idle GPU-hours', 'idleGpuHours', 'Idle GPU-hours'),
    ),
    panel(
      'Partitions in the window',
      partitionRows.length
        ? table(
            ['Partition', { label: 'Jobs', number: true }, { label: 'CPU-hours', number: true }, { label: 'GPU-hours', number: true }, { label: 'Idle GPU-hours', number: true }],
            partitionRows,
          )
        : el('p', { class: 'muted' }, 'No jobs ran in this window.'),
    ),
  );
  // Widths through CSSOM: the policy forbids style attributes in markup.
  for (const bar of document.querySelectorAll('.bar[data-width]')) bar.style.width = bar.dataset.width + 'px';
}

// ---- Jobs ---------------------------------------------------------------------------------

const FILTERS = ['state', 'user', 'partition', 'node', 'cluster', 'since', 'until'];

async function jobsPage() {
  const params = new URLSearchParams(location.search);
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
  for (const name of FILTERS) {
    const value = params.get(name);
    if (!value) continue;
    query.set(name, name === 'since' || name === 'until' ? new Date(value).toISOString() : value);
  }

  const field = (name, label, input) => el('label', { for: 'filter-' + name }, label, input);
  const text = (name, label, placeholder) =>
    field(name, label, el('input', { id: 'filter-' + name, name, type: 'text', value: params.get(name) || '', placeholder, autocomplete: 'off' }));
  const when = (name, label) =>
    field(name, label, el('input', { id: 'filter-' + name, name, type: 'datetime-local', value: params.get(name) || '' }));
  const form = el(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter jobs', onsubmit: (event) => applyFilters(event) },
    field(
      'state',
      'State',
      el(
        'select',
        { id: 'filter-state', name: 'state' },
        el('option', { value: '' }, 'any'),
        STATES.map((s) => el('option', { value: s, selected: params.get('state') === s }, s.replace(/_/g, ' '))),
      ),
    ),
    text('user', 'User', 'alice'),
    text('partition', 'Partition', 'gpu'),
    text('node', 'Node', 'cn001'),
    text('cluster', 'Cluster', 'hpc1'),
    when('since', 'Active since'),
    when('until', 'Submitted by'),
    el('button', { type: 'submit' }, 'Apply'),
    el('button', { type: 'button', class: 'secondary', onclick: () => clearFilters() }, 'Clear'),
  );
  // Filters apply as they change, without a reload; the URL keeps them.
  form.addEventListener('change', (event) => applyFilters(event));

  // A filter that changed redraws the table only, so focus stays where it was.
  if (!document.getElementById('jobs-form')) {
    form.id = 'jobs-form';
    const status = el('p', { class: 'muted', id: 'jobs-status', role: 'status' }, 'Loading…');
    show('Jobs', el('h1', null, 'Jobs'), panel('Filters', form), el('section', { class: 'panel', 'aria-label': 'Jobs' }, status, el('div', { id: 'jobs-table' })));
  }
  const status = document.getElementById('jobs-status');
  const body = document.getElementById('jobs-table');

  let list;
  try {
    list = await api('/v1/jobs?' + query.toString());
  } catch (error) {
    status.replaceChildren(el('span', { class: 'error', role: 'alert' }, String(error.message || error)));
    return;
  }
  const first = list.total === 0 ? 0 : offset + 1;
  const last = offset + list.jobs.length;
  status.textContent = list.total === 0 ? 'No jobs match.' : `Jobs ${first}–${last} of ${list.total}`;
  const rows = list.jobs.map((job) => {
    const summary = job.summary || {};
    return el(
      'tr',
      { 'data-job': job.id },
      cell(jobLink(job)),
      cell(job.name || '–'),
      cell(job.user),
      cell(job.partition || '–'),
      cell(stateBadge(job.state)),
      cell(job.nodes.length ? job.nodes[0] + (job.nodes.length > 1 ? ` +${job.nodes.length - 1}` : '') : '–'),
      cell(time(job.submitTime)),
      cell(duration(job.runtimeSeconds), true),
      cell(percent(summary.cpuEfficiencyPercent), true),
      cell(percent(summary.memoryEfficiencyPercent), true),
      cell(percent(summary.gpuIdlePercent), true),
      cell((job.verdicts || []).map((code) => verdictBadge(code))),
    );
  });
  body.replaceChildren(
    table(
      [
        'Job', 'Name', 'User', 'Partition', 'State', 'Nodes', 'Submitted',
        { label: 'Runtime', number: true }, { label: 'CPU used', number: true }, { label: 'Memory used', number: true },
        { label: 'GPUs idle', number: true }, 'Verdicts',
      ],
      rows,
    ),
    el(
      'div',
      { class: 'pager' },
      el('button', { type: 'button', class: 'secondary', disabled: offset === 0, onclick: () => page(Math.max(0, offset - PAGE_SIZE)) }, 'Newer'),
      el('button', { type: 'button', class: 'secondary', disabled: last >= list.total, onclick: () => page(offset + PAGE_SIZE) }, 'Older'),
    ),
  );
}

function applyFilters(event) {
  event.preventDefault();
  const form = event.target.form || event.target;
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  navigate('/jobs' + (params.toString() ? '?' + params : ''), true);
}

function clearFilters() {
  document.getElementById('jobs-form').reset();
  for (const input of document.querySelectorAll('#jobs-form input')) input.value = '';
  document.getElementById('filter-state').value = '';
  navigate('/jobs', true);
}

function page(offset) {
  const params = new URLSearchParams(location.search);
  if (offset) params.set('offset', String(offset));
  else params.delete('offset');
  navigate('/jobs?' + params.toString(), true);
}

// ---- One job ------------------------------------------------------------------------------

async function jobPage(id) {
  const job = await api('/v1/jobs/' + encodeURIComponent(id) + clusterQuery(new URLSearchParams(location.search).get('cluster')));
  const summary = job.summary;
  const facts = [
    ['User', job.user], ['Account', job.account], ['Partition', job.partition], ['Cluster', job.cluster],
    ['Nodes', job.nodes.length ? job.nodes.join(', ') : '–'], ['Submitted', time(job.submitTime)],
    ['Started', time(job.startTime)], ['Ended', time(job.endTime)], ['Runtime', duration(job.runtimeSeconds)],
    ['Exit code', job.exitCode], ['CPUs asked for', job.requestedCpus],
    ['Memory asked for', job.requestedMemoryMb === undefined ? undefined : mebibytes(job.requestedMemoryMb)],
    ['GPUs asked for', job.requestedGpus],
  ].filter(([, value]) => value !== undefined && value !== null);
  const usage = summary
    ? el(
        'dl',
        { class: 'facts' },
        el('dt', null, 'CPU used'), el('dd', null, percent(summary.cpuEfficiencyPercent) + ' of the CPUs asked for'),
        el('dt', null, 'Memory peak'), el('dd', null, mebibytes(summary.peakMemoryMb) + ' (' + percent(summary.memoryEfficiencyPercent) + ')'),
        el('dt', null, 'GPUs idle'), el('dd', null, percent(summary.gpuIdlePercent) + ' of samples'),
        el('dt', null, 'CPU time'), el('dd', null, duration(summary.cpuSeconds)),
      )
    : el('p', { class: 'muted' }, 'No collector has reported this job yet.');
  const notes = summary && summary.notes && summary.notes.length
    ? el('ul', { class: 'notes', id: 'verdicts' }, summary.notes.map((note) => el('li', null, verdictBadge(note.code, note.message), ' ', note.message)))
    : el('p', { class: 'muted', id: 'verdicts' }, summary ? 'Nothing to say: it used what it asked for.' : '');

  const wholeJob = el('button', { type: 'button', class: 'secondary', id: 'zoom-out', disabled: true, onclick: () => drawCharts(job) }, 'Show the whole job');
  const chartPanel = (key, title, help) =>
    panel(title, el('div', { class: 'chart', id: 'chart-' + key, role: 'img', 'aria-label': title + ' over time' }), el('p', { class: 'chart-help' }, help));
  show(
    'Job ' + job.id,
    el('h1', null, 'Job ', job.id, job.name ? ' · ' + job.name : '', ' ', stateBadge(job.state)),
    el('div', { class: 'grid' }, panel('Job', el('dl', { class: 'facts' }, facts.flatMap(([k, v]) => [el('dt', null, k), el('dd', null, v)]))), panel('Use', usage, el('h2', null, 'Verdicts'), notes)),
    el('div', { class: 'pager' }, wholeJob),
    chartPanel('cpu', 'CPU (cores busy)', 'Drag across a chart to zoom, double-click to zoom out. Per node where the samples name one.'),
    chartPanel('memory', 'Memory (GiB)', 'The dashed line is what the job asked for (per node).'),
    job.requestedGpus ? chartPanel('gpu', 'GPU use (%)', 'Mean use of the job’s GPUs on each node.') : null,
  );
  await drawCharts(job);
}

/** Seconds per point so a chart holds about 2,000 points whatever the job's length. */
function stepFor(seconds, nodes) {
  return Math.max(1, Math.ceil((seconds * Math.max(1, nodes)) / 2000));
}

async function drawCharts(job, from, to) {
  if (!job.startTime) {
    for (const chart of document.querySelectorAll('.chart')) chart.replaceChildren(el('p', { class: 'muted' }, 'The job has not started.'));
    hpcObs.chartsDrawnAt = performance.now();
    return;
  }
  const start = from || new Date(job.startTime);
  const end = to || (job.endTime ? new Date(job.endTime) : new Date());
  const step = stepFor((end - start) / 1000, job.nodes.length);
  const url = `/v1/jobs/${encodeURIComponent(job.id)}/metrics?step=${step}&limit=10000&from=${start.toISOString()}&to=${end.toISOString()}${clusterQuery(job.cluster, '&')}`;
  const metrics = await api(url);
  hpcObs.metricsURL = url;
  hpcObs.metricsCount = metrics.count;
  if (typeof Dygraph === 'undefined') {
    for (const chart of document.querySelectorAll('.chart')) {
      chart.replaceChildren(el('p', { class: 'error' }, 'Charts need the libjs-dygraphs package on the server.'));
    }
    hpcObs.chartsDrawnAt = performance.now();
    return;
  }
  document.getElementById('zoom-out').disabled = !from;
  const nodes = [...new Set(metrics.samples.map((s) => s.node || 'job'))].sort();
  // The chart library writes labels into its legend as HTML: keep markup out of node names.
  const labels = nodes.map((node) => node.replace(/[<>&"']/g, '_'));
  const series = (value, extra) => {
    const rows = new Map();
    for (const sample of metrics.samples) {
      const at = Date.parse(sample.timestamp);
      if (!rows.has(at)) rows.set(at, new Array(nodes.length + (extra === undefined ? 0 : 1)).fill(null));
      rows.get(at)[nodes.indexOf(sample.node || 'job')] = value(sample);
    }
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([at, values]) => {
      if (extra !== undefined) values[nodes.length] = extra;
      return [new Date(at), ...values];
    });
  };
  const perNode = Math.max(1, job.nodes.length);
  const cpus = job.requestedCpus === undefined ? undefined : job.requestedCpus / perNode;
  const memory = job.requestedMemoryMb === undefined ? undefined : job.requestedMemoryMb / 1024 / perNode;
  const charts = [
    ['cpu', series((s) => s.cpuUsage / 100, cpus), cpus === undefined ? labels : [...labels, 'allocated']],
    ['memory', series((s) => s.memoryUsageMb / 1024, memory), memory === undefined ? labels : [...labels, 'requested']],
    ['gpu', series((s) => (s.gpuUsage === undefined ? null : s.gpuUsage)), labels],
  ];
  const drawn = [];
  for (const [key, data, labels] of charts) {
    const container = document.getElementById('chart-' + key);
    if (!container) continue;
    if (!data.length) {
      container.replaceChildren(el('p', { class: 'muted' }, 'No samples in this range.'));
      continue;
    }
    const options = {
      labels: ['time', ...labels],
      connectSeparatedPoints: true,
      legend: 'follow',
      labelsKMB: true,
      animatedZooms: false,
      series: {
        requested: { strokePattern: Dygraph.DASHED_LINE, color: '#b3261e' },
        allocated: { strokePattern: Dygraph.DASHED_LINE, color: '#b3261e' },
      },
      zoomCallback: (minDate, maxDate) => zoomed(job, key, minDate, maxDate),
    };
    if (hpcObs.charts[key]) {
      hpcObs.charts[key].updateOptions({ file: data, labels: options.labels, dateWindow: null });
    } else {
      drawn.push(new Promise((resolve) => {
        options.drawCallback = (graph, initial) => initial && resolve();
        hpcObs.charts[key] = new Dygraph(container, data, options);
      }));
    }
  }
  await Promise.all(drawn);
  if (hpcObs.chartsDrawnAt === null) hpcObs.chartsDrawnAt = performance.now();
}

let zooming = null;

/** Zooming one chart zooms all, and fetches the range again at a finer step. */
function zoomed(job, source, minDate, maxDate) {
  clearTimeout(zooming);
  if (!hpcObs.charts[source].isZoomed()) return;
  zooming = setTimeout(() => {
    drawCharts(job, new Date(minDate), new Date(maxDate)).catch((error) => showError('Job ' + job.id, error));
  }, 150);
}

// ---- Navigation ---------------------------------------------------------------------------

function navigate(url, replace) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route();
}

async function route() {
  hpcObs.pageReadyAt = null;
  const path = location.pathname;
  const match = path.match(/^\/jobs\/([^/]+)$/);
  const [title, render] =
    path === '/' ? ['Overview', overview] : path === '/jobs' ? ['Jobs', jobsPage] : match ? ['Job', () => jobPage(decodeURIComponent(match[1]))] : [null, null];
  hpcObs.charts = {};
  hpcObs.chartsDrawnAt = null;
  if (path !== '/jobs') document.getElementById('jobs-form')?.remove();
  if (!render) {
    show('Not found', el('h1', null, 'Not found'), el('p', null, 'No page here. ', link('/', 'Go to the overview.')));
  } else {
    try {
      await render();
    } catch (error) {
      showError(title, error);
    }
  }
  hpcObs.pageReadyAt = performance.now();
}

document.addEventListener('click', (event) => {
  const anchor = event.target.closest('a[data-nav]');
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href'));
  document.getElementById('main').focus();
});
window.addEventListener('popstate', route);
route();
