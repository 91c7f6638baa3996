#!/usr/bin/env bash
# Stops what scripts/ci/slurm-up.sh started: slurmd, slurmctld and munged, by their pid files (SIGTERM, bounded
# wait, then SIGKILL). Job records survive in the state dir: the next slurm-up.sh brings the queue back.
#
#   slurm-down.sh              stop the daemons
#   slurm-down.sh --purge      also cancel all jobs first, then delete SLURM_LAB_DIR and /etc/slurm/slurm.conf
#                              (the next slurm-up.sh starts with job id 1 and an empty jobcomp file)
#   slurm-down.sh --uninstall  --purge, then `apt-get purge` the slurm packages. munge and libmunge2 stay installed:
#                              gridengine-* depends on libmunge2, so purging it would take Grid Engine along. The
#                              purge is simulated first and refused if apt would remove anything not named slurm*.
#
# Env: SLURM_LAB_DIR (default /var/lib/hfss-jm-slurm), as for slurm-up.sh.
set -euo pipefail

LAB=${SLURM_LAB_DIR:-/var/lib/hfss-jm-slurm}
CONF_FILE=/etc/slurm/slurm.conf
PURGE=0
UNINSTALL=0
for arg in "$@"; do
  case "$arg" in
    --purge) PURGE=1 ;;
    --uninstall) PURGE=1; UNINSTALL=1 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--purge|--uninstall]" >&2; exit 2 ;;
  esac
done

log() { printf '[slurm-down] %s\n' "$*"; }
fail() { printf '[slurm-down] ERROR: %s\n' "$*" >&2; exit 1; }

pid_alive() {
  local state
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  [ "$(cat "/proc/$1/comm" 2> /dev/null)" = "$2" ] || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2> /dev/null) || return 1
  [ "$state" != Z ] && [ "$state" != X ]
}
pidfile_pid() { [ -r "$1" ] && tr -dc 0-9 < "$1"; }
# stop PIDFILE COMM: SIGTERM, wait up to 20 s on the pid itself (the pid file goes away before the process), KILL.
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
conf_value() {
  if [ -r "$2" ]; then awk -F= -v k="$1" 'tolower($1) == tolower(k) { print $2; exit }' "$2"; fi
}

[ "$(id -u)" = 0 ] || fail "must run as root"

# Pid files as the current slurm.conf names them (SLURM_LAB_DIR may differ from the one slurm-up.sh used).
CTLD_PID=$(conf_value SlurmctldPidFile "$CONF_FILE"); CTLD_PID=${CTLD_PID:-$LAB/run/slurmctld.pid}
D_PID=$(conf_value SlurmdPidFile "$CONF_FILE"); D_PID=${D_PID:-$LAB/run/slurmd.pid}

if [ "$PURGE" = 1 ] && pid_alive "$(pidfile_pid "$CTLD_PID" || true)" slurmctld; then
  # Running jobs would outlive slurmd (slurmstepd keeps going); cancel everything while slurmctld still listens.
  ids=$(timeout 15 squeue -h -o %A 2> /dev/null || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086  # one id per word
    log "cancelling $(echo $ids | wc -w) job(s)"
    # shellcheck disable=SC2086
    timeout 15 scancel $ids 2> /dev/null || true
    for _ in $(seq 50); do
      [ -z "$(timeout 5 squeue -h -o %A -t PD,R,CG,S 2> /dev/null || true)" ] && break
      sleep 0.2
    done
  fi
fi

stop "$D_PID" slurmd
stop "$CTLD_PID" slurmctld
stop /run/munge/munged.pid munged

if [ "$PURGE" = 1 ]; then
  # A SLURM_LAB_DIR other than $LAB that slurm-up.sh used last (its StateSaveLocation is <dir>/state/ctld).
  lab=""
  if grep -qs '^# Written by scripts/ci/slurm-up.sh' "$CONF_FILE"; then
    lab=$(conf_value StateSaveLocation "$CONF_FILE")
    case "$lab" in /?*/state/ctld) lab=${lab%/state/ctld} ;; *) lab="" ;; esac
  fi
  for dir in "$LAB" ${lab:+"$lab"}; do
    case "$dir" in
      / | /etc | /etc/* | /usr | /usr/* | /var | /var/lib | /root | /home | /tmp | "") fail "refusing to delete '$dir'" ;;
    esac
    if [ -d "$dir" ]; then
      log "deleting $dir"
      rm -rf -- "$dir"
    fi
  done
  if grep -qs '^# Written by scripts/ci/slurm-up.sh' "$CONF_FILE"; then
    log "deleting $CONF_FILE"
    rm -f -- "$CONF_FILE"
  fi
fi

if [ "$UNINSTALL" = 1 ]; then
  mapfile -t pkgs < <(dpkg-query -W -f='${db:Status-Status} ${Package}\n' 'slurm*' 2> /dev/null | awk '$1 == "installed" { print $2 }')
  if [ ${#pkgs[@]} -eq 0 ]; then
    log "no slurm packages installed"
  else
    sim=$(apt-get -s purge "${pkgs[@]}")
    extra=$(awk '$1 == "Purg" || $1 == "Remv" { print $2 }' <<< "$sim" | grep -v '^slurm' || true)
    [ -z "$extra" ] || fail "apt-get purge ${pkgs[*]} would also remove: $(echo "$extra" | tr '\n' ' ')- refusing"
    log "apt-get purge ${pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "${pkgs[@]}" > /dev/null
  fi
fi
log "done"
