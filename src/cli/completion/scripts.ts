/**
 * The scripts `vmunit completion bash|zsh|fish` prints. Each asks `vmunit __complete -- WORDS… CURRENT`
 * for candidates (one per line; `__files__` alone means "complete file names"), so the scripts carry no
 * knowledge of commands, options or tests and never go stale.
 */

/** The answer that hands completion back to the shell's file names. */
export const FILES_MARK = '__files__';

const bash = `# vmunit bash completion: eval "$(vmunit completion bash)" (or save it in bash-completion's folder)
_vmunit_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} out
  out=$(vmunit __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return 0
  if [[ $out == ${FILES_MARK} ]]; then
    compopt -o default 2>/dev/null
    COMPREPLY=()
    return 0
  fi
  local IFS=$'\\n'
  COMPREPLY=($out)
}
complete -F _vmunit_complete vmunit
`;

const zsh = `#compdef vmunit
# vmunit zsh completion: eval "$(vmunit completion zsh)" (or save it as _vmunit in your $fpath)
_vmunit() {
  local -a out
  out=("\${(@f)$(vmunit __complete -- "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null)}")
  if [[ "\${out[1]}" == ${FILES_MARK} ]]; then
    _files
  else
    compadd -- "\${out[@]}"
  fi
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _vmunit "$@"
else
  compdef _vmunit vmunit
fi
`;

const fish = `# vmunit fish completion: vmunit completion fish | source (or save it in ~/.config/fish/completions/vmunit.fish)
function __vmunit_complete
    set -l words (commandline -opc)
    set -e words[1]
    set -l out (vmunit __complete -- $words (commandline -ct) 2>/dev/null)
    if test "$out" = ${FILES_MARK}
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c vmunit -f -a '(__vmunit_complete)'
`;

/** The completion script of each supported shell. */
export const COMPLETION_SCRIPTS: Readonly<Record<string, string>> = { bash, zsh, fish };
