"""The ``label-studio-converter`` command: Label Studio JSON exports to other formats, and YOLO/COCO to tasks.

``main(argv)`` parses the arguments, runs one command and returns the exit status: 0 on success, 1 when
the work failed for a reason the user can act on (a missing file, a damaged export, a format the
labeling config cannot give), 2 for a usage error. Such failures print one line,
``label-studio-converter: error: <reason>``; anything else is a bug and keeps its traceback. Logging is
set up only while ``main`` runs, and the converter modules are imported only by the command that uses them.
The API key comes from the ``LABEL_STUDIO_API_KEY`` environment variable and is never printed: every line
this command writes has it masked.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    NoReturn,
    Optional,
    Sequence,
    TextIO,
    Tuple,
)
from urllib.parse import urlsplit

from label_studio_sdk.converter._progress import ProgressBar, is_terminal
from label_studio_sdk.converter.formats import FormatNotSupportedError
from label_studio_sdk.core.errors import LabelStudioError

if TYPE_CHECKING:
    from label_studio_sdk.converter.imports import ImportSummary

PROG = "label-studio-converter"
API_KEY_ENV = "LABEL_STUDIO_API_KEY"
# Other variables the downloads read the key from (label_studio_tools' get_local_path); masked as well.
_SECRET_ENVS = (API_KEY_ENV, "LABEL_STUDIO_ACCESS_TOKEN")
_MASK = "***"
_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_IMAGE_FORMATS = frozenset(
    {"COCO", "COCO_WITH_IMAGES", "VOC", "YOLO", "YOLO_WITH_IMAGES", "YOLO_OBB", "YOLO_OBB_WITH_IMAGES"}
)
_YOLO_FORMATS = frozenset({"YOLO", "YOLO_WITH_IMAGES", "YOLO_OBB", "YOLO_OBB_WITH_IMAGES"})
_CSV_FORMATS = frozenset({"CSV", "TSV", "CSV_OLD"})

logger: logging.Logger = logging.getLogger(__name__)


class UsageError(Exception):
    """The command line is wrong (exit status 2)."""


class CommandError(Exception):
    """The command cannot do its work for a reason the message gives (exit status 1)."""


# -- output to the terminal -------------------------------------------------------------------------


class _Console:
    """Everything the command writes to stderr: masked, one message per line, around the progress bar."""

    def __init__(self, stream: TextIO, secrets: Sequence[str], *, quiet: bool) -> None:
        self.stream = stream
        self.secrets: List[str] = []
        self.quiet = quiet
        self.bar: Optional[ProgressBar] = None
        self.warnings = 0
        self.tasks_read = 0
        self._lock = threading.Lock()  # downloads log from worker threads
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, secret: Optional[str]) -> None:
        """Mask ``secret`` from now on (the longest first, so that one secret inside another is masked whole)."""
        if secret is not None and len(secret) >= _MIN_SECRET_LENGTH:
            self.secrets = sorted({*self.secrets, secret}, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, _MASK)
        return text

    def write(self, text: str) -> None:
        with self._lock:
            bar = self.bar
            if bar is not None:
                bar.clear()
            self.stream.write(self.mask(text).rstrip("\n") + "\n")
            self.stream.flush()
            if bar is not None:
                bar.redraw()

    def error(self, reason: str) -> None:
        self.write(f"{PROG}: error: {' '.join(reason.split())}")

    def result(self, text: str) -> None:
        if not self.quiet:
            self.write(text)

    @contextlib.contextmanager
    def progress(self, label: str) -> Iterator[Callable[[int], None]]:
        """A callback for the number of tasks read; it draws a bar only on a terminal and not with --quiet."""
        counter = _TaskCounter()
        if not self.quiet and is_terminal(self.stream):
            self.bar = ProgressBar(self.stream, label=label)
            counter.bar = self.bar
        try:
            yield counter
        finally:
            if self.bar is not None:
                self.bar.close()
                self.bar = None
            self.tasks_read = counter.count


class _TaskCounter:
    """The progress callback: keeps the largest count seen (CSV reads the tasks twice) and feeds the bar."""

    def __init__(self) -> None:
        self.count = 0
        self.bar: Optional[ProgressBar] = None

    def __call__(self, count: int) -> None:
        self.count = max(self.count, count)
        if self.bar is not None:
            self.bar.update(count)


class _ConsoleHandler(logging.Handler):
    """Log records as ``label-studio-converter: <level>: <message>`` lines on the console."""

    def __init__(self, console: _Console, *, with_names: bool) -> None:
        super().__init__()
        self.console = console
        self.with_names = with_names

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        origin = f"{record.name}: " if self.with_names else ""
        return f"{PROG}: {record.levelname.lower()}: {origin}{text}"

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        if record.levelno >= logging.WARNING:
            self.console.warnings += 1
        self.console.write(line)


@contextlib.contextmanager
def _logging_to(console: _Console, level: int) -> Iterator[None]:
    """Route log records of ``level`` and above to the console while the command runs, then undo it."""
    root = logging.getLogger()
    handler = _ConsoleHandler(console, with_names=level <= logging.DEBUG)
    handler.setLevel(level)
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _describe(exc: BaseException) -> str:
    """A one-line reason for an expected failure."""
    if isinstance(exc, OSError) and not isinstance(exc, LabelStudioError) and exc.strerror:
        names = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
        return f"{exc.strerror}: {' -> '.join(names)}" if names else exc.strerror
    return str(exc) or type(exc).__name__


# -- argument parsing --------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and an exception (``main`` turns it into exit status 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _full_path(text: str) -> str:
    """A path argument with ``~`` expanded, made absolute against the current directory."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path")
    return os.path.abspath(os.path.expanduser(text))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _separator(text: str) -> str:
    """One character; ``\\t`` and ``tab`` mean a tab, which is awkward to type in a shell."""
    value = "\t" if text in ("\\t", "tab", "TAB") else text
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"the separator must be one character, not {text!r}")
    return value


