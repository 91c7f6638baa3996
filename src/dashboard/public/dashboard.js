// Live dashboard for the HFSS job manager: REST for the initial state and actions, Socket.IO for updates.
// Every value from the server is written with textContent, never as HTML.
(() => {
  'use strict';
  const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timed_out']);
  const PAGE_SIZE = 50;
  // The jobs of the page on screen (server-side paging, filter and search); live events update them in place.
  const jobs = new Map();
  const page = { offset: 0, total: 0 };
  let lastSeq = 0;
  let bootId = null;
  /** The seq of the last live event of each job, to tell whether a list that answers later already reflects it. */
  const touchedAt = new Map();

  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, children = []) => {
    const node = Object.assign(document.createElement(tag), props);
    for (const child of children) node.append(child);
    return node;
  };

  // When the service has HFSS_JM_API_TOKEN, the page asks for it once per browser session.
  const TOKEN_KEY = 'hfss-jm-token';
  let token = sessionStorage.getItem(TOKEN_KEY);
  function askForToken(message) {
    $('token-dialog').hidden = false;
    $('token-message').textContent = message;
    $('token-form').elements.token.focus();
  }

  async function api(method, path, body) {
    const response = await request(method, path, body);
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(payload.error || `${method} ${path} answered ${response.status}`);
    return payload;
  }

  /** A same-origin request with the token; JSON bodies only (the service refuses other content types). */
  async function request(method, path, body) {
    const headers = body === undefined ? {} : { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401) askForToken(token ? 'That token was not accepted.' : 'This job manager requires an access token.');
    return response;
  }

  const formatTime = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');
  const formatDateTime = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '–');
  function formatDuration(job) {
    if (!job.started_at) return '–';
    const end = job.finished_at ? Date.parse(job.finished_at) : Date.now();
    const seconds = Math.max(0, Math.round((end - Date.parse(job.started_at)) / 1000));
    return seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${(seconds / 3600).toFixed(1)} h`;
  }
  const mb = (value) => (value >= 10240 ? `${(value / 1024).toFixed(1)} GiB` : `${Math.round(value)} MiB`);

  // ---- jobs table
  function upsertJob(job) {
    const known = jobs.get(job.job_id);
    if (known || (page.offset === 0 && belongsOnPage(job))) {
      if (!known) page.total += 1;
      jobs.set(job.job_id, { ...known, ...job });
      renderJobs();
    }
    window.HfssDashboard.onJob?.(job);
  }

  // A job new to the page joins it only on the first page, when it passes the filter and the search.
  function belongsOnPage(job) {
    const filter = $('status-filter').value;
    const q = $('job-search').value.trim();
    if (filter && job.status !== filter) return false;
    return !q || job.job_id.startsWith(q) || (job.project_path || '').includes(q);
  }

  function renderJobs() {
    const rows = [...jobs.values()].sort((a, b) => (TERMINAL.has(a.status) - TERMINAL.has(b.status)) || b.created_at.localeCompare(a.created_at));
    $('jobs').tBodies[0].replaceChildren(...rows.map(renderRow));
    $('jobs-empty').hidden = jobs.size > 0;
    $('jobs-empty').textContent = $('status-filter').value || $('job-search').value.trim() ? 'No job matches.' : 'No jobs yet. Submit one above, over REST (POST /jobs/submit) or with the CLI.';
    const last = Math.min(page.total, page.offset + jobs.size);
    $('page-info').textContent = page.total ? `${page.offset + 1}–${last} of ${page.total}` : '';
    $('page-prev').disabled = page.offset === 0;
    $('page-next').disabled = page.offset + PAGE_SIZE >= page.total;
  }

  async function loadPage() {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(page.offset) });
    if ($('status-filter').value) query.set('status', $('status-filter').value);
    if ($('job-search').value.trim()) query.set('q', $('job-search').value.trim());
    // The list may answer after live events that it does not reflect (it was read before they happened).
    const asOf = lastSeq;
    const list = await api('GET', `/jobs?${query}`);
    page.total = list.total;
    const fresh = new Map(list.items.map((job) => [job.job_id, job]));
    // Keep what live events brought that is newer than the list.
    for (const [id, job] of fresh) {
      const known = jobs.get(id);
      if (known && known.updated_at > job.updated_at) fresh.set(id, known);
    }
    // And a job a live event brought after the list was asked for but that the list does not have yet (submitted
    // meanwhile): it stays on the page, instead of vanishing until the next event or reload.
    for (const [id, known] of jobs) {
      if (!fresh.has(id) && (touchedAt.get(id) ?? 0) > asOf && page.offset === 0 && belongsOnPage(known)) {
        fresh.set(id, known);
        page.total += 1;
      }
    }
    jobs.clear();
    for (const [id, job] of fresh) jobs.set(id, job);
    renderJobs();
  }

  function renderRow(job) {
    const progress = job.progress ?? (job.status === 'completed' ? 100 : null);
    const idCell = el('td', {}, [
      el('a', { className: 'job-id', href: `#job=${encodeURIComponent(job.job_id)}`, textContent: job.job_id, title: job.project_path || '' }),
    ]);
    if (job.error) idCell.append(el('span', { className: 'job-error', textContent: job.error }));
    const badge = el('span', { className: 'badge', textContent: job.status.replace('_', ' ') });
    badge.dataset.status = job.status;
    const bar = el('progress', { max: 100 });
    // No value = an indeterminate (moving) bar: only for a running solve whose log shows no progress yet.
    if (progress !== null) bar.value = progress;
    else if (job.status !== 'running') bar.value = 0;
    const queued = job.status === 'queued';
    const actions = el('td', { className: 'actions' }, [
      el('button', { className: 'secondary', textContent: '▲', title: 'Raise priority', disabled: !queued, onclick: () => changePriority(job, 10) }),
      el('button', { className: 'secondary', textContent: '▼', title: 'Lower priority', disabled: !queued, onclick: () => changePriority(job, -10) }),
      el('button', { className: 'danger', textContent: 'Cancel', disabled: TERMINAL.has(job.status), onclick: () => cancel(job) }),
    ]);
    const row = el('tr', {}, [
      idCell,
      el('td', {}, [badge, ...schedulerStateLine(job)]),
      el('td', { textContent: job.scheduler_type === 'none' ? 'local' : `${job.scheduler_type}${job.native_id && job.scheduler_type !== 'none' ? ` #${job.native_id}` : ''}` }),
      el('td', { className: 'num', textContent: String(job.priority) + (job.queue_position ? ` (#${job.queue_position})` : '') }),
      el('td', { className: 'num nowrap', textContent: formatDateTime(job.created_at) }),
      el('td', {}, [el('div', { className: 'progress-cell' }, [bar, el('span', { textContent: progress === null ? '' : `${Math.round(progress)}%` })])]),
      el('td', { className: 'num', textContent: formatTime(job.started_at) }),
      el('td', { className: 'num', textContent: formatDuration(job) }),
      el('td', { className: 'num', textContent: job.exit_code === null || job.exit_code === undefined ? '' : String(job.exit_code) }),
      actions,
    ]);
    row.dataset.jobId = job.job_id;
    row.dataset.status = job.status;
    return row;
  }

  async function changePriority(job, delta) {
    try {
      const { job: updated } = await api('POST', `/jobs/${encodeURIComponent(job.job_id)}/priority`, { priority: Math.max(-1000, Math.min(1000, job.priority + delta)) });
      upsertJob(updated);
    } catch (error) {
      note(`priority of ${job.job_id}: ${error.message}`);
    }
  }

  async function cancel(job) {
    if (!window.confirm(`Cancel job ${job.job_id}? A running solve is stopped.`)) return;
    try {
      const { job: updated } = await api('POST', `/jobs/${encodeURIComponent(job.job_id)}/cancel`);
      upsertJob(updated);
    } catch (error) {
      note(`cancel ${job.job_id}: ${error.message}`);
    }
  }

  // ---- host, queue, limits
  function renderHost(host) {
    if (!host) return;
    const memoryUsed = 100 * (1 - host.memory_free_mb / host.memory_total_mb);
    const diskUsed = 100 * (1 - host.disk_free_mb / host.disk_total_mb);
    $('cpu-meter').value = host.cpu_percent;
    $('cpu-value').textContent = `${host.cpu_percent.toFixed(0)}% of ${host.cpu_cores}`;
    $('memory-meter').value = memoryUsed;
    $('memory-value').textContent = `${mb(host.memory_free_mb)} free`;
    $('disk-meter').value = diskUsed;
    $('disk-value').textContent = `${mb(host.disk_free_mb)} free`;
    $('host-sampled').textContent = `sampled ${formatTime(host.sampled_at)} · disk ${host.disk_path}`;
  }

  function renderAdmission({ admitting, blocked_reasons: reasons, queued, running }) {
    const admission = $('admission');
    admission.dataset.admitting = String(admitting);
    admission.textContent = admitting ? 'admitting new jobs' : `waiting: ${reasons.join('; ') || 'limits reached'}`;
    if (queued !== undefined) {
      $('count-queued').textContent = String(queued);
      $('count-running').textContent = String(running);
    }
  }

  function renderLimits(limits) {
    const form = $('limits-form');
    for (const [name, value] of Object.entries(limits)) {
      if (form.elements[name] && document.activeElement !== form.elements[name]) form.elements[name].value = value;
    }
  }

  async function refreshQueue() {
    const queue = await api('GET', '/queue');
    renderAdmission({ admitting: queue.admitting, blocked_reasons: queue.blocked_reasons, queued: queue.queued, running: queue.running });
    $('count-scheduled').textContent = String(queue.scheduled);
    const all = await api('GET', '/jobs?limit=1');
    $('count-finished').textContent = String(Math.max(0, all.total - queue.queued - queue.running - queue.scheduled));
    // Positions of every queued job shift when one starts or is re-prioritised.
    const positions = new Map(queue.next.map((entry) => [entry.job_id, entry.position]));
    for (const job of jobs.values()) {
      job.queue_position = job.status === 'queued' ? positions.get(job.job_id) ?? null : null;
    }
    renderJobs();
  }

  let queueRefresh = null;
  function refreshQueueSoon() {
    queueRefresh ??= setTimeout(() => {
      queueRefresh = null;
      void refreshQueue().catch(() => undefined);
    }, 250);
  }

  // ---- event log
  function note(text) {
    const list = $('events');
    list.prepend(el('li', { textContent: `${new Date().toLocaleTimeString()} ${text}` }));
    while (list.children.length > 100) list.lastChild.remove();
  }
  function logEvent(event) {
    if (event.event === 'resources_updated') return;
    const line = el('li');
    line.append(`${formatTime(event.emitted_at)} #${event.seq} `, el('b', { textContent: event.event }), ` ${event.job_id ?? ''} `,
      event.event === 'job_progress' ? `${event.progress}%` : event.status ?? '');
    $('events').prepend(line);
    while ($('events').children.length > 100) $('events').lastChild.remove();
  }

  // ---- live updates
  /** The scheduler's own state and reason (e.g. "PENDING · JobHeldAdmin", "Eqw · can't chdir …") and the run after a requeue. */
  function schedulerStateLine(job) {
    const words = [job.scheduler_state, job.scheduler_reason].filter(Boolean).join(' · ');
    const text = [words, job.run > 1 ? `run ${job.run}` : ''].filter(Boolean).join(' — ');
    return text ? [el('span', { className: 'scheduler-state', textContent: text, title: text })] : [];
  }

  function apply(event) {
    if (event.seq <= lastSeq && event.boot_id === bootId) return; // already applied (catch-up overlap)
    if (event.boot_id !== bootId) touchedAt.clear(); // another run of the service: its seqs start again
    lastSeq = event.seq;
    bootId = event.boot_id;
    if (event.job_id) touchedAt.set(event.job_id, event.seq);
    logEvent(event);
    switch (event.event) {
      case 'job_progress': {
        const job = jobs.get(event.job_id);
        // A job shown as ended stays ended, whatever progress event may still be on its way.
        if (job && !TERMINAL.has(job.status)) upsertJob({ ...job, progress: event.progress, status: event.status });
        break;
      }
      case 'limits_updated':
        renderLimits(event.limits);
        renderAdmission(event);
        break;
      case 'resources_updated':
        renderHost(event.host);
        renderAdmission(event);
        break;
      default:
        if (event.job) upsertJob(event.job);
        refreshQueueSoon();
    }
  }

  async function loadAll() {
    const [resources] = await Promise.all([api('GET', '/resources'), loadPage()]);
    renderHost(resources.host);
    renderLimits(resources.limits);
    await refreshQueue();
  }

  const socket = io({ transports: ['websocket', 'polling'], auth: (send) => send(token ? { token } : {}) });
  socket.on('connect_error', (error) => {
    $('connection').dataset.state = 'offline';
    $('connection').textContent = /unauthorized/.test(error.message) ? 'token required' : 'offline';
  });
  const names = ['job_queued', 'job_scheduled', 'job_started', 'job_completed', 'job_cancelled', 'job_updated', 'job_progress', 'limits_updated', 'resources_updated'];
  for (const name of names) socket.on(name, apply);
  socket.on('connect', async () => {
    $('connection').dataset.state = 'live';
    $('connection').textContent = 'live';
    if (bootId === null) return;
    // Reconnected: fetch what we missed, or everything when the service restarted or the buffer moved on.
    const answer = await socket.emitWithAck('catch_up', { since_seq: lastSeq, boot_id: bootId });
    if (answer.ok && answer.complete) {
      answer.events.forEach(apply);
    } else {
      touchedAt.clear();
      lastSeq = answer.seq;
      bootId = answer.boot_id;
      await loadAll();
    }
  });
  socket.on('disconnect', () => {
    $('connection').dataset.state = 'offline';
    $('connection').textContent = 'reconnecting…';
  });

  // ---- forms
  $('token-form').addEventListener('submit', (submitEvent) => {
    submitEvent.preventDefault();
    token = submitEvent.target.elements.token.value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    $('token-dialog').hidden = true;
    socket.disconnect().connect();
    loadAll().catch((error) => note(`loading failed: ${error.message}`));
  });
  const reload = () => loadPage().catch((error) => note(`loading jobs failed: ${error.message}`));
  $('status-filter').addEventListener('change', () => {
    page.offset = 0;
    reload();
  });
  let searchTimer = null;
  $('job-search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      page.offset = 0;
      reload();
    }, 250);
  });
  $('page-prev').addEventListener('click', () => {
    page.offset = Math.max(0, page.offset - PAGE_SIZE);
    reload();
  });
  $('page-next').addEventListener('click', () => {
    page.offset += PAGE_SIZE;
    reload();
  });
  $('limits-form').addEventListener('submit', async (submitEvent) => {
    submitEvent.preventDefault();
    const form = submitEvent.target;
    const body = Object.fromEntries(['max_concurrent_jobs', 'max_cpu_percent', 'min_free_memory_mb', 'min_free_disk_mb'].map((name) => [name, Number(form.elements[name].value)]));
    try {
      renderLimits(await api('PUT', '/resources/limits', body));
      $('limits-status').textContent = 'applied';
    } catch (error) {
      $('limits-status').textContent = error.message;
    }
  });
  /** The scheduler options the form sets; empty fields keep the service's defaults. */
  function schedulerOptions(form) {
    const options = {};
    for (const name of ['queue', 'time', 'memory', 'account', 'qos', 'reservation', 'constraints', 'gpu_type', 'email_notification']) {
      const value = form.elements[name].value.trim();
      if (value) options[name] = value;
    }
    for (const name of ['nodes', 'tasks_per_node', 'cores_per_node', 'gpus']) {
      if (form.elements[name].value !== '') options[name] = Number(form.elements[name].value);
    }
    if (form.elements.exclusive.checked) options.exclusive = true;
    return options;
  }

  $('submit-form').addEventListener('submit', async (submitEvent) => {
    submitEvent.preventDefault();
    const form = submitEvent.target;
    const body = { project_path: form.elements.project_path.value.trim(), scheduler_type: form.elements.scheduler_type.value, priority: Number(form.elements.priority.value) };
    if (form.elements.design_name.value.trim()) body.design_name = form.elements.design_name.value.trim();
    if (form.elements.jobid.value.trim()) body.jobid = form.elements.jobid.value.trim();
    const options = schedulerOptions(form);
    if (Object.keys(options).length > 0) body.scheduler_options = options;
    try {
      const answer = await api('POST', '/jobs/submit', body);
      upsertJob(answer.job);
      $('submit-status').textContent = answer.duplicate ? `${answer.job_id} already exists` : `submitted ${answer.job_id}`;
    } catch (error) {
      $('submit-status').textContent = error.message;
    }
  });

  setInterval(() => {
    renderJobs();
    void refreshQueue().catch(() => undefined);
    if (page.offset > 0 || $('status-filter').value || $('job-search').value.trim()) reload();
  }, 5000);

  // For the job detail view (job-detail.js).
  window.HfssDashboard = { api, request, el, formatDateTime, note, upsertJob, cancel, getToken: () => token, socket };
  loadAll().catch((error) => note(`loading failed: ${error.message}`));
})();
