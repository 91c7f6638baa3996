// The job detail view of the dashboard: fields, command line, attempts, timeline, live log tail, files, retry and
// cancel. Opened by #job=<id> in the address. Every value from the server is written with textContent, never as HTML.
(() => {
  'use strict';
  const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'timed_out']);
  const RETRYABLE = new Set(['failed', 'cancelled', 'timed_out']);
  const LOG_TAIL_LINES = 200;
  const LOG_MAX_CHARS = 200_000;
  const POLL_MS = 2000;
  const { api, request, el, formatDateTime, note, cancel } = window.HfssDashboard;
  const $ = (id) => document.getElementById(id);
  const encoder = new TextEncoder();

  /** The open job, and where its log continues (bytes). */
  let current = null;
  let logOffset = 0;
  let lastLogEvent = 0;
  let pollTimer = null;

  const jobUrl = (id) => `/jobs/${encodeURIComponent(id)}`;
  const shellWord = (word) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

  function field(name, value) {
    if (value === null || value === undefined || value === '') return [];
    return [el('div', {}, [el('dt', { textContent: name }), el('dd', { textContent: String(value) })])];
  }

  function renderJob(job) {
    current = job;
    $('detail-id').textContent = job.job_id;
    const scheduler = job.scheduler_type === 'none' ? 'local' : job.scheduler_type;
    $('detail-fields').replaceChildren(
      ...field('Status', job.status.replace('_', ' ')),
      ...field('Error', job.error),
      ...field('Scheduler', `${scheduler}${job.native_id ? ` (${job.native_id})` : ''}`),
      ...field('Scheduler state', job.scheduler_state),
      ...field('Scheduler reason', job.scheduler_reason),
      ...field('Run', job.run),
      ...field('Exit code', job.exit_code),
      ...field('Progress', job.progress === null || job.progress === undefined ? null : `${Math.round(job.progress)}%`),
      ...field('Priority', job.priority),
      ...field('User', job.user),
      ...field('Project', job.project_path),
      ...field('Submitted', formatDateTime(job.created_at)),
      ...field('Started', job.started_at && formatDateTime(job.started_at)),
      ...field('Finished', job.finished_at && formatDateTime(job.finished_at)),
      ...field('Cancel requested', job.cancel_requested_at && formatDateTime(job.cancel_requested_at)),
      ...field('Log file', job.log_path),
    );
    $('detail-fields').dataset.status = job.status;
    $('detail-command').textContent = (job.command || []).map(shellWord).join(' ');
    $('detail-config').textContent = JSON.stringify(job.config ?? {}, null, 2);
    $('detail-retry').disabled = !RETRYABLE.has(job.status);
    $('detail-cancel').disabled = TERMINAL.has(job.status);
    renderAttempts(job);
  }

  // Attempts come from the job view when the service lists them; otherwise the job itself is the one attempt.
  function renderAttempts(job) {
    const attempts = Array.isArray(job.attempts) && job.attempts.length > 0 ? job.attempts : [{ attempt: 1, ...job }];
    $('detail-attempts').tBodies[0].replaceChildren(
      ...attempts.map((attempt, index) => {
        const outcome = [attempt.status, attempt.exit_code === null || attempt.exit_code === undefined ? '' : `exit ${attempt.exit_code}`, attempt.error ?? '']
          .filter(Boolean)
          .join(' · ');
        return el('tr', {}, [
          el('td', { className: 'num', textContent: String(attempt.attempt ?? index + 1) }),
          el('td', { className: 'nowrap', textContent: formatDateTime(attempt.started_at) }),
          el('td', { className: 'nowrap', textContent: formatDateTime(attempt.finished_at) }),
          el('td', { textContent: outcome }),
        ]);
      }),
    );
  }

  function renderEvents(events) {
    $('detail-events').replaceChildren(
      ...events.map((event) => {
        const item = el('li');
        item.append(el('time', { textContent: formatDateTime(event.at), dateTime: event.at }), ' ', el('b', { textContent: event.status.replace('_', ' ') }));
        if (event.attempt !== undefined && event.attempt !== null) item.append(` (attempt ${event.attempt})`);
        if (event.detail) item.append(` — ${event.detail}`);
        return item;
      }),
    );
  }

  async function download(link, path) {
    // Without a token a plain link downloads (streamed by the browser); with one, the file is fetched with it.
    if (!window.HfssDashboard.getToken()) return;
    link.addEventListener('click', async (clickEvent) => {
      clickEvent.preventDefault();
      const response = await request('GET', path);
      if (!response.ok) return note(`download ${path}: ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const save = el('a', { href: url, download: link.download });
      save.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  }

  function renderFiles(files) {
    const id = current.job_id;
    $('detail-files').tBodies[0].replaceChildren(
      ...files.items.map((file) => {
        const path = `${jobUrl(id)}/files/${file.root}/${file.path.split('/').map(encodeURIComponent).join('/')}`;
        const link = el('a', { href: path, textContent: file.path, download: file.path.split('/').pop() });
        void download(link, path);
        return el('tr', {}, [
          el('td', { textContent: file.root }),
          el('td', { className: 'file-path' }, [link]),
          el('td', { className: 'num nowrap', textContent: size(file.size) }),
          el('td', { className: 'nowrap', textContent: formatDateTime(file.modified_at) }),
        ]);
      }),
    );
    $('detail-files-empty').hidden = files.items.length > 0;
    const archive = $('detail-archive');
    archive.href = `${jobUrl(id)}/archive`;
    archive.download = `${id}.zip`;
    archive.hidden = files.items.length === 0;
  }

  const size = (bytes) => (bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`);

  async function refreshSide(id) {
    const [events, files] = await Promise.all([api('GET', `${jobUrl(id)}/events`), api('GET', `${jobUrl(id)}/files`).catch(() => ({ items: [] }))]);
    if (current?.job_id !== id) return;
    renderEvents(events.items);
    renderFiles(files);
  }

  // ---- log: the last lines, then live chunks (job_log over Socket.IO, or polling ?offset= when none come)
  function appendLog(text) {
    if (!text) return;
    const pre = $('detail-log');
    const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    const all = pre.textContent + text;
    pre.textContent = all.length > LOG_MAX_CHARS ? all.slice(all.length - LOG_MAX_CHARS) : all;
    if (stick) pre.scrollTop = pre.scrollHeight;
  }

  async function loadLogTail(id) {
    const response = await request('GET', `${jobUrl(id)}/log?tail=${LOG_TAIL_LINES}`);
    if (!response.ok) throw new Error(`log: ${response.status}`);
    const text = await response.text();
    if (current?.job_id !== id) return;
    $('detail-log').textContent = text;
    $('detail-log').scrollTop = $('detail-log').scrollHeight;
    logOffset = Number(response.headers.get('x-next-offset') ?? response.headers.get('x-log-size') ?? 0);
  }

  async function pollLog(id) {
    const response = await request('GET', `${jobUrl(id)}/log?offset=${logOffset}`);
    if (!response.ok || current?.job_id !== id) return;
    const text = await response.text();
    logOffset = Number(response.headers.get('x-next-offset') ?? logOffset + encoder.encode(text).length);
    appendLog(text);
  }

  function follow(id) {
    stopFollowing();
    window.HfssDashboard.socket?.emit('follow_log', { job_id: id, offset: logOffset });
    $('detail-log-mode').textContent = '(live)';
    pollTimer = setInterval(() => {
      if (!current || current.job_id !== id) return;
      // Polling only when the service sends no job_log events (an older service, or a lost subscription).
      if (Date.now() - lastLogEvent > POLL_MS * 1.5) void pollLog(id).catch(() => undefined);
      if (TERMINAL.has(current.status) && Date.now() - lastLogEvent > POLL_MS * 3) {
        void pollLog(id).finally(() => {
          if (current?.job_id === id && TERMINAL.has(current.status)) stopFollowing();
        });
      }
    }, POLL_MS);
  }

  function stopFollowing() {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = null;
    if (current) window.HfssDashboard.socket?.emit('unfollow_log', { job_id: current.job_id });
    $('detail-log-mode').textContent = current && TERMINAL.has(current.status) ? '(job ended)' : '';
  }

  window.HfssDashboard.socket?.on('job_log', (event) => {
    if (!current || event.job_id !== current.job_id) return;
    lastLogEvent = Date.now();
    const text = event.data ?? event.chunk ?? event.text ?? '';
    // A chunk that does not continue where the page is (a gap or a repeat) is left to the next poll.
    if (typeof event.offset === 'number' && event.offset !== logOffset) return;
    appendLog(text);
    logOffset = typeof event.next_offset === 'number' ? event.next_offset : logOffset + encoder.encode(text).length;
  });

  // ---- opening, closing, actions
  async function open(id) {
    if (current?.job_id !== id) stopFollowing();
    $('job-detail').hidden = false;
    $('detail-status-line').textContent = '';
    try {
      const job = await api('GET', jobUrl(id));
      renderJob(job);
      $('detail-log').textContent = '';
      await Promise.all([loadLogTail(id).catch((error) => ($('detail-log').textContent = error.message)), refreshSide(id)]);
      if (!TERMINAL.has(job.status)) follow(id);
      else $('detail-log-mode').textContent = '(job ended)';
      $('job-detail').scrollIntoView({ block: 'start' });
    } catch (error) {
      $('detail-status-line').textContent = error.message;
    }
  }

  function close() {
    stopFollowing();
    current = null;
    $('job-detail').hidden = true;
    if (location.hash.startsWith('#job=')) history.replaceState(null, '', location.pathname + location.search);
  }

  function fromHash() {
    const match = /^#job=(.+)$/.exec(location.hash);
    if (match) void open(decodeURIComponent(match[1]));
  }

  // Live updates of the open job from the dashboard's Socket.IO events.
  let sideRefresh = null;
  window.HfssDashboard.onJob = (job) => {
    if (!current || job.job_id !== current.job_id) return;
    const wasTerminal = TERMINAL.has(current.status);
    renderJob({ ...current, ...job });
    if (wasTerminal && !TERMINAL.has(job.status)) follow(job.job_id); // retried
    sideRefresh ??= setTimeout(() => {
      sideRefresh = null;
      if (current) void refreshSide(current.job_id).catch(() => undefined);
    }, 300);
  };

  $('detail-close').addEventListener('click', close);
  $('detail-cancel').addEventListener('click', () => current && void cancel(current));
  $('detail-retry').addEventListener('click', async () => {
    if (!current) return;
    const id = current.job_id;
    try {
      const answer = await api('POST', `${jobUrl(id)}/retry`);
      $('detail-status-line').textContent = `retrying ${id}`;
      if (answer.job) window.HfssDashboard.upsertJob(answer.job);
      await open(id);
      $('detail-status-line').textContent = `retrying ${id}`;
    } catch (error) {
      $('detail-status-line').textContent = `retry ${id}: ${error.message}`;
    }
  });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
