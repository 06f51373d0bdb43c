"""The completion scripts run in the real shells: loaded, then asked for candidates as the shell would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

BIN = Path(sys.executable).parent


def _shell(argv: List[str]) -> subprocess.CompletedProcess[str]:
    if not (BIN / "label-studio-sdk").exists():
        pytest.skip("the label-studio-sdk console script is not installed next to this Python")
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(argv, capture_output=True, text=True, env=environment, timeout=60, check=False)


BASH_ASK = """
eval "$(label-studio-sdk --completion bash)"
ask() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _label_studio_sdk; printf '%s\\n' "${COMPREPLY[@]}"; echo --; }
ask label-studio-sdk import-storage lo
ask label-studio-sdk predictions import 1 --re
ask label-studio-sdk nothing-like-this
complete -p label-studio-sdk
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_loads_and_completes() -> None:
    done = _shell(["bash", "--norc", "--noprofile", "-c", BASH_ASK])
    assert done.returncode == 0 and done.stderr == "", done.stderr
    answers = done.stdout.split("--\n")
    assert answers[0] == "local\n"
    assert answers[1] == "--resume\n"
    assert answers[2] == "\n"  # nothing: COMPREPLY is empty
    assert "complete -o default -F _label_studio_sdk label-studio-sdk" in answers[3]


# compadd and the completion words are stubbed: the function is called as a completion widget would.
ZSH_ASK = """
autoload -U compinit && compinit -u
eval "$(label-studio-sdk --completion zsh)"
print -r -- "registered: $_comps[label-studio-sdk]"
compadd() { [[ $1 == -a ]] && print -rl -- "${(@P)2}"; print -r -- "--" }
ask() { words=("$@"); CURRENT=$#; _label_studio_sdk || print -r -- "--" }
ask label-studio-sdk import-storage lo
ask label-studio-sdk predictions import 1 --re
ask label-studio-sdk nothing-like-this
"""


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_loads_and_completes() -> None:
    done = _shell(["zsh", "-f", "-c", ZSH_ASK])
    assert done.returncode == 0 and done.stderr == "", done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "registered: _label_studio_sdk"
    assert lines[1:] == ["local", "--", "--resume", "--", "--"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_says_to_run_compinit_first() -> None:
    done = _shell(["zsh", "-f", "-c", 'eval "$(label-studio-sdk --completion zsh)"'])
    assert done.returncode == 0 and "run 'autoload -U compinit; compinit' first" in done.stderr
