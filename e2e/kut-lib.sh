# Helpers shared by the kvm-unit-tests e2e scripts (sourced, not run).

# Fills folder $1 with links to every program in /usr/bin and /bin except netcat, for a PATH that proves
# vmunit needs no ncat (run_tests.sh's migration tests do).
path_without_netcat() {
	mkdir -p "$1"
	local tool
	for tool in /bin/* /usr/bin/*; do
		case ${tool##*/} in ncat | nc | netcat | nc.*) continue ;; esac
		[ -x "$tool" ] && [ ! -e "$1/${tool##*/}" ] && ln -s "$tool" "$1/"
	done
	return 0
}
