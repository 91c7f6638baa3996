#!/usr/bin/env bash
# Brings up a real single-node SLURM cluster (munge + slurmctld + slurmd, Debian 12's slurm-wlm 22.05) as root,
# without systemd, for the job manager's CI and tests. Idempotent: when everything is already up it only checks
# the daemons and the node (well under a second) and restarts nothing.
#
# Facts and pitfalls behind every setting: shared/notes/slurm-and-gridengine-on-debian.md. In short:
#   * munged runs as the munge user; /run/munge is created by hand (no systemd RuntimeDirectory=).
#   * SlurmUser=root / SlurmdUser=root: no ownership games in the state, log and spool directories.
#   * proctrack/linuxproc + task/none: with the cgroup plugins jobs never run here, are reported COMPLETED 0:0
#     and the node is drained - silently.
#   * MailProg=/bin/true (there is no /bin/mail), batch_sched_delay=0 (0-1 s start latency instead of 0-3 s),
#     DependencyParameters=kill_invalid_depend (afterok on a failed job is cancelled, not pending forever),
#     EnforcePartLimits=ALL (impossible requests fail at sbatch instead of pending forever), MinJobAge=30
#     (finished jobs leave squeue after ~30-40 s, so tests exercise the purged-job path).
#   * No slurmdbd: plain `sacct` says "Slurm accounting storage is disabled". jobcomp/filetxt writes one line
#     per finished job and `sacct -c` reads it (state and exit code; cancelled jobs show 0:0 there).
#   * RealMemory = 90 % of MemTotal rounded down to 512 MB, so slurm.conf is byte-stable between runs.
#   * A drained/down node is resumed; the script waits for a plain idle/mix/alloc state (no `*`).
#
# Env knobs:
#   SLURM_LAB_DIR      state, logs, pid files, jobs/ scratch dir   (default /var/lib/hfss-jm-slurm)
#   SLURM_LAB_CPUS     CPUs the node advertises (default: nproc, but at least 4). CI boxes have 2 cores and the
#                      e2e tests keep several short, mostly sleeping jobs in flight at once (batched squeue poll,
#                      cancel while running). With only 2 slots they would queue behind each other and the tests
#                      get slow and timing-sensitive. 4 is a mild 2x oversubscription, harmless for sleep/echo jobs;
#                      slurmd accepts more CPUs than the hardware has thanks to SlurmdParameters=config_overrides.
#   SLURM_LAB_TIMEOUT  seconds to wait for the node to become usable (default 60)
#
# Usage: sudo scripts/ci/slurm-up.sh      (stop with scripts/ci/slurm-down.sh [--purge|--uninstall])
set -euo pipefail

LAB=${SLURM_LAB_DIR:-/var/lib/hfss-jm-slurm}
TIMEOUT=${SLURM_LAB_TIMEOUT:-60}
HOST=$(hostname -s)
CONF_FILE=/etc/slurm/slurm.conf
T0=$(date +%s.%N)
APT_LOG=""

log() { printf '[slurm-up] %s\n' "$*"; }
tail_logs() {
  local f
  for f in "$LAB/log/slurmctld.log" "$LAB/log/slurmd.log" /var/log/munge/munged.log ${APT_LOG:+"$APT_LOG"}; do
    [ -s "$f" ] || continue
    printf -- '--- last lines of %s\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}
fail() { printf '[slurm-up] ERROR: %s\n' "$*" >&2; tail_logs; exit 1; }

# pid_alive PID COMM: PID is a live (non-zombie) process named COMM. `kill -0` alone is not enough: it succeeds
# for zombies (PID 1 here is not an init that reaps at once), and a stale pid file can name a recycled pid.
pid_alive() {
  local state
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  [ "$(cat "/proc/$1/comm" 2> /dev/null)" = "$2" ] || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null) || return 1
  [ "$state" != Z ] && [ "$state" != X ]
}
pidfile_pid() { [ -r "$1" ] && tr -dc 0-9 < "$1"; }
# alive PIDFILE COMM: the pid file names a live COMM process.
alive() { pid_alive "$(pidfile_pid "$1" || true)" "$2"; }
# others COMM PIDFILE: live COMM processes that PIDFILE does not name (they would hold our ports).
others() {
  local p own
  own=$(pidfile_pid "$2" || true)
  for p in $(pgrep -x "$1" || true); do
    [ "$p" != "$own" ] && pid_alive "$p" "$1" && printf '%s ' "$p"
  done
  return 0
}
# stop PIDFILE COMM: SIGTERM, wait up to 20 s (slurm daemons need 1-3 s), then SIGKILL. Waits on the pid itself:
# the daemons delete their pid file at the start of the shutdown, seconds before they exit.
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
# wait_alive PIDFILE COMM: daemons fork and write their pid file shortly after the command returns.
wait_alive() {
  for _ in $(seq 50); do alive "$1" "$2" && return 0; sleep 0.2; done
  return 1
}
# conf_value KEY FILE: value of KEY= in a slurm.conf (empty if absent).
conf_value() {
  if [ -r "$2" ]; then awk -F= -v k="$1" 'tolower($1) == tolower(k) { print $2; exit }' "$2"; fi
}
pkg_installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

