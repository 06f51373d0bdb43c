"""Shell completion: `label-studio-sdk --completion bash|zsh` prints a script that asks
`label-studio-sdk __complete <words>` for the candidates, so completion follows the command table."""

from __future__ import annotations

from typing import List, Sequence

from label_studio_sdk.cli._commands import COMMANDS
from label_studio_sdk.cli.main import GLOBAL_WITH_VALUE, JOBS, UsageError, children, split_command

BASH = """# bash completion for label-studio-sdk: eval "$(label-studio-sdk --completion bash)"
_label_studio_sdk() {
    local IFS=$'\\n'
    COMPREPLY=( $(label-studio-sdk __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _label_studio_sdk label-studio-sdk
"""

ZSH = """#compdef label-studio-sdk
# zsh completion for label-studio-sdk: eval "$(label-studio-sdk --completion zsh)" (after compinit)
_label_studio_sdk() {
    local -a candidates
    # Unquoted (f) split: one candidate per line, and no empty candidate when there are none.
    candidates=(${(f)"$(label-studio-sdk __complete "${(@)words[2,CURRENT]}" 2>/dev/null)"})
    (( ${#candidates} )) && compadd -a candidates
}
if (( $+functions[compdef] )); then
    compdef _label_studio_sdk label-studio-sdk
else
    print -u2 "label-studio-sdk completion: run 'autoload -U compinit; compinit' first"
fi
"""


def script(shell: str) -> str:
    if shell == "bash":
        return BASH
    if shell == "zsh":
        return ZSH
    raise UsageError(f"--completion takes bash or zsh, not {shell!r}")


def complete(words: Sequence[str]) -> List[str]:
    """Candidates for the last word, given the words before it."""
    done, current = list(words[:-1]), (words[-1] if words else "")
    command, _, _ = split_command(done)
    flags = [*GLOBAL_WITH_VALUE, "--help"]
    if command in COMMANDS:
        spec = COMMANDS[command]
        flags += ["--" + o.flag for o in spec.options if o.where != "path"]
        flags += ["--no-" + o.flag for o in spec.options if o.kind == "bool" and o.where != "path"]
        if any(o.where in ("body", "whole_body") for o in spec.options):
            flags.append("--data")
        if spec.returns == "pager":
            flags.append("--limit")
        if spec.returns == "stream":
            flags.append("--output")
        candidates = flags
    elif command in JOBS:
        import importlib

        from label_studio_sdk.cli.main import _parser

        parser = _parser(command, "")
        importlib.import_module(JOBS[command].module).add_arguments(command, parser)
        candidates = [s for action in parser._actions for s in action.option_strings if s.startswith("--")]
    elif current.startswith("-"):
        candidates = flags
    else:
        candidates = [word for word, _, _ in children(command)]
    return sorted(c for c in set(candidates) if c.startswith(current))
