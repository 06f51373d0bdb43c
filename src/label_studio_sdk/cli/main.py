"""The `label-studio-sdk` runner: finds the command in the generated table, parses, calls, prints.

Start-up stays cheap: this module imports only the standard library and the command table; argparse
is built for the one command asked for, and the client (httpx, pydantic, models) is imported only
when a command actually calls the server.

Exit codes: 0 success, 1 any other failure, 2 usage error (bad option, missing argument, no API
key), 3 the server answered with an HTTP error, 4 no answer (connection refused, DNS, timeout).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, NoReturn, Optional, Sequence, Tuple

from label_studio_sdk.cli._commands import COMMANDS, GROUPS
from label_studio_sdk.cli._spec import Command, Opt

if TYPE_CHECKING:
    import argparse

    from label_studio_sdk.client import LabelStudio

PROG = "label-studio-sdk"
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_HTTP, EXIT_CONNECTION = 0, 1, 2, 3, 4
EXIT_CODES = (
    "exit codes: 0 success, 1 other failure, 2 usage error, 3 HTTP error from the server, "
    "4 connection failure or timeout"
)
GLOBAL_WITH_VALUE = ("--url", "--api-key", "--timeout", "--completion")


class UsageError(Exception):
    """Bad command line: reported as one line on stderr, exit code 2."""


class JobCommand:
    """A hand-written command (a long job): its words, summary and the module that implements it.

    The module has `add_arguments(parser)` and `run(client, namespace) -> int`.
    """

    def __init__(self, summary: str, module: str) -> None:
        self.summary = summary
        self.module = module


JOBS: Dict[str, JobCommand] = {
    "import": JobCommand(
        "Import tasks from JSON, JSON-lines or CSV files in chunks; resumable after a failure.",
        "label_studio_sdk.cli.jobs",
    ),
    "export": JobCommand(
        "Export a project to a file: converted by the server, or here from its JSON export.",
        "label_studio_sdk.cli.jobs",
    ),
    "predictions import": JobCommand(
        "Import predictions from JSON or JSON-lines files in chunks; resumable after a failure.",
        "label_studio_sdk.cli.jobs",
    ),
    "storage sync": JobCommand(
        "Start the sync of an import (or export) storage and wait until it has finished.",
        "label_studio_sdk.cli.jobs",
    ),
}
ALL_GROUPS = {
    **GROUPS,
    "storage": "Storage jobs that wait for their result (the storages themselves: import-storage, export-storage).",
}


# ---------------------------------------------------------------------------------------- the tree


def _normal(word: str) -> str:
    return word.replace("_", "-")


def is_group(words: str) -> bool:
    return words == "" or words in ALL_GROUPS


def children(prefix: str) -> List[Tuple[str, str, str]]:
    """(word, kind, summary) of what follows `prefix`: subgroups, operations and jobs, sorted."""
    found: Dict[str, Tuple[str, str, str]] = {}
    depth = len(prefix.split()) if prefix else 0
    for words, summary in ALL_GROUPS.items():
        parts = words.split()
        if len(parts) == depth + 1 and " ".join(parts[:depth]) == prefix:
            found[parts[-1]] = (parts[-1], "group", summary)
    table: Iterable[Tuple[str, str]] = [
        *((w, c.summary) for w, c in COMMANDS.items()),
        *((w, j.summary) for w, j in JOBS.items()),
    ]
    for words, summary in table:
        parts = words.split()
        if len(parts) == depth + 1 and " ".join(parts[:depth]) == prefix:
            found.setdefault(parts[-1], (parts[-1], "command", summary))
    return [found[k] for k in sorted(found)]


def split_command(args: Sequence[str]) -> Tuple[str, List[str], List[str]]:
    """(command words, global options before them, the rest). Words may be spelled with _ or -."""
    before: List[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-"):
        before.append(args[i])
        if args[i] in GLOBAL_WITH_VALUE and i + 1 < len(args):
            before.append(args[i + 1])
            i += 1
        i += 1
    words: List[str] = []
    while i < len(args) and not args[i].startswith("-"):
        candidate = " ".join([*words, _normal(args[i])])
        if candidate in ALL_GROUPS or candidate in COMMANDS or candidate in JOBS:
            words.append(_normal(args[i]))
            i += 1
            if candidate in COMMANDS or candidate in JOBS:
                break
        else:
            break
    return " ".join(words), before, list(args[i:])


def group_help(prefix: str) -> str:
    lines = [
        f"usage: {PROG} [--url URL] [--api-key KEY] {prefix + ' ' if prefix else ''}<command> [options]",
        "",
    ]
    if prefix:
        lines += [ALL_GROUPS[prefix], ""]
    else:
        lines += ["Label Studio from the command line: one command per API operation, plus long jobs.", ""]
    entries = children(prefix)
    width = max((len(w) for w, _, _ in entries), default=0) + 2
    for title, kind in (("groups", "group"), ("commands", "command")):
        chosen = [e for e in entries if e[1] == kind]
        if chosen:
            lines.append(f"{title}:")
            lines += [f"  {w.ljust(width)}{_first_sentence(s)}" for w, _, s in chosen]
            lines.append("")
    lines += [
        "options:",
        "  --url URL        server address (default: $LABEL_STUDIO_URL, else http://localhost:8080)",
        "  --api-key KEY    API key (default: $LABEL_STUDIO_API_KEY)",
        "  --timeout SEC    per-request timeout in seconds (default 60)",
        "  --completion {bash,zsh}  print a shell completion script",
        "",
        f"`{PROG} {prefix + ' ' if prefix else ''}<command> --help` describes a command. {EXIT_CODES}.",
    ]
    return "\n".join(lines)


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "..."


def _unknown(prefix: str, word: str) -> UsageError:
    import difflib

    known = [w for w, _, _ in children(prefix)]
    close = difflib.get_close_matches(_normal(word), known, n=3)
    listing = f"`{PROG} {prefix + ' ' if prefix else ''}--help` lists them"
    hint = f"did you mean {' or '.join(close)}?" if close else listing
    where = f" in '{prefix}'" if prefix else ""
    return UsageError(f"unknown command '{word}'{where}; {hint}")


# ---------------------------------------------------------------------------------------- parsing


def _parser(prog: str, description: str) -> argparse.ArgumentParser:
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise UsageError(f"{message} (see `{self.prog} --help`)")

    parser = Parser(
        prog=prog,
        description=description,
        epilog=EXIT_CODES + ".",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    common = parser.add_argument_group("connection")
    common.add_argument(
        "--url", metavar="URL", help="server address (default: $LABEL_STUDIO_URL, else http://localhost:8080)"
    )
    common.add_argument(
        "--api-key", metavar="KEY", help="API key (default: $LABEL_STUDIO_API_KEY); never printed"
    )
    common.add_argument(
        "--timeout", type=float, metavar="SEC", help="per-request timeout in seconds (default 60)"
    )
    return parser


def json_value(text: str) -> Any:
    """JSON text, `@file.json` (a file) or `@-` (standard input)."""
    import argparse

    if text.startswith("@"):
        source = text[1:]
        try:
            if source == "-":
                raw = sys.stdin.read()
            else:
                with open(source, encoding="utf-8") as handle:
                    raw = handle.read()
        except OSError as error:
            raise argparse.ArgumentTypeError(f"cannot read {source}: {error.strerror}") from None
    else:
        raw = text
    try:
        return json.loads(raw)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON ({error})") from None


def scalar_value(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def file_value(text: str) -> Any:
    import argparse
    import pathlib

    path = pathlib.Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def _converter(kind: str) -> Callable[[str], Any]:
    converters: Dict[str, Callable[[str], Any]] = {
        "str": str,
        "int": int,
        "float": float,
        "json": json_value,
        "scalar": scalar_value,
        "file": file_value,
    }
    return converters[kind]


def _metavar(opt: Opt) -> str:
    kind = opt.kind.split(":")[-1]
    return {
        "str": "TEXT",
        "int": "INT",
        "float": "NUMBER",
        "json": "JSON",
        "scalar": "VALUE",
        "file": "PATH",
    }.get(kind, kind.upper())


def command_parser(words: str, command: Command) -> argparse.ArgumentParser:
    import argparse

    description = f"{command.summary}\n\n{command.http}  (client.{command.group}.{command.method})"
    parser = _parser(f"{PROG} {words}", description)
    params = parser.add_argument_group("arguments")
    has_body = False
    for opt in command.options:
        help_text = opt.help.replace("%", "%%")
        if opt.choices:
            help_text += " One of: " + ", ".join(opt.choices) + "."
        if opt.where == "path":
            params.add_argument(opt.name, metavar=opt.flag.upper(), type=_converter(opt.kind), help=help_text)
            continue
        has_body = has_body or opt.where in ("body", "whole_body")
        if opt.required:
            help_text += " (required)"
        flag = "--" + opt.flag
        if opt.kind == "bool":
            params.add_argument(
                flag,
                dest=opt.name,
                action=argparse.BooleanOptionalAction,
                default=argparse.SUPPRESS,
                help=help_text,
            )
        elif opt.kind.startswith("list:"):
            params.add_argument(
                flag,
                dest=opt.name,
                action="append",
                type=_converter(opt.kind[5:]),
                metavar=_metavar(opt),
                default=argparse.SUPPRESS,
                help=help_text + " Repeat the option for more values.",
            )
        else:
            params.add_argument(
                flag,
                dest=opt.name,
                type=_converter(opt.kind),
                metavar=_metavar(opt),
                default=argparse.SUPPRESS,
                help=help_text,
            )
    out = parser.add_argument_group("input and output")
    if has_body:
        out.add_argument(
            "--data",
            dest="_data",
            type=json_value,
            metavar="JSON",
            help="the request body as JSON text, @file.json or @- (stdin); options given as well win",
        )
    if command.returns == "pager":
        out.add_argument("--limit", dest="_limit", type=_positive, metavar="N", help="stop after N items")
    if command.returns == "stream":
        out.add_argument(
            "--output", "-o", dest="_output", metavar="PATH", help="write the download here (default: stdout)"
        )
    return parser


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def call_arguments(
    command: Command, namespace: argparse.Namespace
) -> Tuple[List[Any], Dict[str, Any], Dict[str, Any]]:
    """(positional args, keyword args, extra body fields) for the client method, from parsed options."""
    values = vars(namespace)
    positional = [values[o.name] for o in command.options if o.where == "path"]
    kwargs: Dict[str, Any] = {}
    extra: Dict[str, Any] = {}
    data = values.get("_data")
    if data is not None:
        whole = [o for o in command.options if o.where == "whole_body"]
        if whole:
            kwargs[whole[0].name] = data
        elif not isinstance(data, dict):
            raise UsageError(f"--data must be a JSON object for `{PROG} {command.group} {command.method}`")
        else:
            by_key: Dict[str, Opt] = {}
            for opt in command.options:
                if opt.where == "body":
                    by_key[opt.wire] = opt
                    by_key[opt.name] = opt
            for key, value in data.items():
                found = by_key.get(key)
                if found is None:
                    extra[key] = value  # a field the spec does not list: sent as it is
                else:
                    kwargs[found.name] = value
    for opt in command.options:
        if opt.where != "path" and opt.name in values:
            kwargs[opt.name] = values[opt.name]
    missing = [
        "--" + o.flag for o in command.options if o.required and o.where != "path" and o.name not in kwargs
    ]
    if missing:
        raise UsageError(f"missing required option{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    return positional, kwargs, extra


# ---------------------------------------------------------------------------------------- output


def jsonable(value: Any) -> Any:
    """A result as plain JSON data: models as the server sent them (wire names, unknown fields kept)."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return iso()
    return value