[ "$(id -u)" = 0 ] || fail "must run as root"
case "$LAB" in /?*) ;; *) fail "SLURM_LAB_DIR must be an absolute path (got '$LAB')" ;; esac
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || fail "SLURM_LAB_TIMEOUT must be a number of seconds (got '$TIMEOUT')"
install -d -m 0755 "$LAB" "$LAB/state/ctld" "$LAB/state/d" "$LAB/log" "$LAB/run"
install -d -m 1777 "$LAB/jobs"   # scratch dir for test job scripts/outputs, writable by any submitting user

# ---------------------------------------------------------------- packages
missing=()
for p in slurm-wlm munge; do pkg_installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  APT_LOG=$LAB/log/apt.log
  log "installing ${missing[*]} (apt-get, noninteractive; log: $APT_LOG)"
  export DEBIAN_FRONTEND=noninteractive
  # Recommends would add ~20 extra plugin packages (-dev files, hdf5, influxdb, rsmi ...) nothing here needs.
  { apt-get update -q && apt-get install -y -q -o DPkg::Lock::Timeout=120 --no-install-recommends slurm-wlm munge; } > "$APT_LOG" 2>&1 \
    || fail "apt-get install slurm-wlm munge failed"
fi
for c in slurmctld slurmd sbatch squeue sacct scontrol munged; do
  command -v "$c" > /dev/null || fail "$c not found after installing slurm-wlm and munge"
done

# ---------------------------------------------------------------- munge
# The postinst normally creates the key (munge:munge 0600); make one if it is missing.
if [ ! -s /etc/munge/munge.key ]; then
  log "creating /etc/munge/munge.key"
  install -d -o munge -g munge -m 0700 /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0600 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
if ! alive /run/munge/munged.pid munged; then
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged || fail "munged did not start"
fi
munge_ok=0
for _ in $(seq 50); do
  if munge -n 2> /dev/null | unmunge > /dev/null 2>&1; then munge_ok=1; break; fi
  sleep 0.2
done
[ "$munge_ok" = 1 ] || fail "munge does not work: 'munge -n | unmunge' fails after 10 s"

# ---------------------------------------------------------------- slurm.conf
nproc_hw=$(nproc)
CPUS=${SLURM_LAB_CPUS:-$(( nproc_hw > 4 ? nproc_hw : 4 ))}
[[ "$CPUS" =~ ^[1-9][0-9]*$ ]] || fail "SLURM_LAB_CPUS must be a positive integer (got '$CPUS')"
# Topology: copy the real one from `slurmd -C` when we advertise exactly the hardware, otherwise one socket with
# CPUS cores (config_overrides makes slurmd accept it). Either way slurmd does not "reconfigure socket/core
# boundaries" at registration.
hw=$(slurmd -C 2> /dev/null || true)
hw=${hw%%$'\n'*}
hw_cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<< "$hw")
hw_topo=$(sed -n 's/.*\(Boards=[0-9]* SocketsPerBoard=[0-9]* CoresPerSocket=[0-9]* ThreadsPerCore=[0-9]*\).*/\1/p' <<< "$hw")
if [ "$CPUS" = "$hw_cpus" ] && [ -n "$hw_topo" ]; then
  TOPO=$hw_topo
else
  TOPO="Boards=1 SocketsPerBoard=1 CoresPerSocket=$CPUS ThreadsPerCore=1"
fi
MEM_MB=$(awk '/^MemTotal:/ { m = int($2 / 1024 * 0.9); m -= m % 512; if (m < 512) m = 512; print m }' /proc/meminfo)

CONF=$(cat << EOF
# Written by scripts/ci/slurm-up.sh (hfss-job-manager CI). Re-running the script rewrites it.
ClusterName=hfssjm
SlurmctldHost=${HOST}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
SwitchType=switch/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$LAB/state/ctld
SlurmdSpoolDir=$LAB/state/d
SlurmctldPidFile=$LAB/run/slurmctld.pid
SlurmdPidFile=$LAB/run/slurmd.pid
SlurmctldLogFile=$LAB/log/slurmctld.log
SlurmdLogFile=$LAB/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
EnforcePartLimits=ALL
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LAB/log/jobcomp.txt
MinJobAge=30
SlurmdParameters=config_overrides
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} ${TOPO} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
)

