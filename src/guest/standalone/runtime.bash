# ---- vmunit standalone runtime (src/guest/standalone/runtime.bash, appended verbatim by the generator) ----
# Reproduces kvm-unit-tests' run() + <arch>/run decisions for ONE test, in plain bash: skip checks, the
# premature-failure probe, accelerator and QEMU selection, the environ file, timeout(1), the exit-status
# fix-up and the coloured result line. Everything test-specific comes from the vmunit_* settings above.
# Shell expansion happens ONLY where kvm-unit-tests does it: smp, test_args and qemu_params are expanded
# (eval) when the QEMU command is built, disabled_if is evaluated as a condition, check is word-split.

vmunit_print_result() {
  # kvm-unit-tests' print_result: "STATUS name summary" or "STATUS name (reason)", STATUS coloured.
  local color
  case "$1" in PASS) color=32 ;; SKIP) color=33 ;; *) color=31 ;; esac
  if [ -z "$4" ]; then
    printf '\e[%sm%s\e[0m %s %s\n' "$color" "$1" "$2" "$3"
  else
    printf '\e[%sm%s\e[0m %s (%s)\n' "$color" "$1" "$2" "$4"
  fi
}

vmunit_has_word() { [[ " $2 " == *" $1 "* ]]; }

vmunit_host() {
  local m
  m=$(uname -m)
  case "$m" in
  i?86) echo i386 ;;
  arm*) echo arm ;;
  ppc64*) echo ppc64 ;;
  *) echo "$m" ;;
  esac
}

# Sets vmunit_run_accel / vmunit_run_props from $1 (ACCEL, maybe with ",props"); status 2 when impossible.
vmunit_set_accel() {
  local host kvm=no
  host=$(vmunit_host)
  vmunit_run_props=${1#"${1%%,*}"}
  vmunit_run_accel=${1%%,*}
  if [ -c /dev/kvm ] && vmunit_has_word "$host" "$vmunit_kvm_hosts"; then kvm=yes; fi
  vmunit_kvm_variant="kvm:$host"
  case "$vmunit_run_accel" in
  kvm)
    if [ "$kvm" != yes ]; then
      echo "KVM is needed, but not available on this host" >&2
      return 2
    fi
    ;;
  '') if [ "$kvm" = yes ]; then vmunit_run_accel=kvm; else vmunit_run_accel=tcg; fi ;;
  tcg) ;;
  *)
    echo "vmunit standalone: ACCEL=$vmunit_run_accel is not supported by this script (kvm or tcg)" >&2
    return 2
    ;;
  esac
}

# Prints the first QEMU binary whose --help says QEMU (QEMU= overrides the candidate list).
vmunit_search_qemu() {
  local arch=$vmunit_qemu_arch candidate path
  if [ "$vmunit_run_accel" = kvm ] && [ "$vmunit_kvm_uses_host_qemu" = yes ]; then arch=$(vmunit_host); fi
  for candidate in ${QEMU:-qemu-system-$arch qemu-kvm}; do
    path=$(PATH="$PATH:/usr/libexec" command -v "$candidate") || continue
    if "$path" --help 2>/dev/null | grep -q QEMU; then
      echo "$path"
      return 0
    fi
  done
  echo "A QEMU binary was not found." >&2
  echo "You can set a custom location by using the QEMU=<path> environment variable." >&2
  return 2
}

# Splits a kernel release into vmunit_ver=(version patchlevel sublevel extraversion): `V.P.S-X…`, with
# the numeric prefixes of S and X ('' when there are none), as kvm-unit-tests reads `uname -r`.
vmunit_split_version() {
  local v p rest s x
  IFS=. read -r v p rest <<<"$1"
  IFS=- read -r s x <<<"$rest"
  vmunit_ver=("$v" "$p" "${s%%[!0-9]*}" "${x%%[!0-9]*}")
}

