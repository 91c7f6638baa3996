#!/usr/bin/env bash
# Brings up a real single-host Grid Engine (Son of Grid Engine 8.1.9, Debian 12's gridengine-master/-exec/-client)
# as root, without systemd, for the job manager's CI and tests. Idempotent: when everything is already up it only
# checks the daemons and the configuration, then runs one trivial job (about 1-2 s in all).
#
# Facts and pitfalls behind every step: shared/notes/slurm-and-gridengine-on-debian.md, section 6. In short:
#   * debconf preseed (master host = this host, cell "default", "configure automatically") so that the master's
#     postinst runs init_cluster: SGE_ROOT=/var/lib/gridengine, spool /var/spool/gridengine, admin user sgeadmin.
#   * Host names: SGE compares the name a client's IP reverse-resolves to with the client's own host name. With
#     "127.0.0.1 localhost" + "127.0.0.1 <host>" in /etc/hosts that is "localhost" vs "<host>" and every client
#     gets "commlib error: access denied". Fixed with $SGE_ROOT/default/common/host_aliases (read at daemon
#     start, so both daemons restart when it changes); /etc/hosts is left alone.
#   * min_uid/min_gid 0 so that root may submit; execd caches the old value, so it restarts after a change of
#     the global configuration, and error states are cleared with `qmod -c`.
#   * qconf -m* want an interactive $EDITOR: the script uses the -A*/-M* file variants only.
#   * Queue all.q on this host: slots = SGE_LAB_SLOTS, shell /bin/bash with unix_behavior (the #! line counts),
#     load_thresholds NONE (more slots than cores must not put the queue into alarm state), pe_list smp (the
#     template's "make smp mpi" names PEs that do not exist and is rejected; this script creates a plain
#     single-host PE "smp" so that multi-core requests `-pe smp N` can be tested).
#   * Scheduler every second (default 15 s), flush_submit_sec/flush_finish_sec 1; accounting is flushed at once
#     (accounting_flush_time=00:00:00, otherwise qacct lags up to flush_time = 15 s behind qstat).
#   * mailer /bin/true: there is no MTA (packages are installed without recommends).
#   * The init scripts' exit status means nothing (and gridengine-master's looks at a pid file qmaster never
#     writes, so "start" happily starts a second qmaster): the daemons are started directly and checked by pid.
#   * slurm-wlm-torque conflicts with gridengine-client (both provide torque-client): not installed, refused.
#
# Env knobs:
#   SGE_LAB_SLOTS     job slots of all.q on this host (default 4: more concurrent test jobs than 2 real cores)
#   SGE_LAB_TIMEOUT   seconds to wait for the daemons, the queue and the probe job (default 60)
#
# Usage: sudo scripts/ci/sge-up.sh          (stop with scripts/ci/sge-down.sh [--purge])
set -euo pipefail