def _format_names() -> List[str]:
    from label_studio_sdk.converter.formats import Format

    return [member.name for member in Format]


def _format_name(text: str) -> str:
    """A ``Format`` name: exact, or in any case and with ``-`` for ``_`` (``yolo``, ``json-min``)."""
    names = _format_names()
    if text in names:
        return text
    normalised = text.strip().upper().replace("-", "_")
    if normalised in names:
        return normalised
    raise argparse.ArgumentTypeError(f"unknown format {text!r}; valid names: {', '.join(names)}")


def _version() -> str:
    from label_studio_sdk._version import __version__

    return __version__


_DESCRIPTION = (
    "Convert Label Studio JSON exports to other formats, and YOLO or COCO datasets to Label Studio tasks."
)
_EPILOG = f"""\
examples:
  {PROG} export -i export.json -c config.xml -f YOLO -o yolo_dataset
  {PROG} export -i export.json -f JSON_MIN -o out
  {PROG} import yolo -i yolo_dataset -o tasks.json
  {PROG} import coco -i instances.json -o tasks.json

Run '{PROG} COMMAND --help' for the options of a command.
"""

_EXPORT_DESCRIPTION = f"""\
Convert a Label Studio JSON export (a file, JSON Lines, or a folder of *.json
files) to FORMAT.

Media of the image and audio formats are looked up on disk (--upload-dir,
--project-dir, Local Storage) and otherwise downloaded from the Label Studio
server at --hostname (or $LABEL_STUDIO_URL) with the API key in
${API_KEY_ENV}. A file that cannot be had is skipped with a warning,
unless --fail-on-download-error is given.
"""

