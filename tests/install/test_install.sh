#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then use what it installed from there: both
# binaries, the man page (rendered by man when it is present) and the bash and zsh completion,
# driven the way the shells drive them. Usage: test_install.sh CMAKE BUILD_DIR PREFIX
set -euo pipefail
cmake=$1 build=$2 prefix=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$prefix"
"$cmake" --install "$build" --prefix "$prefix" >/dev/null
export PATH="$prefix/bin:$PATH"

# The binaries run from the prefix.
[ "$(command -v rtksync)" = "$prefix/bin/rtksync" ] || fail "rtksync not installed in $prefix/bin"
version=$(rtksync --version)
[[ $version =~ ^rtksync\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "rtksync --version: $version"
rtksync --help | grep -q '^Commands:' || fail "rtksync --help lists no commands"
rtksync plan --help | grep -q -- '--detailed-exitcode' || fail "rtksync plan --help"
"$prefix/bin/rtksync-emulator" --help | grep -q -- '--port' || fail "rtksync-emulator --help"

# The man page, named after the binary's version.
page="$prefix/share/man/man1/rtksync.1"
[ -f "$page" ] || fail "no man page at $page"
grep -q "\"rtksync ${version#rtksync }\"" "$page" || fail "the man page is not for $version"
if command -v man >/dev/null; then
  MANPATH="$prefix/share/man" MANWIDTH=80 man rtksync 2>/dev/null | grep -q 'detailed' ||
    fail "man rtksync does not render the options"
fi

# Documentation and examples.
[ -f "$prefix/share/doc/rtksync/configuration.md" ] || fail "docs not installed"
[ -f "$prefix/share/doc/rtksync/examples/rtksync.yaml" ] || fail "examples not installed"

# bash: the installed script completes commands and options through the installed binary.
bash_completion="$prefix/share/bash-completion/completions/rtksync"
[ -f "$bash_completion" ] || fail "no bash completion at $bash_completion"
got=$(bash -c '
  source "$1"
  complete -p rtksync >/dev/null
  t() { COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _rtksync; echo "${COMPREPLY[*]}"; }
  t rtksync pl; t rtksync plan --detailed; t rtksync plan --format m; t rtksync state ""
' _ "$bash_completion")
expected=$'plan\n--detailed-exitcode\nmarkdown\n'
# state's subcommands come from `rtksync state --help`: at least these four.
state_words=" ${got##*$'\n'} " missing=""
for w in list show rm unlock; do [[ $state_words == *" $w "* ]] || missing+=" $w"; done
[[ $got == "$expected"* && -z $missing ]] || fail "bash completion gave:
$got
expected:
${expected}list show rm unlock (at least)"

# zsh: the script parses, and its option list for plan is built from plan --help.
zsh_completion="$prefix/share/zsh/vendor-completions/_rtksync"
[ -f "$zsh_completion" ] || fail "no zsh completion at $zsh_completion"
if command -v zsh >/dev/null; then
  zsh -n "$zsh_completion" || fail "zsh cannot parse $zsh_completion"
  specs=$(zsh -fc 'autoload -U compinit && compinit -u -D && source "$1" &&
                   _rtksync_commands rtksync && _rtksync_specs rtksync plan &&
                   print -r -- "state: ${(f)$(_rtksync_subcommands rtksync state)}"' _ "$zsh_completion")
  grep -qx 'plan:show what apply would change.*' <<<"$specs" || fail "zsh commands: $specs"
  grep -qx -- '--detailed-exitcode\[exit 2 when there are changes\]' <<<"$specs" ||
    fail "zsh specs for plan: $specs"
  grep -qx -- '--format=\[.*\]:format:(text json markdown github yaml)' <<<"$specs" ||
    fail "zsh specs for --format: $specs"
  grep -q -- '^state: list show rm mv unlock' <<<"$specs" || fail "zsh state subcommands: $specs"
else
  echo "zsh not installed: only the presence of $zsh_completion was checked"
fi

rm -rf "$prefix"
echo "install into a prefix: ok"
