"""``Converter``: a Label Studio JSON export turned into any of the export formats.

The Label Studio server builds every export through this class (``supported_formats``, ``all_formats()``,
``convert()``), and people use it offline and through the ``label-studio-converter`` command. The input is
streamed (a file or a directory of ``*.json``), each format module writes as it reads, and media downloads
go through the ``local_files_resolver`` and ``http_session`` given here for the duration of a call.
"""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk._extensions.label_studio_tools.core.utils import io
from label_studio_sdk.converter import geometry
from label_studio_sdk.converter.categories import Categories
from label_studio_sdk.converter.exports._output import PathLike, safe_subdir
from label_studio_sdk.converter.formats import (
    FORMAT_INFO,
    Format,
    FormatNotSupportedError,
    data_keys,
    supported_formats,
)
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items
from label_studio_sdk.converter.media import DEFAULT_WORKERS, MediaSettings, OnError
from label_studio_sdk.converter.reader import iter_tasks

logger: logging.Logger = logging.getLogger(__name__)

Progress = Callable[[int], None]
"""Called with the number of tasks read so far."""
LocalFilesResolver = Callable[[str], Optional[str]]

_XML_START = "<"


def _load_config(config: Union[ParsedConfig, str, os.PathLike[str], None]) -> ParsedConfig:
    """A parsed config from a ``parse_config`` dict, an XML string or the path of an XML file."""
    if config is None:
        logger.warning("no labeling config given: only the JSON formats can be exported")
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    if isinstance(config, os.PathLike) or not str(config).lstrip().startswith(_XML_START):
        path = Path(config)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read the labeling config file {str(path)!r}: {exc.strerror}") from exc
        return parse_config(text)
    return parse_config(str(config))


class _CountedTasks:
    """The tasks of an input, counted for the progress callback as they are read."""

    def __init__(self, source: PathLike, progress: Optional[Progress]) -> None:
        self.source = source
        self.progress = progress
        self.count = 0

    def __call__(self) -> Iterator[Dict[str, Any]]:
        self.count = 0
        for task in iter_tasks(self.source):
            yield task
            self.count += 1
            if self.progress is not None:
                self.progress(self.count)