_EXPORT_EPILOG = f"""\
formats:
  JSON, JSON_MIN, CSV and TSV need no labeling config; the others need -c.
  Names are matched in any case (yolo = YOLO, json-min = JSON_MIN).

examples:
  {PROG} export -i export.json -c config.xml -f YOLO -o yolo
  {PROG} export -i exports/ -c config.xml -f COCO_WITH_IMAGES -o coco \\
      --upload-dir ~/.local/share/label-studio/media/upload
  {PROG} export -i export.json -f TSV -o out --csv-no-header
"""


def _verbosity_options() -> _Parser:
    # SUPPRESS as the default lets the options stand before or after the command without one resetting the other.
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("output")
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="also show progress messages (INFO)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show debug messages with their origin",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress bar, no result line, errors only",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The parser of the whole command line (every level has its --help)."""
    verbosity = _verbosity_options()
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog=PROG, description=_DESCRIPTION, epilog=_EPILOG, formatter_class=formatter, parents=[verbosity]
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.set_defaults(help_parser=parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    export = commands.add_parser(
        "export",
        help="Label Studio JSON export -> COCO, YOLO, VOC, CSV, JSON_MIN, CONLL2003, brush masks, ASR manifest",
        description=_EXPORT_DESCRIPTION,
        epilog=_EXPORT_EPILOG,
        formatter_class=formatter,
        parents=[verbosity],
    )
    _add_export_arguments(export)
    export.set_defaults(run=_run_export)

    imports = commands.add_parser(
        "import",
        help="YOLO or COCO dataset -> Label Studio tasks and a labeling config",
        description="Convert a YOLO or COCO dataset to a Label Studio tasks file and a labeling config.",
        formatter_class=formatter,
        parents=[verbosity],
    )
    imports.set_defaults(help_parser=imports)
    sources = imports.add_subparsers(dest="source", metavar="SOURCE", title="sources")
    yolo = sources.add_parser(
        "yolo",
        help="a YOLO folder (images/, labels/, classes.txt)",
        description=(
            "Convert a YOLO dataset folder to Label Studio tasks. The folder holds images/ (the images), "
            "labels/ (one <image name>.txt per image) and classes.txt (one class name per line). Also "
            "writes <output>.label_config.xml, a labeling config for the tasks."
        ),
        parents=[verbosity],
    )
    _add_yolo_arguments(yolo)
    yolo.set_defaults(run=_run_import_yolo)
    coco = sources.add_parser(
        "coco",
        help="a COCO annotations JSON file",
        description=(
            "Convert a COCO annotations file (images, categories, annotations with bbox, segmentation "
            "polygons or keypoints) to Label Studio tasks, one task per image. Also writes "
            "<output>.label_config.xml, a labeling config for the tasks."
        ),
        parents=[verbosity],
    )
    _add_coco_arguments(coco)
    coco.set_defaults(run=_run_import_coco)
    return parser


def _add_export_arguments(export: argparse.ArgumentParser) -> None:
    from label_studio_sdk.converter.media import DEFAULT_WORKERS

    names = ", ".join(_format_names())
    export.add_argument(
        "-i",
        "--input",
        required=True,
        type=_full_path,
        help="the export: a JSON file (a list of tasks, one task, or JSON Lines) or a folder of *.json files",
    )
    export.add_argument(
        "-o",
        "--output",
        default="output",
        type=_full_path,
        help="the output folder, created when missing (CSV/TSV also take a file name); default: ./output",
    )
    export.add_argument("-c", "--config", help="the labeling config: an XML file (or the XML itself)")
    export.add_argument(
        "-f",
        "--format",
        default="JSON",
        type=_format_name,
        metavar="FORMAT",
        help=f"one of {names}; default: JSON",
    )
    export.add_argument(
        "--annotations",
        choices=("newest", "oldest", "all"),
        help="which annotations of a task to export; default: newest for the one-file-per-image formats "
        "(COCO, VOC, YOLO, CONLL2003), all for the others",
    )
    tables = export.add_argument_group("CSV and TSV")
    tables.add_argument(
        "--csv-separator",
        type=_separator,
        metavar="SEP",
        help="the column separator ('\\t' for a tab); default: ',' for CSV, a tab for TSV",
    )
    tables.add_argument("--csv-no-header", action="store_true", help="leave out the header row")
    media = export.add_argument_group("images, labels and media")
    media.add_argument(
        "--image-dir",
        type=_full_path,
        metavar="DIR",
        help="where the image formats (COCO, VOC, YOLO and their *_WITH_IMAGES forms) put images; default: <output>/images",
    )
    media.add_argument(
        "--label-dir",
        type=_full_path,
        metavar="DIR",
        help="where the YOLO formats put label files; default: <output>/labels",
    )
    media.add_argument(
        "--project-dir", type=_full_path, metavar="DIR", help="the Label Studio project folder (older setups)"
    )
    media.add_argument(
        "--upload-dir",
        type=_full_path,
        metavar="DIR",
        help="the server's upload folder, to read /data/upload/... files from disk instead of downloading them",
    )
    media.add_argument(
        "--hostname",
        metavar="URL",
        help="the Label Studio server to download media from, e.g. http://localhost:8080; default: $LABEL_STUDIO_URL "
        f"(the API key is read from ${API_KEY_ENV})",
    )
    media.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help=f"media files downloaded at once; default: {DEFAULT_WORKERS}",
    )
    media.add_argument(
        "--fail-on-download-error",
        action="store_true",
        help="stop with an error when a media file cannot be had (default: skip it with a warning)",
    )
    legacy = export.add_argument_group("accepted for compatibility (no effect)")
    legacy.add_argument(
        "--heartex-format",
        action="store_true",
        help="earlier releases' switch between a file and a folder; the input kind is now detected",
    )
    legacy.add_argument(
        "--brush-to-coco", action="store_true", help="unused in earlier releases too; use -f BRUSH_TO_COCO"
    )