SLOTS=${SGE_LAB_SLOTS:-4}
TIMEOUT=${SGE_LAB_TIMEOUT:-60}
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
COMMON=$SGE_ROOT/$SGE_CELL/common
UTIL=/usr/lib/gridengine
SPOOL=/var/spool/gridengine
QMASTER_PIDFILE=$SPOOL/qmaster/qmaster.pid
RUNDIR=/var/run/gridengine
EXECD_PIDFILE=$RUNDIR/execd.pid
PKGS=(gridengine-master gridengine-exec gridengine-client)
T0=$(date +%s.%N)
WORK=$(mktemp -d /tmp/sge-up.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

log() { printf '[sge-up] %s\n' "$*"; }
tail_logs() {
  local f
  for f in "$SPOOL/qmaster/messages" "$SPOOL"/execd/*/messages "$WORK/apt.log"; do
    [ -s "$f" ] || continue
    printf -- '--- last lines of %s\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}
fail() { printf '[sge-up] ERROR: %s\n' "$*" >&2; tail_logs; exit 1; }
now() { date +%s; }

# pid_alive PID COMM: a live (non-zombie) process named COMM. `kill -0` succeeds for zombies, which linger here
# because PID 1 is not an init that reaps at once.
pid_alive() {
  local state
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  [ "$(cat "/proc/$1/comm" 2> /dev/null)" = "$2" ] || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null) || return 1
  [ "$state" != Z ] && [ "$state" != X ]
}
pidfile_pid() { [ -r "$1" ] && tr -dc 0-9 < "$1"; }
alive() { pid_alive "$(pidfile_pid "$1" || true)" "$2"; }
others() {
  local p own
  own=$(pidfile_pid "$2" || true)
  for p in $(pgrep -x "$1" || true); do
    [ "$p" != "$own" ] && pid_alive "$p" "$1" && printf '%s ' "$p"
  done
  return 0
}
stop() {
  local pid
  pid=$(pidfile_pid "$1" || true)
  pid_alive "$pid" "$2" || return 0
  log "stopping $2 (pid $pid)"
  kill "$pid" 2> /dev/null || true
  for _ in $(seq 100); do pid_alive "$pid" "$2" || return 0; sleep 0.2; done
  log "$2 (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
  kill -9 "$pid" 2> /dev/null || true
  for _ in $(seq 25); do pid_alive "$pid" "$2" || return 0; sleep 0.2; done
  fail "could not stop $2 (pid $pid)"
}
pkg_installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2> /dev/null || true)" = installed ]; }

# SGE "key value" files: join "\"-continued lines, drop comments, squeeze blanks (so that files compare equal).
normalize() { sed -e ':a' -e '/\\$/N' -e 's/\\\n[[:space:]]*/ /' -e 'ta' | awk '!/^#/ && NF { $1 = $1; print }'; }
# set_keys KEY VALUE [KEY VALUE ...] < normalized text: replace (or append) the given keys.
set_keys() {
  local text
  text=$(cat)
  while [ $# -ge 2 ]; do
    text=$(awk -v k="$1" -v v="$2" '$1 == k { print k " " v; f = 1; next } { print } END { if (!f) print k " " v }' <<< "$text")
    shift 2
  done
  printf '%s\n' "$text"
}
# quiet CMD...: run CMD (qconf prints "root@host modified ..." on stderr), show its output only when it fails.
quiet() {
  local out
  out=$("$@" 2>&1) && return 0
  printf '%s\n' "$out" >&2
  return 1
}
# in_list WORD LIST: LIST (qconf -sh / -ss output) contains WORD as a line.
in_list() { awk -v w="$1" '$1 == w { f = 1 } END { exit !f }' <<< "$2"; }

[ "$(id -u)" = 0 ] || fail "must run as root"
[[ "$SLOTS" =~ ^[1-9][0-9]*$ ]] || fail "SGE_LAB_SLOTS must be a positive integer (got '$SLOTS')"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || fail "SGE_LAB_TIMEOUT must be a number of seconds (got '$TIMEOUT')"

# ---------------------------------------------------------------- packages
missing=()
for p in "${PKGS[@]}"; do pkg_installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  pkg_installed slurm-wlm-torque \
    && fail "slurm-wlm-torque is installed; it conflicts with gridengine-client (both provide qsub/qstat). Remove it first."
  HOST=$(hostname -s)
  log "installing ${missing[*]} (apt-get, noninteractive, master host $HOST)"
  for owner in gridengine-common gridengine-client gridengine-master gridengine-exec; do
    printf '%s shared/gridenginemaster string %s\n%s shared/gridenginecell string default\n%s shared/gridengineconfig boolean true\n' \
      "$owner" "$HOST" "$owner" "$owner"
  done | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  # Recommends would add an MTA (exim4) and mailx; mail is switched off below.
  { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends "${PKGS[@]}"; } > "$WORK/apt.log" 2>&1 \
    || fail "apt-get install ${PKGS[*]} failed"
fi
for c in qsub qstat qdel qacct qconf qmod; do command -v "$c" > /dev/null || fail "$c not found after installing ${PKGS[*]}"; done
[ -s "$COMMON/bootstrap" ] || fail "$COMMON/bootstrap is missing: the cluster was never initialised (the preseed came too late?). Run scripts/ci/sge-down.sh --purge, then this script again."

# ---------------------------------------------------------------- host names
SGE_HOST=$("$UTIL/gethostname" -name)   # SGE's own name for this host
[ -n "$SGE_HOST" ] || fail "gethostname -name printed nothing"
ADDR=$(getent ahostsv4 "$SGE_HOST" | awk 'NR == 1 { print $1 }' || true)
[ -n "$ADDR" ] || fail "$SGE_HOST does not resolve to an IPv4 address"
REV=$("$UTIL/gethostbyaddr" -name "$ADDR" 2> /dev/null || true)
restart_qmaster=0
restart_execd=0
if [ -n "$REV" ] && [ "$REV" != "$SGE_HOST" ]; then
  want_aliases="$SGE_HOST $REV"
  if [ "$(cat "$COMMON/host_aliases" 2> /dev/null || true)" != "$want_aliases" ]; then
    log "host_aliases: $ADDR reverse-resolves to '$REV', not '$SGE_HOST' -> '$want_aliases'"
    printf '%s\n' "$want_aliases" > "$COMMON/host_aliases"
    chown sgeadmin:sgeadmin "$COMMON/host_aliases"
    restart_qmaster=1
    restart_execd=1
  fi
fi
if [ "$(cat "$COMMON/act_qmaster" 2> /dev/null || true)" != "$SGE_HOST" ]; then
  log "act_qmaster -> $SGE_HOST"
  printf '%s\n' "$SGE_HOST" > "$COMMON/act_qmaster"
  chown sgeadmin:sgeadmin "$COMMON/act_qmaster"
  restart_qmaster=1
  restart_execd=1
fi
install -d -o sgeadmin -g sgeadmin -m 0755 "$RUNDIR"

# ---------------------------------------------------------------- qmaster
started=()
if [ "$restart_qmaster" = 1 ]; then
  stop "$EXECD_PIDFILE" sge_execd
  stop "$QMASTER_PIDFILE" sge_qmaster
fi
if ! alive "$QMASTER_PIDFILE" sge_qmaster; then
  other=$(others sge_qmaster "$QMASTER_PIDFILE")
  [ -z "$other" ] || fail "an sge_qmaster (pid $other) is running that $QMASTER_PIDFILE does not name; stop it first"
  log "starting sge_qmaster"
  /usr/sbin/sge_qmaster || fail "sge_qmaster exited with status $?"
  started+=(sge_qmaster)
fi
deadline=$(( $(now) + TIMEOUT ))
pid_deadline=$(( $(now) + 10 ))   # it forks, switches to sgeadmin and writes its pid file within a second
until timeout 10 qconf -sh > /dev/null 2>&1; do
  if ! alive "$QMASTER_PIDFILE" sge_qmaster && [ "$(now)" -ge "$pid_deadline" ]; then
    fail "sge_qmaster is not running (no live pid in $QMASTER_PIDFILE)"
  fi
  [ "$(now)" -lt "$deadline" ] || fail "sge_qmaster does not answer 'qconf -sh' after ${TIMEOUT} s: $(timeout 10 qconf -sh 2>&1 || true)"
  sleep 0.3
done

# ---------------------------------------------------------------- cluster configuration (file variants only)
hosts=$(qconf -sh 2> /dev/null || true)
in_list "$SGE_HOST" "$hosts" || { log "adding $SGE_HOST as admin host"; quiet qconf -ah "$SGE_HOST" || fail "qconf -ah failed"; }
hosts=$(qconf -ss 2> /dev/null || true)   # "no submit host defined" on stderr when empty
in_list "$SGE_HOST" "$hosts" || { log "adding $SGE_HOST as submit host"; quiet qconf -as "$SGE_HOST" || fail "qconf -as failed"; }

current=$(qconf -sconf global | normalize)
desired=$(set_keys min_uid 0 min_gid 0 mailer /bin/true \
  reporting_params "accounting=true reporting=false flush_time=00:00:15 joblog=false sharelog=00:00:00 accounting_flush_time=00:00:00" \
  <<< "$current")
if [ "$current" != "$desired" ]; then
  log "global configuration: min_uid 0, min_gid 0, mailer /bin/true, accounting_flush_time 0"
  mkdir -p "$WORK/conf"
  printf '%s\n' "$desired" > "$WORK/conf/global"   # -Mconf takes the configuration's name from the file name
  quiet qconf -Mconf "$WORK/conf/global" || fail "qconf -Mconf global failed"
  restart_execd=1   # execd caches min_uid/min_gid: jobs would fail in the shepherd and put the queue in E state
fi

current=$(qconf -ssconf | normalize)
# schedd_job_info true: qstat -j shows why a waiting job does not start (the service shows it as scheduler_reason).
desired=$(set_keys schedule_interval 0:0:1 flush_submit_sec 1 flush_finish_sec 1 schedd_job_info true <<< "$current")
if [ "$current" != "$desired" ]; then
  log "scheduler: schedule_interval 0:0:1, flush_submit_sec 1, flush_finish_sec 1, schedd_job_info true"
  printf '%s\n' "$desired" > "$WORK/sconf"
  quiet qconf -Msconf "$WORK/sconf" || fail "qconf -Msconf failed"
fi

if ! qconf -sp smp > /dev/null 2>&1; then
  log "adding parallel environment smp (allocation_rule \$pe_slots)"
  cat > "$WORK/smp" << 'EOF'
pe_name            smp
slots              9999
user_lists         NONE
xuser_lists        NONE
start_proc_args    NONE
stop_proc_args     NONE
allocation_rule    $pe_slots
control_slaves     FALSE
job_is_first_task  TRUE
urgency_slots      min
accounting_summary FALSE
qsort_args         NONE
EOF
  quiet qconf -Ap "$WORK/smp" || fail "qconf -Ap smp failed"
fi

# ---------------------------------------------------------------- execd
if [ "$restart_execd" = 1 ] && alive "$EXECD_PIDFILE" sge_execd; then
  log "restarting sge_execd (configuration changed)"
  stop "$EXECD_PIDFILE" sge_execd
fi
if ! alive "$EXECD_PIDFILE" sge_execd; then
  other=$(others sge_execd "$EXECD_PIDFILE")
  [ -z "$other" ] || fail "an sge_execd (pid $other) is running that $EXECD_PIDFILE does not name; stop it first"
  log "starting sge_execd"
  SGE_EXECD_PIDFILE=$EXECD_PIDFILE /usr/sbin/sge_execd || fail "sge_execd exited with status $?"
  started+=(sge_execd)
fi
# An execd on an admin host registers itself as execution host.
until timeout 10 qconf -se "$SGE_HOST" > /dev/null 2>&1; do
  [ "$(now)" -lt "$deadline" ] || fail "$SGE_HOST did not register as execution host within ${TIMEOUT} s (sge_execd pid file: $EXECD_PIDFILE)"
  sleep 0.3
done

# ---------------------------------------------------------------- queue all.q
if current=$(qconf -sq all.q 2> /dev/null); then
  current=$(normalize <<< "$current")
  verb=-Mq
else
  verb=-Aq
  # The queue template of SGE 8.1.9 (what `qconf -aq` opens in $EDITOR), named all.q.
  current=$(normalize << 'EOF'
qname                 all.q
hostlist              NONE
seq_no                0
load_thresholds       np_load_avg=1.75
suspend_thresholds    NONE
nsuspend              1
suspend_interval      00:05:00
priority              0
min_cpu_interval      00:05:00
processors            UNDEFINED
qtype                 BATCH INTERACTIVE
ckpt_list             NONE
pe_list               make smp mpi
rerun                 FALSE
slots                 1
tmpdir                /tmp
shell                 /bin/sh
prolog                NONE
epilog                NONE
shell_start_mode      posix_compliant
starter_method        NONE
suspend_method        NONE
resume_method         NONE
terminate_method      NONE
notify                00:00:60
owner_list            NONE
user_lists            NONE
xuser_lists           NONE
subordinate_list      NONE
complex_values        NONE
projects              NONE
xprojects             NONE
calendar              NONE
initial_state         default
s_rt                  INFINITY
h_rt                  INFINITY
s_cpu                 INFINITY
h_cpu                 INFINITY
s_fsize               INFINITY
h_fsize               INFINITY
s_data                INFINITY
h_data                INFINITY
s_stack               INFINITY
h_stack               INFINITY
s_core                INFINITY
h_core                INFINITY
s_rss                 INFINITY
h_rss                 INFINITY
s_vmem                INFINITY
h_vmem                INFINITY
EOF
  )
fi
desired=$(set_keys hostlist "$SGE_HOST" slots "$SLOTS" pe_list smp load_thresholds NONE \
  shell /bin/bash shell_start_mode unix_behavior <<< "$current")
if [ "$verb" = -Aq ] || [ "$current" != "$desired" ]; then
  log "queue all.q ($verb): hostlist $SGE_HOST, slots $SLOTS, pe_list smp, shell /bin/bash unix_behavior, load_thresholds NONE"
  printf '%s\n' "$desired" > "$WORK/all.q"
  quiet qconf "$verb" "$WORK/all.q" || fail "qconf $verb all.q failed"
fi

# ---------------------------------------------------------------- wait until the queue instance is usable
# `qstat -f` columns: queuename qtype resv/used/tot. load_avg arch states. "au" = execd not heard from yet,
# "E" = error (e.g. a job failed in the shepherd), "d" = disabled, "a" = load alarm.
QI="all.q@$SGE_HOST"
states="?"
while :; do
  line=$(timeout 10 qstat -f -q "$QI" 2> /dev/null | awk -v q="$QI" '$1 == q' || true)
  if [ -n "$line" ]; then
    states=$(awk '{ print (NF >= 6 ? $6 : "") }' <<< "$line")
    [ -z "$states" ] && break
    case "$states" in *E*) log "$QI in error state '$states': qmod -c"; qmod -c "$QI" > /dev/null 2>&1 || true ;; esac
    case "$states" in *d*) log "$QI disabled: qmod -e"; qmod -e "$QI" > /dev/null 2>&1 || true ;; esac
  fi
  if [ "$(now)" -ge "$deadline" ]; then
    { echo "--- qstat -f"; timeout 10 qstat -f 2>&1 || true; echo "--- qstat -explain aAEc -q $QI"; timeout 10 qstat -f -explain aAEc -q "$QI" 2>&1 || true; } >&2
    fail "queue instance $QI is not usable after ${TIMEOUT} s (states '${states}')"
  fi
  sleep 0.3
done

# ---------------------------------------------------------------- probe job
left=$(( deadline - $(now) )); [ "$left" -ge 10 ] || left=10
if ! out=$(cd / && timeout "$left" qsub -terse -sync y -b y -N sge-up-probe -o /dev/null -e /dev/null /bin/true 2>&1); then
  id=$(sed -n '1s/^\([0-9][0-9]*\).*/\1/p' <<< "$out")
  { echo "--- qsub output"; echo "$out"; [ -z "$id" ] || { echo "--- qstat -j $id"; timeout 10 qstat -j "$id" 2>&1 || true; qdel "$id" 2>&1 || true; }; } >&2
  fail "probe job 'qsub -sync y -b y /bin/true' did not complete with exit code 0 within ${left} s"
fi
id=${out%%$'\n'*}

elapsed=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
what=${started[*]:+started ${started[*]}}
log "OK: Grid Engine ${what:-already running}; queue $QI with $SLOTS slots, PE smp, scheduler 1 s; probe job $id exit 0; SGE_ROOT=$SGE_ROOT (${elapsed} s)"
