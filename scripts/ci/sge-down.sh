#!/usr/bin/env bash
# Stops what scripts/ci/sge-up.sh started: sge_execd and sge_qmaster, by their pid files (SIGTERM, bounded wait,
# then SIGKILL). Configuration, queued jobs and the accounting file stay; the next sge-up.sh brings them back.
#
#   sge-down.sh           stop the daemons
#   sge-down.sh --purge   delete all jobs first, stop the daemons, then `apt-get purge` gridengine-master/-exec/
#                         -client/-common and delete /var/lib/gridengine and /var/spool/gridengine.
#                         (Grid Engine's state - cluster configuration, spool database, accounting - is created by
#                         the master package's postinst, so "delete the state" means "uninstall".) The purge is
#                         simulated first and refused if apt would remove anything not named gridengine-*.
#                         --uninstall is accepted as a synonym.
set -euo pipefail

SPOOL=/var/spool/gridengine
QMASTER_PIDFILE=$SPOOL/qmaster/qmaster.pid
EXECD_PIDFILE=/var/run/gridengine/execd.pid
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
PURGE=0
for arg in "$@"; do
  case "$arg" in
    --purge | --uninstall) PURGE=1 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
  esac
done

log() { printf '[sge-down] %s\n' "$*"; }
fail() { printf '[sge-down] ERROR: %s\n' "$*" >&2; exit 1; }
pid_alive() {
  local state
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  [ "$(cat "/proc/$1/comm" 2> /dev/null)" = "$2" ] || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null) || return 1
  [ "$state" != Z ] && [ "$state" != X ]
}
pidfile_pid() { [ -r "$1" ] && tr -dc 0-9 < "$1"; }
stop() {
  local pid
  pid=$(pidfile_pid "$1" || true)
  if ! pid_alive "$pid" "$2"; then
    log "$2 not running"
    return 0
  fi
  log "stopping $2 (pid $pid)"
  kill "$pid" 2> /dev/null || true
  for _ in $(seq 100); do pid_alive "$pid" "$2" || return 0; sleep 0.2; done
  log "$2 (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
  kill -9 "$pid" 2> /dev/null || true
  for _ in $(seq 25); do pid_alive "$pid" "$2" || return 0; sleep 0.2; done
  fail "could not stop $2 (pid $pid)"
}

[ "$(id -u)" = 0 ] || fail "must run as root"

if [ "$PURGE" = 1 ] && pid_alive "$(pidfile_pid "$QMASTER_PIDFILE" || true)" sge_qmaster \
  && pid_alive "$(pidfile_pid "$EXECD_PIDFILE" || true)" sge_execd; then
  # Running jobs outlive sge_execd (sge_shepherd keeps going): delete them while both daemons still run.
  if [ -n "$(timeout 10 qstat -u '*' 2> /dev/null || true)" ]; then
    log "deleting all jobs"
    timeout 15 qdel -f -u '*' > /dev/null 2>&1 || true
    for _ in $(seq 50); do
      [ -z "$(timeout 10 qstat -u '*' 2> /dev/null || true)" ] && break
      sleep 0.2
    done
  fi
fi

stop "$EXECD_PIDFILE" sge_execd
stop "$QMASTER_PIDFILE" sge_qmaster

if [ "$PURGE" = 1 ]; then
  mapfile -t pkgs < <(dpkg-query -W -f='${db:Status-Status} ${Package}\n' 'gridengine-*' 2> /dev/null | awk '$1 == "installed" || $1 == "config-files" { print $2 }')
  if [ ${#pkgs[@]} -gt 0 ]; then
    sim=$(apt-get -s purge "${pkgs[@]}")
    extra=$(awk '$1 == "Purg" || $1 == "Remv" { print $2 }' <<< "$sim" | grep -v '^gridengine-' || true)
    [ -z "$extra" ] || fail "apt-get purge ${pkgs[*]} would also remove: $(echo "$extra" | tr '\n' ' ')- refusing"
    log "apt-get purge ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${pkgs[@]}" > /dev/null
  fi
  for dir in /var/lib/gridengine "$SPOOL" /var/run/gridengine; do
    if [ -e "$dir" ]; then
      log "deleting $dir"
      rm -rf -- "$dir"
    fi
  done
fi
log "done"