def _add_import_common(parser: argparse.ArgumentParser, *, image_root_url: str) -> None:
    parser.add_argument(
        "-o",
        "--output",
        default="output.json",
        type=_full_path,
        help="the Label Studio tasks file to write; default: ./output.json",
    )
    parser.add_argument(
        "--to-name", default="image", help="the object tag name in the config; default: image"
    )
    parser.add_argument(
        "--from-name", default="label", help="the control tag name in the config; default: label"
    )
    parser.add_argument(
        "--out-type",
        choices=("annotations", "predictions"),
        default="annotations",
        help="import the regions as annotations or as predictions; default: annotations",
    )
    parser.add_argument(
        "--image-root-url",
        default=image_root_url,
        metavar="URL",
        help=f"the URL prefix the images will be served under; default: {image_root_url}",
    )


def _add_yolo_arguments(yolo: argparse.ArgumentParser) -> None:
    yolo.add_argument(
        "-i", "--input", required=True, type=_full_path, metavar="DIR", help="the YOLO dataset folder"
    )
    _add_import_common(yolo, image_root_url="/data/local-files/?d=images")
    yolo.add_argument(
        "--image-ext",
        default=".jpg,.jpeg,.png",
        metavar="EXTS",
        help="comma-separated image file extensions to look for; default: .jpg,.jpeg,.png",
    )
    yolo.add_argument(
        "--image-dims",
        nargs=2,
        type=_positive_int,
        metavar=("WIDTH", "HEIGHT"),
        help="the size of every image, when they all have one size (faster: the images are not opened)",
    )


def _add_coco_arguments(coco: argparse.ArgumentParser) -> None:
    coco.add_argument(
        "-i", "--input", required=True, type=_full_path, metavar="FILE", help="the COCO annotations JSON file"
    )
    _add_import_common(coco, image_root_url="/data/local-files/?d=")
    coco.add_argument(
        "--point-width",
        type=float,
        default=1.0,
        help="the size of imported keypoints, in percent; default: 1.0",
    )
    coco.add_argument(
        "--use-super-categories",
        action="store_true",
        help="name labels '<supercategory>:<name>' rather than '<name>'",
    )