def write_json(value: Any, *, compact: bool) -> None:
    text = json.dumps(jsonable(value), ensure_ascii=False, indent=None if compact else 2, default=str)
    sys.stdout.write(text + "\n")


def make_client(namespace: argparse.Namespace) -> LabelStudio:
    from label_studio_sdk.client import LabelStudio
    from label_studio_sdk.core.errors import LabelStudioError

    kwargs: Dict[str, Any] = {}
    if namespace.timeout is not None:
        kwargs["timeout"] = namespace.timeout
    try:
        return LabelStudio(base_url=namespace.url, api_key=namespace.api_key, **kwargs)
    except LabelStudioError as error:  # no key, a URL without a scheme
        raise UsageError(str(error)) from None


def run_operation(command: Command, namespace: argparse.Namespace) -> int:
    positional, kwargs, extra = call_arguments(command, namespace)
    if extra:
        kwargs["request_options"] = {"additional_body_parameters": extra}
    limit: Optional[int] = getattr(namespace, "_limit", None)
    if (
        limit is not None
        and "page_size" not in kwargs
        and any(o.name == "page_size" for o in command.options)
    ):
        kwargs["page_size"] = min(limit, 100)
    with make_client(namespace) as client:
        target: Any = client
        for part in command.group.split("."):
            target = getattr(target, part)
        result = getattr(target, command.method)(*positional, **kwargs)
        if command.returns == "pager":
            for count, item in enumerate(result, 1):
                write_json(item, compact=True)
                if limit is not None and count >= limit:
                    break
        elif command.returns == "stream":
            output = getattr(namespace, "_output", None)
            if output:
                with open(output, "wb") as handle:
                    for chunk in result:
                        handle.write(chunk)
            else:
                for chunk in result:
                    sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
        elif command.returns == "json":
            write_json(result, compact=False)
    return EXIT_OK


