#!/usr/bin/env bash
# Brings up a real single-node SLURM cluster (munge + slurmctld + slurmd, Debian's slurm-wlm 22.05) as root
# without systemd, for the job manager's tests. Idempotent: re-running only checks the daemons and the node.
# Facts and pitfalls: shared/notes/slurm-and-gridengine-on-debian.md (cgroups break jobs silently here, so
# proctrack/linuxproc + task/none; MailProg=/bin/true; batch_sched_delay=0; jobcomp/filetxt for `sacct -c`).
#   SLURM_LAB_DIR   state, logs, pid files   (default /var/lib/hfss-jm-slurm)
#   SLURM_LAB_CPUS  CPUs advertised          (default 4: more concurrent test jobs than the 2 real cores;
#                                             slurmd accepts it with SlurmdParameters=config_overrides)
set -euo pipefail
LAB=${SLURM_LAB_DIR:-/var/lib/hfss-jm-slurm}
CPUS=${SLURM_LAB_CPUS:-4}
HOST=$(hostname -s)

log() { printf '[slurm-up] %s\n' "$*"; }
fail() {
  printf '[slurm-up] ERROR: %s\n' "$*" >&2
  for f in "$LAB/log/slurmctld.log" "$LAB/log/slurmd.log"; do [ -f "$f" ] && { echo "--- tail $f" >&2; tail -n 20 "$f" >&2; }; done
  exit 1
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge >/dev/null
fi

install -d "$LAB"/{state/ctld,state/d,log,run,jobs}
chmod 1777 "$LAB/jobs"

# munge: its own user, /run/munge made by hand (no systemd RuntimeDirectory), key owned by munge.
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
fi
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
if ! alive /run/munge/munged.pid; then
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged
fi
for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
munge -n | unmunge >/dev/null || fail "munge does not work"

TOPOLOGY=$(slurmd -C | head -n1 | grep -o 'Boards=[0-9]* SocketsPerBoard=[0-9]* CoresPerSocket=[0-9]* ThreadsPerCore=[0-9]*' || true)
MEM_MB=$(awk '/MemTotal/ { m = int($2 / 1024 * 0.9); print m - m % 512 }' /proc/meminfo)
CONF=$(cat <<CONF
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
NodeName=${HOST} NodeAddr=127.0.0.1 CPUs=${CPUS} ${TOPOLOGY:+$(echo "$TOPOLOGY" | sed "s/CoresPerSocket=[0-9]*/CoresPerSocket=${CPUS}/; s/SocketsPerBoard=[0-9]*/SocketsPerBoard=1/; s/ThreadsPerCore=[0-9]*/ThreadsPerCore=1/")} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
)
install -d /etc/slurm
changed=0
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$CONF" ]; then
  printf '%s\n' "$CONF" > /etc/slurm/slurm.conf
  changed=1
fi

stop() { alive "$1" && kill "$(cat "$1")" && for _ in $(seq 50); do alive "$1" || break; sleep 0.1; done; true; }
if [ "$changed" = 1 ]; then
  log "slurm.conf written; (re)starting daemons"
  stop "$LAB/run/slurmd.pid"
  stop "$LAB/run/slurmctld.pid"
fi
alive "$LAB/run/slurmctld.pid" || { log "starting slurmctld"; slurmctld || fail "slurmctld did not start"; }
alive "$LAB/run/slurmd.pid" || { log "starting slurmd"; slurmd || fail "slurmd did not start"; }

state=""
for _ in $(seq 120); do
  state=$(sinfo -h -n "$HOST" -o %t 2>/dev/null | head -n1 || true)
  case "$state" in
    idle|mix|alloc) break ;;
    drain*|drng|down*) scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
case "$state" in idle|mix|alloc) ;; *) fail "node $HOST is '$state', not idle after 60 s" ;; esac
log "SLURM up: node $HOST $state, $CPUS CPUs, partition debug, state in $LAB"