# Pid files of the daemons as the *current* file knows them (SLURM_LAB_DIR may have changed since).
old_ctld_pid=$(conf_value SlurmctldPidFile "$CONF_FILE"); old_ctld_pid=${old_ctld_pid:-$LAB/run/slurmctld.pid}
old_d_pid=$(conf_value SlurmdPidFile "$CONF_FILE"); old_d_pid=${old_d_pid:-$LAB/run/slurmd.pid}

changed=0
if [ ! -f "$CONF_FILE" ] || [ "$(cat "$CONF_FILE")" != "$CONF" ]; then
  install -d -m 0755 /etc/slurm
  printf '%s\n' "$CONF" > "$CONF_FILE.tmp.$$"
  chmod 0644 "$CONF_FILE.tmp.$$"
  mv -f "$CONF_FILE.tmp.$$" "$CONF_FILE"
  changed=1
fi

# ---------------------------------------------------------------- daemons
if [ "$changed" = 1 ]; then
  # Restart both: restarting only slurmctld leaves "appears to have a different slurm.conf" on the node.
  if alive "$old_d_pid" slurmd || alive "$old_ctld_pid" slurmctld; then
    log "slurm.conf changed: restarting slurmctld and slurmd"
  else
    log "wrote $CONF_FILE"
  fi
  stop "$old_d_pid" slurmd
  stop "$old_ctld_pid" slurmctld
fi
CTLD_PID=$LAB/run/slurmctld.pid
D_PID=$LAB/run/slurmd.pid
started=0
d_started=0
if ! alive "$CTLD_PID" slurmctld; then
  # Another slurmctld (not started from this config) would hold port 6817 and make ours exit.
  other=$(others slurmctld "$CTLD_PID")
  [ -z "$other" ] || fail "a slurmctld (pid $other) is running that $CTLD_PID does not name; stop it first"
  log "starting slurmctld"
  slurmctld || fail "slurmctld exited with status $?"
  wait_alive "$CTLD_PID" slurmctld || fail "slurmctld did not stay up (no live pid in $CTLD_PID after 10 s)"
  started=1
fi
if ! alive "$D_PID" slurmd; then
  other=$(others slurmd "$D_PID")
  [ -z "$other" ] || fail "a slurmd (pid $other) is running that $D_PID does not name; stop it first"
  log "starting slurmd"
  d_started=$(date +%s)
  slurmd || fail "slurmd exited with status $?"
  wait_alive "$D_PID" slurmd || fail "slurmd did not stay up (no live pid in $D_PID after 10 s)"
  started=1
fi

# ---------------------------------------------------------------- wait for the node
# Just after a (re)start sinfo shows unk / idle* for 1-5 s until slurmd registers. A DRAIN survives restarts
# (it is kept in the node state file), so resume it. Client commands block ~9 s when slurmctld is unreachable,
# hence `timeout` and a deadline rather than a fixed number of iterations.
deadline=$(( $(date +%s) + TIMEOUT ))
state=""
last_resume=0
while :; do
  state=$(timeout 10 sinfo -h -n "$HOST" -o %t 2> /dev/null || true)
  state=${state%%$'\n'*}
  case "$state" in
    idle | mix | alloc | comp)
      # slurmctld restores the node's last state from its state file; when we just started slurmd, also wait
      # until that slurmd has registered (SlurmdStartTime is set at registration).
      [ "$d_started" = 0 ] && break
      reg=$(timeout 10 scontrol show node "$HOST" 2> /dev/null | sed -n 's/.*SlurmdStartTime=\([0-9T:-]*\).*/\1/p' || true)
      reg=$(date -d "${reg:-1970-01-01}" +%s 2> /dev/null || echo 0)
      [ "$reg" -ge "$(( d_started - 1 ))" ] && break
      ;;
    drain* | drng | down | fail* | inval)
      # not `down*` / `idle*`: those only mean slurmd has not registered (yet)
      if [ $(( $(date +%s) - last_resume )) -ge 3 ]; then
        log "node $HOST is '$state': scontrol update nodename=$HOST state=resume"
        timeout 10 scontrol update nodename="$HOST" state=resume > /dev/null 2>&1 || true
        last_resume=$(date +%s)
      fi
      ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then
    {
      echo "--- sinfo -R"; timeout 10 sinfo -R 2>&1 || true
      echo "--- scontrol show node $HOST"; timeout 10 scontrol show node "$HOST" 2>&1 || true
    } >&2
    fail "node $HOST is '${state:-<no answer from slurmctld>}', not idle after ${TIMEOUT} s"
  fi
  sleep 0.3
done

version=$(sinfo -V 2> /dev/null || true)
elapsed=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
what=$([ "$started" = 1 ] && echo "started" || echo "already running")
log "OK: ${version:-slurm} cluster hfssjm ${what}; node $HOST $state, CPUs=$CPUS RealMemory=${MEM_MB}M, partition debug; state/logs in $LAB (${elapsed} s)"
