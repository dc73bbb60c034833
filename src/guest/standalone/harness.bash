# ---- vmunit standalone harnesses (src/guest/standalone/harness.bash), appended by the generator after
# runtime.bash for tests in the `migration` or `panic` group.
# ---- run_migration and run_panic (kvm-unit-tests' scripts/arch-run.bash) without ncat: every QEMU gets its
# QMP monitor on a pair of FIFOs (`-chardev pipe`), which bash can talk to. The FIFOs are opened read-write
# here so that no open blocks and no reader sees EOF while a QEMU starts or ends.

# One QMP command to QEMU number $1: prints the reply line; status 1 when QEMU is gone or silent for 30 s.
vmunit_qmp() {
  local line tries=0
  kill -0 "${vmunit_vm_pid[$1]}" 2>/dev/null || return 1
  echo "$2" >&"${vmunit_vm_qin[$1]}" || return 1
  while true; do
    if read -r -t 1 -u "${vmunit_vm_qout[$1]}" line; then
      case $line in *'"return"'* | *'"error"'*) echo "$line" && return 0 ;; esac
    elif ! kill -0 "${vmunit_vm_pid[$1]}" 2>/dev/null || ((++tries >= 30)); then
      return 1
    fi
  done
}

vmunit_quiet_filter() {
  grep --line-buffered -v -e 'Now migrate the VM (quiet)' -e 'Begin continuous migration (quiet)' \
    -e 'End continuous migration (quiet)' -e 'Skipped VM migration (quiet)'
}

# Starts a QEMU of the migration (extra arguments in "$@"); its number is left in vmunit_vm.
vmunit_mig_start() {
  local n=${#vmunit_vm_pid[@]} dir=$vmunit_tmpdir/mig fd_in fd_qin fd_qout
  mkfifo "$dir/in$n" "$dir/qmp$n.in" "$dir/qmp$n.out" || return 2
  exec {fd_in}<>"$dir/in$n" {fd_qin}<>"$dir/qmp$n.in" {fd_qout}<>"$dir/qmp$n.out"
  : >"$dir/out$n"
  "${vmunit_migcmd[@]}" -chardev "pipe,id=mon,path=$dir/qmp$n" -mon chardev=mon,mode=control "$@" \
    <&"$fd_in" > >(tee -a "$dir/out$n" | vmunit_quiet_filter) &
  vmunit_vm_pid[n]=$!
  vmunit_vm_in[n]=$fd_in
  vmunit_vm_qin[n]=$fd_qin
  vmunit_vm_qout[n]=$fd_qout
  vmunit_vm_out[n]=$dir/out$n
  vmunit_vm=$n
  vmunit_qmp "$n" '{ "execute": "qmp_capabilities" }' >/dev/null
  return 0
}

vmunit_key() { echo >&"${vmunit_vm_in[$1]}"; }

# Has QEMU $1 asked to be migrated (or said it skips)?
vmunit_mig_asked() {
  local -a marks=(-e "Now migrate the VM" -e "Begin continuous migration")
  [ "$vmunit_mig_skip" -eq 0 ] && marks+=(-e "Skipped VM migration")
  grep -q "${marks[@]}" "${vmunit_vm_out[$1]}"
}

# run_migration's error exits: key press and quit to the destination, the message, quit to the source.
vmunit_mig_fail() {
  vmunit_key "$vmunit_dst"
  vmunit_qmp "$vmunit_dst" '{ "execute": "quit" }' >/dev/null
  echo "ERROR: $2" >&2
  [ "$3" = keep-source ] || vmunit_qmp "$vmunit_src" '{ "execute": "quit" }' >/dev/null
  return "$1"
}

# One do_migration: a destination, the guest's request, `migrate`, `query-migrate` until completed.
vmunit_do_migration() {
  local src=$vmunit_src state ret
  vmunit_mig_start -incoming "unix:$vmunit_incoming" || return 2
  vmunit_dst=$vmunit_vm
  while [ "$vmunit_mig_cont" -eq 0 ] && ! vmunit_mig_asked "$src"; do
    kill -0 "${vmunit_vm_pid[$src]}" 2>/dev/null || { vmunit_mig_fail 3 "Test exit before migration point."; return 3; }
    sleep 0.1
  done
  if grep -q "Begin continuous migration" "${vmunit_vm_out[$src]}"; then
    [ "$vmunit_mig_cont" -eq 1 ] && { vmunit_mig_fail 3 "Continuous migration already begun."; return 3; }
    vmunit_mig_cont=1
    vmunit_key "$src"
  fi
  while [ ! -S "$vmunit_incoming" ]; do
    kill -0 "${vmunit_vm_pid[$vmunit_dst]}" 2>/dev/null || { vmunit_mig_fail 2 "Migration failed."; return 2; }
    sleep 0.1
  done
  if [ "$vmunit_mig_skip" -eq 0 ] && grep -q "Skipped VM migration" "${vmunit_vm_out[$src]}"; then
    [ "$vmunit_mig_cont" -eq 1 ] && { vmunit_mig_fail 3 "Can't skip in continuous migration."; return 3; }
    vmunit_key "$vmunit_dst"
    vmunit_qmp "$vmunit_dst" '{ "execute": "quit" }' >/dev/null
    vmunit_key "$src"
    vmunit_mig_skip=1
    return 0
  fi
  vmunit_qmp "$src" "{ \"execute\": \"migrate\", \"arguments\": { \"uri\": \"unix:$vmunit_incoming\" } }" >/dev/null
  while true; do
    state=$(vmunit_qmp "$src" '{ "execute": "query-migrate" }') ||
      { vmunit_mig_fail 2 "Querying migration state failed." keep-source; return 2; }
    case $state in
    *'"completed"'*) break ;;
    *'"failed"'*) vmunit_mig_fail 2 "Migration failed."; return 2 ;;
    esac
    sleep 0.1
  done
  vmunit_qmp "$src" '{ "execute": "quit" }' >/dev/null
  if grep -q "End continuous migration" "${vmunit_vm_out[$src]}"; then
    [ "$vmunit_mig_cont" -eq 0 ] && { vmunit_mig_fail 3 "Can't end continuous migration when not started."; return 3; }
    vmunit_mig_cont=0
    vmunit_key "$src"
  fi
  [ "$vmunit_mig_cont" -eq 0 ] && vmunit_key "$vmunit_dst"
  while [ -S "$vmunit_incoming" ]; do sleep 0.1; done
  wait "${vmunit_vm_pid[$src]}"
  ret=$?
  vmunit_src=$vmunit_dst
  return "$ret"
}