# ---------------------------------------------------------------------------------------- main


def _secret(args: Sequence[str]) -> Optional[str]:
    for i, arg in enumerate(args):
        if arg == "--api-key" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--api-key="):
            return arg.split("=", 1)[1]
    return os.environ.get("LABEL_STUDIO_API_KEY") or None


def fail(message: str, secret: Optional[str]) -> None:
    text = " ".join(str(message).split())
    if secret and len(secret) >= 4:
        text = text.replace(secret, "***")
    sys.stderr.write(f"{PROG}: error: {text}\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command; returns the exit code (see the module docstring)."""
    args = list(sys.argv[1:] if argv is None else argv)
    secret = _secret(args)
    try:
        return _dispatch(args)
    except UsageError as error:
        fail(str(error), secret)
        return EXIT_USAGE
    except SystemExit as done:  # argparse after --help
        return done.code if isinstance(done.code, int) else EXIT_OK
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:  # `... | head`: the reader is gone, which is fine
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the interpreter's final flush quiet
        return EXIT_OK
    except Exception as error:  # every failure becomes one line and an exit code
        return _report(error, secret)


def exit_code_for(error: BaseException) -> int:
    """3 for an HTTP error, 4 for a connection failure (also when chained as the cause), else 1."""
    from label_studio_sdk.core.errors import ApiConnectionError, ApiError

    for candidate in (error, error.__cause__):
        if isinstance(candidate, ApiError):
            return EXIT_HTTP
        if isinstance(candidate, ApiConnectionError):
            return EXIT_CONNECTION
    return EXIT_ERROR


def _report(error: Exception, secret: Optional[str]) -> int:
    from label_studio_sdk.core.errors import LabelStudioError

    code = exit_code_for(error)
    known = code != EXIT_ERROR or isinstance(error, LabelStudioError)
    fail(str(error) if known else f"{type(error).__name__}: {error}", secret)
    return code


def _dispatch(args: List[str]) -> int:
    words, before, rest = split_command(args)
    if "--completion" in before:
        from label_studio_sdk.cli.completion import script

        at = before.index("--completion") + 1
        sys.stdout.write(script(before[at] if at < len(before) else ""))
        return EXIT_OK
    if words == "" and rest[:1] == ["__complete"]:
        from label_studio_sdk.cli.completion import complete

        sys.stdout.write("\n".join(complete(rest[1:])) + "\n")
        return EXIT_OK
    if words in COMMANDS:
        command = COMMANDS[words]
        namespace = command_parser(words, command).parse_args([*before, *rest])
        return run_operation(command, namespace)
    if words in JOBS:
        import importlib

        job = JOBS[words]
        module = importlib.import_module(job.module)
        parser = _parser(f"{PROG} {words}", job.summary)
        module.add_arguments(words, parser)
        namespace = parser.parse_args([*before, *rest])
        return int(module.run(words, namespace))
    # A group (or nothing): list what is in it.
    wants_help = any(a in ("-h", "--help") for a in [*before, *rest]) or not rest
    if rest and not rest[0].startswith("-"):
        raise _unknown(words, rest[0])
    if wants_help:
        sys.stdout.write(group_help(words) + "\n")
        return EXIT_OK
    raise UsageError(f"unknown option {rest[0]} for '{words or PROG}'")
