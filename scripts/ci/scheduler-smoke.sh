#!/usr/bin/env bash
# End-to-end smoke test of the clusters brought up by scripts/ci/slurm-up.sh and scripts/ci/sge-up.sh, with the
# commands the job manager uses. Prints each command's real output and one PASS/FAIL line per check; exits 1 if
# any check fails (or a cluster is down), 0 otherwise. Takes about 10-15 s per scheduler.
#
#   SLURM: sbatch --parsable (exit 3, exit 0, sleep), squeue -h -t all -j a,b,c, scontrol show job -o (ExitCode),
#          scancel of a running job, sacct -c -X -n -P -j a,b,c (jobcomp/filetxt, no slurmdbd)
#   SGE:   qsub -terse (exit 3, exit 0, sleep), qstat -u '*' / qstat -j, qdel of a running job, qacct -j per job,
#          one batched read of the accounting file, qsub -sync y -pe smp 2
#
# Usage: scripts/ci/scheduler-smoke.sh [--slurm-only|--sge-only]
# Env:   SLURM_LAB_DIR (default /var/lib/hfss-jm-slurm, its jobs/ dir holds the test scripts and outputs)
#        SMOKE_TIMEOUT seconds per wait (default 60)
set -euo pipefail

LAB=${SLURM_LAB_DIR:-/var/lib/hfss-jm-slurm}
TIMEOUT=${SMOKE_TIMEOUT:-60}
export SGE_ROOT=${SGE_ROOT:-/var/lib/gridengine} SGE_CELL=${SGE_CELL:-default}
DO_SLURM=1
DO_SGE=1
case "${1:-}" in
  --slurm-only) DO_SGE=0 ;;
  --sge-only) DO_SLURM=0 ;;
  "") ;;
  *) echo "usage: $0 [--slurm-only|--sge-only]" >&2; exit 2 ;;
esac