# -- the commands ------------------------------------------------------------------------------------


def _read_config(value: str) -> Tuple[str, str]:
    """``(XML, where it came from)`` for the -c value: the path of an XML file, or the XML itself."""
    if value.lstrip().startswith("<"):
        return value, "given on the command line"
    path = Path(os.path.expanduser(value))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"cannot read the labeling config {str(path)!r}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"the labeling config {str(path)!r} is not UTF-8 text ({exc.reason})") from exc
    if not text.lstrip().startswith("<"):
        raise CommandError(f"the labeling config {str(path)!r} is not XML (it should start with <View>)")
    return text, str(path)


def _warn_unused(args: argparse.Namespace, format_name: str) -> None:
    """Options the chosen format does not read: say so rather than ignore them silently."""
    unused: List[str] = []
    if format_name not in _CSV_FORMATS:
        if args.csv_separator is not None:
            unused.append("--csv-separator")
        if args.csv_no_header:
            unused.append("--csv-no-header")
    if format_name == "JSON" and args.annotations is not None:
        unused.append("--annotations")  # JSON writes the tasks as they are
    if format_name not in _IMAGE_FORMATS and args.image_dir is not None:
        unused.append("--image-dir")
    if format_name not in _YOLO_FORMATS and args.label_dir is not None:
        unused.append("--label-dir")
    for flag in unused:
        logger.warning("%s has no effect on the %s format", flag, format_name)


def _run_export(args: argparse.Namespace, console: _Console) -> int:
    from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
    from label_studio_sdk.converter.converter import Converter
    from label_studio_sdk.converter.formats import supported_formats
    from label_studio_sdk.converter.media import DEFAULT_WORKERS

    format_name: str = args.format
    source = Path(args.input)
    if not source.exists():
        raise CommandError(f"the input {str(source)!r} does not exist")
    if source.is_dir() and not any(source.glob("*.json")):
        logger.warning("the input folder %s holds no *.json files", source)
    token = os.environ.get(API_KEY_ENV) or None
    settings: Dict[str, Any] = dict(
        project_dir=args.project_dir, upload_dir=args.upload_dir, access_token=token, hostname=args.hostname
    )
    if args.config is None:
        # An empty schema: the tabular formats then keep every result, as a config-less export always did.
        converter = Converter({}, **settings)
        if format_name not in converter.supported_formats:
            raise UsageError(f"the {format_name} format needs the labeling config: pass -c CONFIG.xml")
    else:
        xml, origin = _read_config(args.config)
        try:
            converter = Converter(xml, **settings)
        except (LabelStudioError, ValueError) as exc:
            raise CommandError(f"the labeling config ({origin}) cannot be used: {exc}") from exc
        # A format the config allows but this release cannot write (DOCLANG needs a toolkit not shipped).
        possible = supported_formats(parse_config(xml))
        if format_name in possible and format_name not in converter.supported_formats:
            raise CommandError(f"the {format_name} export is not available in this release")
    _warn_unused(args, format_name)
    started = time.monotonic()
    with console.progress(f"exporting {format_name}") as progress:
        result = converter.convert(
            source,
            args.output,
            format_name,
            is_dir=source.is_dir(),
            csv_header=not args.csv_no_header,
            csv_separator=args.csv_separator,
            image_dir=args.image_dir,
            label_dir=args.label_dir,
            choose=args.annotations,
            on_download_error="raise" if args.fail_on_download_error else "skip",
            workers=args.workers or DEFAULT_WORKERS,
            progress=progress,
        )
    elapsed = time.monotonic() - started
    summary = f"{_count(console.tasks_read, 'task')} in {elapsed:.1f} s"
    if console.warnings:
        summary += f", {_count(console.warnings, 'warning')}"
    console.result(f"{PROG}: wrote {format_name} to {os.path.abspath(result)} ({summary})")
    return EXIT_OK


