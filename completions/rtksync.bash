# bash completion for rtksync. Commands and options are read from `rtksync --help` and
# `rtksync COMMAND --help` when you press Tab, so they always match the rtksync installed.

# Commands listed by `rtksync --help`.
_rtksync_commands() {
  "$1" --help 2>/dev/null | awk '/^Commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 } c && /^$/ { c = 0 }'
}

# Options of one command, one a line: "--name" or "--name arg" (it takes a value).
_rtksync_options() {
  "$1" "$2" --help 2>/dev/null | awk '
    /^  (-[A-Za-z], |    )--[a-z]/ {
      match($0, /--[a-z][a-z0-9-]*( arg)?/)
      print substr($0, RSTART, RLENGTH)
    }'
}

# Subcommands a command's help lists before its usage line (`rtksync state`: list, show ...).
_rtksync_subcommands() {
  "$1" "$2" --help 2>/dev/null | awk '/^Usage:/ { exit } /^  [a-z]+( |$)/ { print $1 }'
}

_rtksync() {
  local cur prev bin cmd i
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  bin=${COMP_WORDS[0]}
  # The command is the first word after rtksync that is not an option.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  if [[ -z $cmd ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_rtksync_commands "$bin") --help --version" -- "$cur")
    return
  fi

  local options
  options=$(_rtksync_options "$bin" "$cmd")
  case $prev in
    --format) mapfile -t COMPREPLY < <(compgen -W "text json markdown github yaml" -- "$cur"); return ;;
    --log-level) mapfile -t COMPREPLY < <(compgen -W "trace debug info warn error off" -- "$cur"); return ;;
    --refresh) mapfile -t COMPREPLY < <(compgen -W "auto full" -- "$cur"); return ;;
    -c | --config | --out | --tokens-out) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --*)
      # Any other option that takes a value: nothing sensible to offer.
      if grep -qx -- "$prev arg" <<<"$options"; then return; fi
      ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(sed 's/ arg$//' <<<"$options")" -- "$cur")
    return
  fi
  case $cmd in
    state)
      if [[ $prev == state ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_rtksync_subcommands "$bin" state)" -- "$cur")
      fi
      ;;
    apply) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;  # a saved plan file
  esac
}

complete -F _rtksync rtksync