PASSED=0
FAILED=0
pass() { PASSED=$(( PASSED + 1 )); printf 'PASS  %s\n' "$*"; }
failc() { FAILED=$(( FAILED + 1 )); printf 'FAIL  %s\n' "$*"; }
# check DESCRIPTION ACTUAL EXPECTED
check() { if [ "$2" = "$3" ]; then pass "$1: $2"; else failc "$1: got '$2', expected '$3'"; fi; }
# show CMD...: print "$ CMD" and its output (stdout+stderr, indented) and rc; never fails.
show() {
  local out rc=0
  out=$("$@" 2>&1) || rc=$?
  local a cmd=""
  for a in "$@"; do
    if [[ "$a" =~ ^[A-Za-z0-9_./,:%=+-]+$ ]]; then cmd+=" $a"; else cmd+=" '$a'"; fi
  done
  printf '  $%s\n' "$cmd"
  [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/    /'
  printf '    (rc=%s)\n' "$rc"
}
now() { date +%s; }
is_id() { [[ "$1" =~ ^[0-9]+$ ]]; }
# check_id DESCRIPTION OUTPUT: PASS when a submit command printed a bare job id.
check_id() { if is_id "$2"; then pass "$1 -> '$2'"; else failc "$1 -> '$2'"; fi; }
ts() { date +%T.%3N; }

WORK=""
if [ -d "$LAB/jobs" ]; then WORK=$(mktemp -d "$LAB/jobs/smoke.XXXXXX"); else WORK=$(mktemp -d /tmp/smoke.XXXXXX); fi
chmod 0755 "$WORK"
cat > "$WORK/exit3.sh" << 'EOF'
#!/bin/bash
echo "exit3 job running on $(hostname) as $(id -un)"
exit 3
EOF
cat > "$WORK/ok.sh" << 'EOF'
#!/bin/bash
echo "ok job"
EOF
cat > "$WORK/sleep.sh" << 'EOF'
#!/bin/bash
echo "sleeping"
sleep 300
EOF
chmod 0755 "$WORK"/*.sh
echo "scripts and outputs in $WORK"

# ==================================================================================================== SLURM
slurm_state() { # slurm_state ID -> JobState from squeue (empty once purged)
  local s
  s=$(timeout 10 squeue -h -t all -j "$1" -o %T 2> /dev/null || true)
  printf '%s' "${s%%$'\n'*}"
}
# slurm_wait ID REGEX: poll squeue -t all until the state matches REGEX; prints the state.
slurm_wait() {
  local deadline s=""
  deadline=$(( $(now) + TIMEOUT ))
  while [ "$(now)" -lt "$deadline" ]; do
    s=$(slurm_state "$1")
    if [[ "$s" =~ ^($2)$ ]]; then printf '%s' "$s"; return 0; fi
    sleep 0.2
  done
  printf '%s' "${s:-<none>} (timeout)"
}
scontrol_field() { # scontrol_field ID KEY
  local line
  line=$(timeout 10 scontrol show job -o "$1" 2> /dev/null || true)
  tr ' ' '\n' <<< "$line" | sed -n "s/^$2=//p" | head -n1
}

smoke_slurm() {
  echo
  echo "==== SLURM"
  local st
  st=$(timeout 10 sinfo -h -o %t 2>&1 || true)
  if ! [[ "${st%%$'\n'*}" =~ ^(idle|mix|alloc|comp)$ ]]; then
    failc "SLURM is not up (sinfo -h -o %t: '${st}'); run scripts/ci/slurm-up.sh"
    return 0
  fi
  pass "sinfo -h -o %t: $st"
  show sinfo

  local id3 id0 idc out
  out=$(cd "$WORK" && sbatch --parsable -J smoke-exit3 -o "$WORK/slurm-%j.out" "$WORK/exit3.sh" 2>&1) || true
  id3=$out
  if is_id "$id3"; then pass "sbatch --parsable exit3.sh -> '$id3'"; else failc "sbatch --parsable exit3.sh -> '$out'"; return 0; fi
  id0=$(cd "$WORK" && sbatch --parsable -J smoke-ok -o "$WORK/slurm-%j.out" "$WORK/ok.sh" 2>&1) || true
  check_id "sbatch --parsable ok.sh" "$id0"
  idc=$(cd "$WORK" && sbatch --parsable -J smoke-sleep -o "$WORK/slurm-%j.out" "$WORK/sleep.sh" 2>&1) || true
  check_id "sbatch --parsable sleep.sh" "$idc"
  echo "  $(ts) submitted $id3 $id0 $idc"
  show squeue -h -t all -j "$id3,$id0,$idc" -o '%i|%j|%T|%r'

  st=$(slurm_wait "$id3" 'FAILED|COMPLETED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED')
  echo "  $(ts) $id3 finished"
  check "squeue -t all: job $id3 (exit 3) state" "$st" FAILED
  check "scontrol show job $id3: ExitCode" "$(scontrol_field "$id3" ExitCode)" "3:0"
  check "scontrol show job $id3: Reason" "$(scontrol_field "$id3" Reason)" NonZeroExitCode
  is_id "$id0" && check "squeue -t all: job $id0 (exit 0) state" "$(slurm_wait "$id0" 'COMPLETED|FAILED|CANCELLED|TIMEOUT')" COMPLETED

  if is_id "$idc"; then
    check "squeue -t all: job $idc (sleep 300) state" "$(slurm_wait "$idc" 'RUNNING|COMPLETED|FAILED|CANCELLED')" RUNNING
    show squeue -h -t all -j "$id3,$id0,$idc" -o '%i|%j|%T|%r'
    show scancel "$idc"
    echo "  $(ts) cancelled $idc"
    check "squeue -t all: job $idc after scancel" "$(slurm_wait "$idc" 'CANCELLED|COMPLETED|FAILED')" CANCELLED
    check "scontrol show job $idc: ExitCode" "$(scontrol_field "$idc" ExitCode)" "0:15"
  fi
  show squeue -h -t all -j "$id3,$id0,$idc" -o '%i|%j|%T|%r'
  show scontrol show job -o "$id3"

  # sacct -c reads the jobcomp/filetxt file; a line appears when the job completes. Allow a few seconds.
  local want=3 rows="" deadline
  deadline=$(( $(now) + 15 ))
  while [ "$(now)" -lt "$deadline" ]; do
    rows=$(timeout 10 sacct -c -X -n -P -j "$id3,$id0,$idc" -o JobID,State,ExitCode 2> /dev/null || true)
    [ "$(grep -c . <<< "$rows" || true)" -ge "$want" ] && break
    sleep 0.3
  done
  show sacct -c -X -n -P -j "$id3,$id0,$idc" -o JobID,State,ExitCode
  row() { awk -F'|' -v id="$1" '$1 == id { print $2 "|" $3; exit }' <<< "$rows"; }
  check "sacct -c job $id3" "$(row "$id3")" "FAILED|3:0"
  is_id "$id0" && check "sacct -c job $id0" "$(row "$id0")" "COMPLETED|0:0"
  is_id "$idc" && check "sacct -c job $idc (cancelled; jobcomp has no signal)" "$(row "$idc")" "CANCELLED|0:0"
  show sacct -c -n -P -j "$id3" -o JobID,JobName,State,ExitCode,Start,End,Elapsed
  show cat "$WORK/slurm-$id3.out"
  show squeue -h -t all -j 999999 -o '%i|%T'
  show sacct -c -X -n -P -j 999999 -o JobID,State,ExitCode
}

# ==================================================================================================== SGE
# sge_gone ID: qstat -j ID fails ("Following jobs do not exist") once the job has left the queue.
sge_gone() { ! timeout 10 qstat -j "$1" > /dev/null 2>&1; }
sge_wait_gone() {
  local deadline
  deadline=$(( $(now) + TIMEOUT ))
  while [ "$(now)" -lt "$deadline" ]; do sge_gone "$1" && return 0; sleep 0.2; done
  return 1
}
sge_state() { # state column of `qstat -u '*'` for ID (empty when not listed)
  timeout 10 qstat -u '*' 2> /dev/null | awk -v id="$1" '$1 == id { print $5; exit }' || true
}
sge_wait_state() {
  local deadline s=""
  deadline=$(( $(now) + TIMEOUT ))
  while [ "$(now)" -lt "$deadline" ]; do
    s=$(sge_state "$1")
    [ "$s" = "$2" ] && { printf '%s' "$s"; return 0; }
    sleep 0.2
  done
  printf '%s' "${s:-<none>} (timeout)"
}
# qacct_field ID KEY: waits (bounded) until qacct knows the job, prints the value of KEY.
qacct_field() {
  local deadline out=""
  deadline=$(( $(now) + 15 ))
  while [ "$(now)" -lt "$deadline" ]; do
    if out=$(timeout 10 qacct -j "$1" 2> /dev/null); then
      awk -v k="$2" '$1 == k { $1 = ""; sub(/^ +/, ""); sub(/ +$/, ""); print; exit }' <<< "$out"
      return 0
    fi
    sleep 0.3
  done
  printf '<no qacct record>'
}

smoke_sge() {
  echo
  echo "==== Grid Engine"
  local q
  q=$(timeout 10 qstat -f 2>&1 || true)
  if ! awk '$1 ~ /^all\.q@/ && NF == 5 { f = 1 } END { exit !f }' <<< "$q"; then
    failc "Grid Engine is not up (no usable all.q instance in qstat -f); run scripts/ci/sge-up.sh"
    printf '%s\n' "$q" | sed 's/^/    /'
    return 0
  fi
  pass "qstat -f: all.q instance without error/alarm states"
  show qstat -f

  local id3 id0 idc
  id3=$(cd "$WORK" && qsub -terse -N smoke-exit3 -wd "$WORK" -j y -o "$WORK/sge.\$JOB_ID.out" "$WORK/exit3.sh" 2>&1) || true
  if is_id "$id3"; then pass "qsub -terse exit3.sh -> '$id3'"; else failc "qsub -terse exit3.sh -> '$id3'"; return 0; fi
  id0=$(cd "$WORK" && qsub -terse -N smoke-ok -wd "$WORK" -j y -o "$WORK/sge.\$JOB_ID.out" "$WORK/ok.sh" 2>&1) || true
  check_id "qsub -terse ok.sh" "$id0"
  idc=$(cd "$WORK" && qsub -terse -N smoke-sleep -wd "$WORK" -j y -o "$WORK/sge.\$JOB_ID.out" "$WORK/sleep.sh" 2>&1) || true
  check_id "qsub -terse sleep.sh" "$idc"
  echo "  $(ts) submitted $id3 $id0 $idc"
  show qstat -u '*'

  if sge_wait_gone "$id3"; then pass "qstat -j $id3: gone from the queue (finished)"; else failc "job $id3 still in qstat after ${TIMEOUT} s"; fi
  echo "  $(ts) $id3 left qstat"
  show qstat -j "$id3"
  check "qacct -j $id3: failed" "$(qacct_field "$id3" failed)" "0"
  check "qacct -j $id3: exit_status" "$(qacct_field "$id3" exit_status)" "3"
  if is_id "$id0"; then
    sge_wait_gone "$id0" || true
    check "qacct -j $id0: exit_status" "$(qacct_field "$id0" exit_status)" "0"
  fi

  if is_id "$idc"; then
    check "qstat -u '*': job $idc (sleep 300) state" "$(sge_wait_state "$idc" r)" r
    show qstat -u '*'
    show qstat -s z -u '*'
    show qdel "$idc"
    echo "  $(ts) qdel $idc"
    if sge_wait_gone "$idc"; then pass "qdel $idc: job left the queue"; else failc "job $idc still in qstat ${TIMEOUT} s after qdel"; fi
    check "qacct -j $idc: failed" "$(qacct_field "$idc" failed)" "100 : assumedly after job"
    check "qacct -j $idc: exit_status" "$(qacct_field "$idc" exit_status)" "137 (Killed)"
  fi
  show qacct -j "$id3"

  # Batched: one read of the accounting file for several ids (qacct takes one job id or name pattern per call;
  # `qacct -j 1,2` silently reports only job 1). Fields: 6 job_number, 12 failed, 13 exit_status.
  local acct="$SGE_ROOT/$SGE_CELL/common/accounting" rows
  rows=$(awk -F: -v ids="$id3,$id0,$idc" 'BEGIN { n = split(ids, a, ","); for (i = 1; i <= n; i++) want[a[i]] = 1 }
    !/^#/ && ($6 in want) { print $6 "|" $12 "|" $13 }' "$acct")
  printf '  $ awk -F: ... %s   (job_number|failed|exit_status)\n%s\n' "$acct" "$(awk '{ print "    " $0 }' <<< "$rows")"
  check "accounting file, batched: job $id3" "$(awk -F'|' -v id="$id3" '$1 == id { print $2 "|" $3 }' <<< "$rows")" "0|3"
  is_id "$idc" && check "accounting file, batched: job $idc" "$(awk -F'|' -v id="$idc" '$1 == id { print $2 "|" $3 }' <<< "$rows")" "100|137"

  local out rc=0
  out=$(cd "$WORK" && timeout "$TIMEOUT" qsub -terse -sync y -pe smp 2 -b y -j y -o /dev/null /bin/true 2>&1) || rc=$?
  check "qsub -sync y -pe smp 2 /bin/true: rc (output '${out//$'\n'/ }')" "$rc" 0
  show cat "$WORK/sge.$id3.out"
  show qstat -j 999999
  show qacct -j 999999
}

[ "$DO_SLURM" = 0 ] || smoke_slurm
[ "$DO_SGE" = 0 ] || smoke_sge
echo
echo "==== $PASSED passed, $FAILED failed"
if [ "$FAILED" = 0 ]; then
  rm -rf -- "$WORK"   # kept for inspection when something failed
else
  echo "job scripts and outputs kept in $WORK"
  exit 1
fi