def _report_import(summary: ImportSummary, args: argparse.Namespace, console: _Console) -> None:
    """The result line of an import, and (unless -v already logged them) the steps to use its files."""
    counts = f"{_count(summary.tasks, 'task')}, {_count(summary.regions, 'region')}"
    if summary.skipped:
        counts += f", {_count(summary.skipped, 'record')} skipped"
    console.result(
        f"{PROG}: wrote Label Studio tasks to {summary.tasks_file} ({counts}) "
        f"and their labeling config to {summary.label_config_file}"
    )
    if _log_level(args) > logging.INFO:
        console.result(summary.instructions)


def _run_import_yolo(args: argparse.Namespace, console: _Console) -> int:
    if not os.path.isdir(args.input):
        raise CommandError(f"the YOLO dataset folder {args.input!r} does not exist or is not a folder")
    from label_studio_sdk.converter.imports.yolo import convert_yolo_to_ls

    summary = convert_yolo_to_ls(
        input_dir=args.input,
        out_file=args.output,
        to_name=args.to_name,
        from_name=args.from_name,
        out_type=args.out_type,
        image_root_url=args.image_root_url,
        image_ext=args.image_ext,
        image_dims=None if args.image_dims is None else tuple(args.image_dims),
    )
    _report_import(summary, args, console)
    return EXIT_OK


def _run_import_coco(args: argparse.Namespace, console: _Console) -> int:
    if not os.path.isfile(args.input):
        raise CommandError(f"the COCO file {args.input!r} does not exist or is not a file")
    from label_studio_sdk.converter.imports.coco import convert_coco_to_ls

    summary = convert_coco_to_ls(
        input_file=args.input,
        out_file=args.output,
        to_name=args.to_name,
        from_name=args.from_name,
        out_type=args.out_type,
        image_root_url=args.image_root_url,
        use_super_categories=args.use_super_categories,
        point_width=args.point_width,
    )
    _report_import(summary, args, console)
    return EXIT_OK


# -- the entry point ---------------------------------------------------------------------------------


def _log_level(args: argparse.Namespace) -> int:
    if getattr(args, "debug", False):
        return logging.DEBUG
    if getattr(args, "quiet", False):
        return logging.ERROR
    if getattr(args, "verbose", 0):
        return logging.INFO
    return logging.WARNING


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``label-studio-converter`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status."""
    stderr = sys.stderr
    secrets = [value for value in (os.environ.get(name) for name in _SECRET_ENVS) if value]
    console = _Console(stderr, secrets, quiet=False)
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except UsageError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    run: Optional[Callable[[argparse.Namespace, _Console], int]] = getattr(args, "run", None)
    if run is None:
        # No command (or `import` without a source): the help of that level, as a usage error.
        level: argparse.ArgumentParser = args.help_parser
        level.print_help(stderr)
        return EXIT_USAGE
    console.quiet = bool(getattr(args, "quiet", False))
    hostname = getattr(args, "hostname", None)
    if hostname:
        # A password in the server URL (http://user:password@host) is as secret as the key.
        console.add_secret(urlsplit(hostname).password)
    with _logging_to(console, _log_level(args)):
        try:
            return run(args, console)
        except UsageError as exc:
            console.error(str(exc))
            return EXIT_USAGE
        except CommandError as exc:
            console.error(str(exc))
            return EXIT_FAILURE
        except (LabelStudioError, FormatNotSupportedError, OSError) as exc:
            # Our own errors (unreadable export, missing extra, a failed download...), a format the config
            # cannot give (FormatNotSupportedError) and file-system failures: the user can act on these.
            console.error(_describe(exc))
            return EXIT_FAILURE
        except KeyboardInterrupt:
            console.error("interrupted")
            return EXIT_INTERRUPTED
        except Exception as exc:
            # A bug: keep the traceback (masked, as every line here is) so that it can be reported.
            console.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
            console.error(
                f"unexpected {type(exc).__name__} (a bug in {PROG}; please report it with the traceback)"
            )
            return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