class Converter:
    """Exports of one labeling config: ``convert(input, output, format)`` writes ``format`` files from a JSON export.

    ``config`` is a ``parse_config`` dict (what the server passes), an XML string or the path of an XML file.
    ``output_tags`` limits the controls that are exported. ``upload_dir``, ``project_dir``, ``hostname`` and
    ``access_token`` tell the image formats where task media are; ``download_resources`` says whether VOC
    copies images (the ``*_WITH_IMAGES`` formats always do, COCO and YOLO never do).
    """

    def __init__(
        self,
        config: Union[ParsedConfig, str, os.PathLike[str], None],
        project_dir: Optional[str],
        output_tags: Optional[Sequence[str]] = None,
        upload_dir: Optional[str] = None,
        download_resources: bool = True,
        access_token: Optional[str] = None,
        hostname: Optional[str] = None,
        local_files_resolver: Optional[LocalFilesResolver] = None,
        http_session: Optional[Any] = None,
    ) -> None:
        self.project_dir = project_dir
        self.upload_dir = upload_dir
        self.download_resources = download_resources
        self.access_token = access_token
        self.hostname = hostname
        self.local_files_resolver = local_files_resolver
        self.http_session = http_session
        full_config = _load_config(config)
        self._config = full_config
        self._output_tags = list(full_config) if output_tags is None else list(output_tags)
        unknown = [name for name in self._output_tags if name not in full_config]
        if unknown:
            raise ValueError(f"output_tags names controls that are not in the config: {', '.join(unknown)}")
        self._schema: ParsedConfig = {name: full_config[name] for name in self._output_tags}
        self._data_keys = data_keys(self._schema)
        self.is_keypoints = any(control.get("type") == "KeyPointLabels" for control in self._schema.values())
        formats = supported_formats(full_config, None if output_tags is None else self._output_tags)
        # DOCLANG packs .dclx archives with the third-party doclang toolkit, which this package does not ship.
        self._supported_formats = [name for name in formats if name != Format.DOCLANG.name]

    def __repr__(self) -> str:
        # The access token is left out on purpose.
        return (
            f"Converter(controls={list(self._schema)!r}, project_dir={self.project_dir!r}, "
            f"upload_dir={self.upload_dir!r}, hostname={self.hostname!r}, "
            f"download_resources={self.download_resources!r})"
        )

    # -- formats -------------------------------------------------------------------------------------

    @property
    def supported_formats(self) -> List[str]:
        """The names of the formats this config can be exported to (computed once, from the config)."""
        return list(self._supported_formats)

    def all_formats(self) -> Dict[Format, Dict[str, Any]]:
        """Every listed format with its ``title``, ``description``, ``link`` and ``tags`` (copies, safe to change)."""
        return copy.deepcopy(FORMAT_INFO)

    def _check_format(self, fmt: Union[Format, str]) -> Format:
        member = fmt if isinstance(fmt, Format) else Format.from_string(str(fmt))
        if member.name not in self._supported_formats:
            raise FormatNotSupportedError(
                f"the labeling config cannot be exported as {member.name}; "
                f"it supports {', '.join(self._supported_formats)}"
            )
        return member

    # -- the one entry point ------------------------------------------------------------------------

    def convert(
        self,
        input_data: PathLike,
        output_data: PathLike,
        format: Union[Format, str],
        is_dir: bool = True,
        *,
        csv_header: bool = True,
        csv_separator: Optional[str] = None,
        image_dir: Optional[PathLike] = None,
        label_dir: Optional[PathLike] = None,
        image_key: Optional[str] = None,
        image_list_key: Optional[str] = None,
        choose: Optional[Choose] = None,
        on_download_error: OnError = "skip",
        workers: int = DEFAULT_WORKERS,
        progress: Optional[Progress] = None,
    ) -> Path:
        """Write ``format`` from the export ``input_data`` (a JSON file, JSON Lines, or a folder of ``*.json``).

        ``output_data`` is the output folder (CSV/TSV also accept a file path). ``is_dir`` is accepted for
        compatibility: the input is read as a folder or a file according to what it is. ``choose`` picks the
        annotations exported per task (``"newest"``, ``"oldest"`` or ``"all"``; by default all of them for
        the JSON and CSV formats and the newest for the one-file-per-image formats). Returns the main
        output file or folder.
        """
        del is_dir, image_key, image_list_key  # see the docstring; the keys serve DOCLANG only
        member = self._check_format(format)
        tasks = _CountedTasks(input_data, progress)
        with io.local_files_resolver(self.local_files_resolver), io.http_session(self.http_session):
            return self._write(
                member,
                tasks,
                output_data,
                csv_header=csv_header,
                csv_separator=csv_separator,
                image_dir=image_dir,
                label_dir=label_dir,
                choose=choose,
                on_error=on_download_error,
                workers=workers,
            )

    def _media(self, workers: int) -> MediaSettings:
        return MediaSettings(
            project_dir=self.project_dir,
            upload_dir=self.upload_dir,
            hostname=self.hostname,
            access_token=self.access_token,
            workers=workers,
        )

    def _write(
        self,
        member: Format,
        tasks: _CountedTasks,
        output: PathLike,
        *,
        csv_header: bool,
        csv_separator: Optional[str],
        image_dir: Optional[PathLike],
        label_dir: Optional[PathLike],
        choose: Optional[Choose],
        on_error: OnError,
        workers: int,
    ) -> Path:
        schema = self._schema
        per_image: Choose = choose or "newest"
        every: Choose = choose or "all"
        if member is Format.JSON:
            from label_studio_sdk.converter.exports.json_export import write_json

            return write_json(tasks(), output)
        if member is Format.JSON_MIN:
            from label_studio_sdk.converter.exports.json_min import write_json_min

            return write_json_min(tasks(), schema, output, choose=every)
        if member in (Format.CSV, Format.TSV, Format.CSV_OLD):
            from label_studio_sdk.converter.exports.csv_export import write_csv

            separator = csv_separator or ("\t" if member is Format.TSV else ",")
            return write_csv(tasks(), schema, output, sep=separator, header=csv_header, choose=every)
        if member is Format.CONLL2003:
            from label_studio_sdk.converter.exports.conll import write_conll2003

            return write_conll2003(tasks(), schema, output, choose=per_image)
        media = self._media(workers)
        if member in (Format.COCO, Format.COCO_WITH_IMAGES):
            from label_studio_sdk.converter.exports.coco import write_coco

            return write_coco(
                tasks(),
                schema,
                output,
                media=media,
                copy_images=member is Format.COCO_WITH_IMAGES,
                image_dir=image_dir,
                choose=per_image,
                on_error=on_error,
            )
        if member is Format.VOC:
            from label_studio_sdk.converter.exports.voc import write_voc

            return write_voc(
                tasks(),
                schema,
                output,
                media=media,
                copy_images=self.download_resources,
                image_dir=image_dir,
                choose=per_image,
                on_error=on_error,
            )
        if member in (Format.YOLO, Format.YOLO_WITH_IMAGES, Format.YOLO_OBB, Format.YOLO_OBB_WITH_IMAGES):
            from label_studio_sdk.converter.exports.yolo import write_yolo

            return write_yolo(
                tasks(),
                schema,
                output,
                media=media,
                copy_images=member in (Format.YOLO_WITH_IMAGES, Format.YOLO_OBB_WITH_IMAGES),
                oriented=member in (Format.YOLO_OBB, Format.YOLO_OBB_WITH_IMAGES),
                image_dir=image_dir,
                label_dir=label_dir,
                choose=per_image,
                on_error=on_error,
            )
        if member in (Format.BRUSH_TO_NUMPY, Format.BRUSH_TO_PNG):
            from label_studio_sdk.converter.exports.brush_masks import write_brush_masks

            write_brush_masks(
                tasks(),
                schema,
                output,
                image_format="numpy" if member is Format.BRUSH_TO_NUMPY else "png",
                choose=every,
            )
            return Path(output)
        if member is Format.BRUSH_TO_COCO:
            from label_studio_sdk.converter.exports.brush_coco import write_brush_coco

            written = write_brush_coco(tasks(), schema, output, choose=every)
            # Earlier releases left an (empty) images folder beside the file, so the server served a zip.
            safe_subdir(output, "images")
            return written
        if member is Format.ASR_MANIFEST:
            from label_studio_sdk.converter.exports.asr import write_asr_manifest

            return write_asr_manifest(tasks(), schema, output, media=media, choose=every, on_error=on_error)
        raise FormatNotSupportedError(f"{member.name} export is not available in this release")

    # -- per-format methods (earlier releases' names) --------------------------------------------------

    def convert_to_json(self, input_data: PathLike, output_dir: PathLike, is_dir: bool = True) -> Path:
        """The tasks as one JSON array in ``<output_dir>/result.json``."""
        return self.convert(input_data, output_dir, Format.JSON, is_dir)

    def convert_to_json_min(self, input_data: PathLike, output_dir: PathLike, is_dir: bool = True) -> Path:
        """One flat record per annotation in ``<output_dir>/result.json``."""
        return self.convert(input_data, output_dir, Format.JSON_MIN, is_dir)

    def convert_to_csv(
        self,
        input_data: PathLike,
        output_dir: PathLike,
        is_dir: bool = True,
        *,
        sep: str = ",",
        header: bool = True,
    ) -> Path:
        """One row per annotation in ``result.csv`` (or the ``.csv``/``.tsv`` file ``output_dir`` names)."""
        return self.convert(
            input_data,
            output_dir,
            Format.TSV if sep == "\t" else Format.CSV,
            is_dir,
            csv_separator=sep,
            csv_header=header,
        )

    def convert_to_conll2003(self, input_data: PathLike, output_dir: PathLike, is_dir: bool = True) -> Path:
        """Tokens and BIO tags in ``<output_dir>/result.conll``."""
        return self.convert(input_data, output_dir, Format.CONLL2003, is_dir)

    def convert_to_coco(
        self,
        input_data: PathLike,
        output_dir: PathLike,
        output_image_dir: Optional[PathLike] = None,
        is_dir: bool = True,
    ) -> Path:
        """COCO ``result.json``; images are copied when ``download_resources`` is on."""
        return self.convert(
            input_data,
            output_dir,
            Format.COCO_WITH_IMAGES if self.download_resources else Format.COCO,
            is_dir,
            image_dir=output_image_dir,
        )

    def convert_to_voc(
        self,
        input_data: PathLike,
        output_dir: PathLike,
        output_image_dir: Optional[PathLike] = None,
        is_dir: bool = True,
    ) -> Path:
        """Pascal VOC files in ``<output_dir>/Annotations``; images are copied when ``download_resources`` is on."""
        return self.convert(input_data, output_dir, Format.VOC, is_dir, image_dir=output_image_dir)

    def convert_to_yolo(
        self,
        input_data: PathLike,
        output_dir: PathLike,
        output_image_dir: Optional[PathLike] = None,
        output_label_dir: Optional[PathLike] = None,
        is_dir: bool = True,
        split_labelers: bool = False,
        is_obb: bool = False,
    ) -> Path:
        """YOLO ``labels/``, ``classes.txt`` and ``notes.json``; images are copied when ``download_resources`` is on."""
        from label_studio_sdk.converter.exports.yolo import write_yolo

        member = Format.YOLO_OBB if is_obb else Format.YOLO
        self._check_format(member)
        with io.local_files_resolver(self.local_files_resolver), io.http_session(self.http_session):
            return write_yolo(
                iter_tasks(input_data),
                self._schema,
                output_dir,
                media=self._media(DEFAULT_WORKERS),
                copy_images=self.download_resources,
                oriented=is_obb,
                image_dir=output_image_dir,
                label_dir=output_label_dir,
                split_labelers=split_labelers,
            )

    def convert_to_brush(
        self, input_data: PathLike, output_dir: PathLike, image_format: str = "numpy", is_dir: bool = True
    ) -> Path:
        """One mask file per brush region: ``.npy`` (``image_format="numpy"``) or ``.png``."""
        member = Format.BRUSH_TO_PNG if image_format == "png" else Format.BRUSH_TO_NUMPY
        return self.convert(input_data, output_dir, member, is_dir)

    def convert_to_asr_manifest(
        self, input_data: PathLike, output_dir: PathLike, is_dir: bool = True
    ) -> Path:
        """An ASR ``manifest.json`` (JSON Lines) with the audio files copied into ``audio/``."""
        return self.convert(input_data, output_dir, Format.ASR_MANIFEST, is_dir)

    # -- helpers earlier releases exposed ----------------------------------------------------------------

    def iter_from_dir(self, input_dir: PathLike) -> Iterator[Dict[str, Any]]:
        """The tasks of every ``*.json`` file of a folder, in name order."""
        return iter_tasks(input_dir)

    def iter_from_json_file(self, json_file: PathLike) -> Iterator[Dict[str, Any]]:
        """The tasks of one export file (an array, one object, or JSON Lines), streamed."""
        return iter_tasks(json_file)

    def annotation_result_from_task(self, task: Mapping[str, Any]) -> Iterator[Dict[str, Any]]:
        """The per-annotation items of a task for the exported controls, newest first."""
        return annotation_items(task, ControlIndex(self._schema), choose="all")

    def _get_labels(self) -> Tuple[List[Dict[str, Any]], Dict[str, int]]:
        """``(categories, label name -> id)`` as the image formats number them."""
        categories = Categories(self._schema)
        entries = categories.entries()
        return entries, {entry["name"]: entry["id"] for entry in entries}

    @staticmethod
    def rotated_rectangle(label: Mapping[str, Any]) -> Optional[Tuple[float, float, float, float]]:
        """The axis-aligned box, in percent, around a rotated LS rectangle (None when x/y/size are missing)."""
        return geometry.rotated_rectangle(label)