# run_migration: the test's QEMU command in "$@"; returns the status of the last QEMU.
vmunit_run_migration() {
  local ret
  vmunit_migcmd=("$@")
  vmunit_vm_pid=() vmunit_vm_in=() vmunit_vm_qin=() vmunit_vm_qout=() vmunit_vm_out=()
  vmunit_mig_skip=0 vmunit_mig_cont=0
  vmunit_incoming=$vmunit_tmpdir/mig/incoming
  mkdir -p "$vmunit_tmpdir/mig" || return 2
  trap 'trap - TERM; kill 0; exit 2' INT TERM
  vmunit_mig_start || return 2
  vmunit_src=$vmunit_vm
  vmunit_do_migration || return $?
  while kill -0 "${vmunit_vm_pid[$vmunit_src]}" 2>/dev/null; do
    local out=${vmunit_vm_out[$vmunit_src]}
    if [ "$vmunit_mig_cont" -eq 1 ]; then
      vmunit_do_migration || return $?
    elif ! vmunit_mig_asked "$vmunit_src"; then
      sleep 0.1
    elif grep -q -e "Begin continuous migration" -e "Now migrate the VM" "$out"; then
      vmunit_do_migration || return $?
    elif [ "$vmunit_mig_skip" -eq 0 ] && grep -q "Skipped VM migration" "$out"; then
      vmunit_key "$vmunit_src"
      break
    fi
  done
  wait "${vmunit_vm_pid[$vmunit_src]}"
  ret=$?
  while (($(jobs -r | wc -l) > 0)); do sleep 0.1; done
  return "$ret"
}

# run_panic: QEMU starts paused (-S) so no event is missed, `cont`, then GUEST_PANICKED passes (status 1,
# which the fix-up turns into 0) and QEMU ending without it fails (3).
vmunit_run_panic() {
  local dir=$vmunit_tmpdir/panic pid line ret=3 fd_qin fd_qout
  mkdir -p "$dir" && mkfifo "$dir/qmp.in" "$dir/qmp.out" || return 2
  exec {fd_qin}<>"$dir/qmp.in" {fd_qout}<>"$dir/qmp.out"
  trap 'trap - TERM; kill 0; exit 2' INT TERM
  "$@" -chardev "pipe,id=mon,path=$dir/qmp" -mon chardev=mon,mode=control -S &
  pid=$!
  echo '{ "execute": "qmp_capabilities" }{ "execute": "cont" }' >&"$fd_qin"
  while true; do
    if read -r -t 1 -u "$fd_qout" line; then
      [[ $line =~ \"event\"[[:blank:]]*:[[:blank:]]*\"GUEST_PANICKED\" ]] && ret=1 && break
    elif ! kill -0 "$pid" 2>/dev/null; then
      # QEMU ended: what it wrote before is still in the FIFO.
      while read -r -t 0.2 -u "$fd_qout" line; do
        [[ $line =~ \"event\"[[:blank:]]*:[[:blank:]]*\"GUEST_PANICKED\" ]] && ret=1 && break
      done
      break
    fi
  done
  if [ "$ret" -eq 1 ]; then echo "PASS: guest panicked"; else echo "FAIL: guest did not panic"; fi
  # A guest kept alive after its panic (-action panic=pause) is not left behind.
  kill -0 "$pid" 2>/dev/null && echo '{ "execute": "quit" }' >&"$fd_qin"
  wait "$pid"
  return "$ret"
}