# Does host kernel ($1..$4) have a fix from kernel ($5..$8)? Missing sublevel/extraversion parts count as
# equal unless the minimum's part is non-zero (the rule of kvm-unit-tests' errata.txt check).
vmunit_has_fix() {
  local hv=$((10#$1)) hp=$((10#$2)) hs=$3 hx=$4 v=$((10#$5)) p=$((10#$6)) s=$7 x=$8
  ((hv > v || (hv == v && hp > p))) && return 0
  ((hv != v || hp != p)) && return 1
  if [ -n "$hs" ] && [ -n "$s" ]; then
    ((10#$hs > 10#$s)) && return 0
    ((10#$hs < 10#$s)) && return 1
    if [ -n "$hx" ] && [ -n "$x" ]; then
      ((10#$hx >= 10#$x))
      return
    fi
    [ -z "$x" ] || ((10#$x == 0))
    return
  fi
  [ -z "$s" ] || ((10#$s == 0))
}

# Fills the file $1 with the guest's environ (kvm-unit-tests' initrd_create): QEMU and host kernel
# versions, the user's KVM_UNIT_TESTS_ENV lines, and ERRATA_* decisions.
vmunit_write_environ() {
  local file=$1 qemu=$2 line major minor micro
  local -a host
  line=$("$qemu" -h | head -1)
  IFS=' .' read -r _ _ _ major minor micro _ <<<"$line"
  vmunit_split_version "$(uname -r)"
  host=("${vmunit_ver[@]}")
  {
    echo "TARGET=$TARGET"
    echo "QEMU_ACCEL=$vmunit_run_accel"
    echo "QEMU_VERSION_STRING=$line"
    echo "QEMU_MAJOR=$major"
    echo "QEMU_MINOR=$minor"
    echo "QEMU_MICRO=$micro"
    echo "KERNEL_VERSION_STRING=$(uname -r)"
    echo "KERNEL_VERSION=${host[0]}"
    echo "KERNEL_PATCHLEVEL=${host[1]}"
    echo "KERNEL_SUBLEVEL=${host[2]}"
    echo "KERNEL_EXTRAVERSION=${host[3]}"
  } >"$file"
  if [ -n "$KVM_UNIT_TESTS_ENV" ] && [ -f "$KVM_UNIT_TESTS_ENV" ]; then
    while IFS= read -r line; do
      [[ $line =~ ^[[:blank:]]*([[:alpha:]_][[:alnum:]_]*)= ]] || continue
      grep -q "^${BASH_REMATCH[1]}=" "$file" || echo "$line" >>"$file"
    done <"$KVM_UNIT_TESTS_ENV"
  fi
  vmunit_write_errata "$file" "${host[@]}"
}

# ERRATA_FORCE=y under TCG; otherwise ERRATA_<commit>=y|n for each embedded errata.txt line against the
# host kernel ($2..$5), unless the environment already decides; then the environment's other ERRATA_*.
vmunit_write_errata() {
  local file=$1 entry commit min name
  shift
  if [ "$vmunit_run_accel" = tcg ]; then
    echo "ERRATA_FORCE=y" >>"$file"
  else
    for entry in "${vmunit_errata[@]}"; do
      entry=${entry//[[:blank:]]/}
      commit=${entry%%:*}
      min=${entry#*:}
      min=${min%%:*}
      name="ERRATA_$commit"
      [ -n "${!name}" ] && continue
      vmunit_split_version "$min"
      if vmunit_has_fix "$@" "${vmunit_ver[@]}"; then echo "$name=y"; else echo "$name=n"; fi >>"$file"
    done
  fi
  while IFS= read -r name; do
    grep -q "^$name=" "$file" || echo "$name=${!name}" >>"$file"
  done < <(compgen -e | grep '^ERRATA_')
}

# x86/efi/run's disk and firmware: the binary becomes EFI/BOOT/BOOTX64.EFI of a vvfat folder OVMF boots
# from (a private folder here, not efi-tests/ in a tree). Sets vmunit_efi_fw.
vmunit_efi_args() {
  local fw=${EFI_UEFI:-/usr/share/ovmf/OVMF.fd} boot=$vmunit_tmpdir/efi
  if [ ! -f "$fw" ]; then
    echo "UEFI firmware not found: $fw"
    echo "Please install the UEFI firmware to this path"
    echo "Or specify the correct path with the env variable EFI_UEFI" | tee "$vmunit_tmpdir/early"
    return 2
  fi
  mkdir -p "$boot/EFI/BOOT" && cp "$1" "$boot/EFI/BOOT/BOOTX64.EFI" || return 2
  vmunit_efi_fw=(-drive "file=$fw,format=raw,if=pflash,readonly=on")
  vmunit_efi_fw+=(-drive "file.dir=$boot/,file.driver=vvfat,file.rw=on,format=raw,if=virtio")
  vmunit_efi_fw+=(-net none -nographic -m 256)
}

# Prints where QEMU $1 finds the file named $2 (its data folders, `-L help`, in order), as -bios NAME does.
vmunit_find_data_file() {
  local dir
  while IFS= read -r dir; do
    if [ -n "$dir" ] && [ -r "$dir/$2" ]; then
      echo "$dir/$2"
      return 0
    fi
  done < <("$1" -L help 2>/dev/null)
  return 1
}

# The -bios file for this test (vmunit standalone --firmware), or nothing for SeaBIOS. Exits 2 (skip) when
# qboot was asked for and QEMU $1 has none.
vmunit_bios_file() {
  local bios=${vmunit_bios:-}
  if [ -n "$bios" ] && [ "${vmunit_bios_search:-no}" = yes ]; then
    bios=$(vmunit_find_data_file "$1" "$bios") || bios=
    if [ -z "$bios" ] && [ "${vmunit_bios_fallback:-no}" != yes ]; then
      echo "$1 has no $vmunit_bios in its data folders (qemu -L help; Debian: qemu-system-data)"
      exit 2
    fi
  fi
  echo "$bios"
}

# The per-arch run script: runs QEMU on kernel $1 and exits with the decoded status. Runs in a subshell.
vmunit_run_script() {
  local kernel=$1 qemu list contains message pci=nopci variant arg words i bios
  local -a argv initrd=()
  vmunit_set_accel "$ACCEL" || exit $?
  qemu=$(vmunit_search_qemu) || exit $?
  # Device and chardev listings are asked for the arch's machine type (arm: `-machine virt -device ?`).
  local -a mopt=()
  [ -n "$vmunit_default_machine" ] && mopt=(-machine "$vmunit_default_machine")
  for ((i = 0; i < ${#vmunit_requirements[@]}; i += 3)); do
    list=${vmunit_requirements[i]}
    contains=${vmunit_requirements[i + 1]}
    message=${vmunit_requirements[i + 2]}
    if [ "$list" = machine ]; then words=$("$qemu" -machine '?' 2>&1); else words=$("$qemu" "${mopt[@]}" "-$list" '?' 2>&1); fi
    if ! grep -qF -e "$contains" <<<"$words"; then
      echo "${message//\{qemu\}/$qemu}"
      exit 2
    fi
  done
  "$qemu" "${mopt[@]}" -device '?' 2>&1 | grep -qF pci-testdev && pci=pci
  variant=tcg
  [ "$vmunit_run_accel" = kvm ] && variant=$vmunit_kvm_variant
  vmunit_select_fixed_args "$variant:$pci" || {
    echo "vmunit standalone: no command line for accelerator '$variant'" >&2
    exit 2
  }
  bios=$(vmunit_bios_file "$qemu") || { echo "$bios"; exit 2; }
  argv=("$qemu")
  for arg in "${vmunit_fixed[@]}"; do
    if [ "$arg" = @VMUNIT_BIOS@ ]; then
      # The word before is -bios: both go when SeaBIOS stays (auto, and this QEMU has no qboot.rom).
      if [ -n "$bios" ]; then argv+=("$bios"); else unset 'argv[${#argv[@]}-1]'; fi
      continue
    fi
    arg=${arg//@VMUNIT_ACCEL_PROPS@/$vmunit_run_props}
    argv+=("${arg//@VMUNIT_MACHINE@/${MACHINE:-$vmunit_default_machine}}")
  done
  # kvm-unit-tests evals "-smp $smp [-append $test_args] $qemu_params": same expansion here.
  words="-smp $vmunit_smp"
  [ -n "$vmunit_test_args" ] && words+=" -append $vmunit_test_args"
  if [ "$vmunit_efi" = x86_64 ]; then
    vmunit_efi_args "$kernel" || exit $?
    eval "argv+=(\"\${vmunit_efi_fw[@]}\" $words $vmunit_qemu_params -smp \"\${EFI_SMP:-1}\")" || exit 2
  else
    eval "argv+=(-kernel \"\$kernel\" $words $vmunit_qemu_params)" || exit 2
  fi
  if [ "$vmunit_environ_default" = yes ]; then
    # Globals, not locals: the EXIT trap set in vmunit_exec_qemu removes them when this subshell ends.
    vmunit_envfile=$(mktemp) || exit 2
    vmunit_write_environ "$vmunit_envfile" "$qemu"
    initrd=(-initrd "$vmunit_envfile")
  fi
  if [ -n "$TIMEOUT" ] && [ "$TIMEOUT" != 0 ]; then
    # UEFI trees get 10 more seconds to boot the firmware (timeout_cmd), for durations written in seconds.
    [ -n "$vmunit_efi" ] && [[ $TIMEOUT =~ ^[0-9]+s$ ]] && TIMEOUT="$((${TIMEOUT%s} + 10))s"
    argv=(timeout -k 1s --foreground "$TIMEOUT" "${argv[@]}")
  fi
  # run_tests.sh's MIGRATION=yes / PANIC=yes: the QEMU runs under the harness (never for the probe).
  [ "$kernel" != _NO_FILE_4Uhere_ ] && vmunit_has_word migration "$vmunit_groups" && argv=(vmunit_run_migration "${argv[@]}")
  [ "$kernel" != _NO_FILE_4Uhere_ ] && vmunit_has_word panic "$vmunit_groups" && argv=(vmunit_run_panic "${argv[@]}")
  echo -n "${argv[*]}"
  [ "$vmunit_environ_default" = yes ] && echo -n " #"
  echo " ${initrd[*]}"
  vmunit_exec_qemu "${argv[@]}" "${initrd[@]}"
}

# Runs argv with stdin from /dev/null, stdout live and kept in $vmunit_outfile (for EXIT: and SUMMARY:
# lines), stderr live and kept; exits with kvm-unit-tests' fixed-up status. tee writes to the inherited
# stdout rather than re-opening /dev/fd/1, so a redirected output file is never truncated.
vmunit_exec_qemu() {
  local errfile outfile=$vmunit_outfile ret sig
  errfile=$(mktemp) || exit 2
  vmunit_errfile=$errfile
  trap 'rm -f "$vmunit_errfile" "$vmunit_envfile"' EXIT
  ("$@" </dev/null 2>&1 1>&3 3>&- | tee "$errfile" >&2; exit "${PIPESTATUS[0]}") 3>&1 | tee "$outfile"
  ret=${PIPESTATUS[0]}
  # What a premature failure is reported with, when the guest never printed (EFI trees, see vmunit_run).
  [ -s "$outfile" ] || tail -n 1 "$errfile" >"$vmunit_tmpdir/early"
  [ "$ret" -eq 134 ] && echo "QEMU Aborted" >&2
  sig=$(sed -n 's/.*terminating on signal \([0-9][0-9]*\).*/\1/p' "$errfile" | tail -n 1)
  if [ "$ret" -eq 0 ]; then
    # QEMU exiting 0 means the guest never wrote to the exit device: an error, or a signal.
    if [ -n "$sig" ]; then ret=$((sig + 128)); else ret=1; fi
  elif [ "$ret" -eq 1 ] && ! grep -vi warning "$errfile" | grep -q .; then
    # Success unless stderr has a non-empty line without "warning" (per line, as decodeExit does; upstream
    # joins stderr into one line first, so one warning anywhere hid real errors).
    ret=0
  fi
  if [ "$vmunit_status_channel" = exit-line ] && [ "$ret" -eq 1 ]; then
    sig=$(grep -m 1 '^EXIT: ' "$outfile" | sed -n 's/.*STATUS=\([0-9][0-9]*\).*/\1/p')
    if [ "$sig" = 1 ]; then ret=0; elif [ -n "$sig" ]; then ret=$sig; fi
  fi
  exit "$ret"
}

# kvm-unit-tests' premature_failure: run the same command on a missing kernel; if QEMU does not get as
# far as loading it, the test cannot run here (bad -cpu, missing device, no KVM…): print why, status 0.
vmunit_premature_failure() {
  local log
  log=$( (vmunit_run_script _NO_FILE_4Uhere_) 2>&1)
  if grep -F _NO_FILE_4Uhere_ <<<"$log" |
    grep -q -e '[Cc]ould not \(load\|open\) kernel' -e 'error loading' -e 'failed to load'; then
    return 1
  fi
  echo "$log" >&2
  echo "$log"
  return 0
}

# Returns 0 (yes) or 1 (no) like kvm-unit-tests' skip_nodefault in a standalone script. read -p shows the
# prompt only when stdin is a terminal; end of input (</dev/null) counts as "no".
vmunit_skip_nodefault() {
  local yn
  while true; do
    read -r -p "Test marked not to be run by default, are you sure (y/N)? " yn || yn=""
    case $yn in
    Y | y | Yes | yes) return 1 ;;
    "" | N | n | No | no | q | quit | exit) return 0 ;;
    esac
  done
}

# kvm-unit-tests' run() for this one test; returns its status.
vmunit_run() {
  local name=$vmunit_name groups=$vmunit_groups check=${CHECK:-$vmunit_cfg_check} accel=$vmunit_cfg_accel
  local machine=$vmunit_cfg_machine log ret summary param path value
  local timeout=${TIMEOUT:-${vmunit_cfg_timeout:-90s}}
  if vmunit_has_word nodefault "$groups" && vmunit_skip_nodefault; then
    vmunit_print_result SKIP "$name" "" "test marked as manual run only"
    return 2
  fi
  if [ -n "$vmunit_cfg_arch" ] && [ "$vmunit_cfg_arch" != "$ARCH" ]; then
    vmunit_print_result SKIP "$name" "" "$vmunit_cfg_arch only"
    return 2
  fi
  if [ -n "$machine" ] && [ -n "$MACHINE" ] && [ "$machine" != "$MACHINE" ]; then
    vmunit_print_result SKIP "$name" "" "$machine only"
    return 2
  elif [ -n "$MACHINE" ]; then
    machine=$MACHINE
  fi
  if [ -n "$accel" ] && [ -n "$ACCEL" ] && [[ ! $ACCEL =~ ^$accel(,|$) ]]; then
    vmunit_print_result SKIP "$name" "" "$accel only, but ACCEL=$ACCEL"
    return 2
  elif [ -n "$ACCEL" ]; then
    accel=$ACCEL
  fi
  if [ -n "$vmunit_disabled_if" ] && (eval "$vmunit_disabled_if"); then
    vmunit_print_result SKIP "$name" "" "disabled because: $vmunit_disabled_if"
    return 2
  fi
  for param in $check; do
    path=${param%%=*}
    value=${param#*=}
    if [ ! -f "$path" ] || [ "$(cat "$path")" != "$value" ]; then
      vmunit_print_result SKIP "$name" "" "$path not equal to $value"
      return 2
    fi
  done
  # EFI trees: upstream's probe boots a dummy application through the firmware (a whole second boot);
  # here the test runs at once and a QEMU that fails before the guest printed anything is that SKIP.
  if [ -z "$vmunit_efi" ] && log=$(TIMEOUT=$timeout MACHINE=$machine ACCEL=$accel vmunit_premature_failure); then
    vmunit_print_result SKIP "$name" "" "$(tail -1 <<<"$log")"
    return 77
  fi
  rm -f "$vmunit_tmpdir/early"
  (TIMEOUT=$timeout MACHINE=$machine ACCEL=$accel vmunit_run_script "$vmunit_bin")
  ret=$?
  if [ -n "$vmunit_efi" ] && [ "$ret" -ne 0 ] && [ "$ret" -ne 124 ] && [ "$ret" -lt 128 ] &&
    [ -s "$vmunit_tmpdir/early" ]; then
    vmunit_print_result SKIP "$name" "" "$(cat "$vmunit_tmpdir/early")"
    return 77
  fi
  summary=$(tail -n 5 "$vmunit_outfile" | grep '^SUMMARY: ' | sed 's/^SUMMARY: /(/;s/\r\{0,1\}$/)/')
  if [ "$ret" -eq 0 ]; then
    vmunit_print_result PASS "$name" "$summary"
  elif [ "$ret" -eq 77 ]; then
    vmunit_print_result SKIP "$name" "$summary"
  elif [ "$ret" -eq 124 ]; then
    vmunit_print_result FAIL "$name" "" "timeout; duration=$timeout"
  elif [ "$ret" -gt 127 ]; then
    vmunit_print_result FAIL "$name" "" "terminated on SIG$(kill -l $((ret - 128)))"
  else
    vmunit_print_result FAIL "$name" "$summary"
  fi
  return "$ret"
}

# Decodes the embedded guest binary and checks its SHA-256 before anything runs. It lands in a private
# temporary folder under its original file name, so the guest's argv[0] still ends in e.g. "msr.flat".
vmunit_extract() {
  local got
  vmunit_tmpdir=$(mktemp -d) || exit 2
  trap 'rm -rf "$vmunit_tmpdir"' EXIT
  vmunit_bin=$vmunit_tmpdir/$vmunit_kernel_name
  vmunit_outfile=$vmunit_tmpdir/console.out
  if ! vmunit_payload | base64 -d 2>/dev/null | gzip -dc >"$vmunit_bin" 2>/dev/null; then
    got="undecodable payload"
  else
    got=$(sha256sum <"$vmunit_bin") || exit 2
    got=${got%% *}
    [ "$got" = "$vmunit_sha256" ] && return 0
    got="sha256 $got"
  fi
  echo "$vmunit_name: embedded guest binary is corrupt (expected sha256 $vmunit_sha256, got $got)" >&2
  echo "$vmunit_name: refusing to run; regenerate it with 'vmunit standalone'" >&2
  exit 126
}

vmunit_main() {
  # The variables mkstandalone.sh's scripts export: cfg values and disabled_if may use them ($TARGET…).
  export KUT_STANDALONE=yes ENVIRON_DEFAULT=$vmunit_environ_default PRETTY_PRINT_STACKS=no
  export HOST ARCH=$vmunit_tree_arch ARCH_NAME=$vmunit_arch_name
  export TARGET_CPU=$vmunit_target_cpu DEFAULT_QEMU_CPU=$vmunit_default_cpu
  HOST=$(vmunit_host)
  if [ -n "$vmunit_target" ]; then export TARGET=$vmunit_target; fi
  : "${MAX_SMP:=$(getconf _NPROCESSORS_ONLN)}"
  vmunit_extract
  echo "BUILD_HEAD=$vmunit_build_head"
  vmunit_run
}
