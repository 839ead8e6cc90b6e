"""Where input files come from: folders (recursive), files, ``.zip`` and
``.tar.gz``/``.tgz``/``.tar`` archives (members are read in memory, never
extracted to disk), and how their bytes become text.

Hidden files (``.name``), macOS resource forks (``._name``, ``__MACOSX/``)
are skipped.  A file named explicitly is read whatever its suffix; inside
folders and archives only files with one of the wanted suffixes are.
"""
import codecs
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Optional, Sequence, Tuple, Union

from .errors import ConversionError
from .report import ConversionReport

ARCHIVE_SUFFIXES: Tuple[str, ...] = (".zip", ".tar.gz", ".tgz", ".tar")


@dataclass(frozen=True)
class SourceFile:
    """One input file: ``name`` (path, or ``archive:member``), its bytes and,
    for a file on disk, its ``path``."""

    name: str
    data: bytes
    path: Optional[Path] = None

    @property
    def stem(self) -> str:
        """File name without directory and (last) suffix."""
        return file_stem(self.name)

    @property
    def relative_stem(self) -> str:
        """Name without its last suffix (keeps folders, for brat pairing)."""
        name = self.name
        dot = name.rfind(".")
        slash = max(name.rfind("/"), name.rfind("\\"), name.rfind(":"))
        return name[:dot] if dot > slash else name


def file_stem(name: str) -> str:
    """``dir/100-01.xml`` and ``release.zip:training/100-01.xml`` -> ``100-01``."""
    return PurePosixPath(name.replace("\\", "/").split(":")[-1]).stem


def _is_archive(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in ARCHIVE_SUFFIXES)


def _skipped(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _wanted(name: str, suffixes: Sequence[str]) -> bool:
    return name.lower().endswith(tuple(s.lower() for s in suffixes))


def _iter_archive(path: Path, suffixes: Sequence[str]) -> Iterator[SourceFile]:
    try:
        if path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as zf:
                for info in sorted(zf.infolist(), key=lambda i: i.filename):
                    if info.is_dir() or _skipped(info.filename) or not _wanted(info.filename, suffixes):
                        continue
                    yield SourceFile(f"{path}:{info.filename}", zf.read(info))
        else:
            with tarfile.open(path, "r:*") as tf:
                for member in tf:
                    if not member.isfile() or _skipped(member.name) or not _wanted(member.name, suffixes):
                        continue
                    handle = tf.extractfile(member)
                    if handle is not None:
                        yield SourceFile(f"{path}:{member.name}", handle.read())
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as err:
        raise ConversionError(f"{path}: cannot read archive ({type(err).__name__}: {err})") from None


def iter_source_files(
    sources: Iterable[Union[str, Path]], suffixes: Sequence[str]
) -> Iterator[SourceFile]:
    """Yield every input file under ``sources``, in a deterministic order.

    Raises :class:`ConversionError` for a missing path and when nothing at all
    matched (e.g. an empty folder).
    """
    found = 0
    wanted = "/".join(suffixes)
    for src in sources:
        path = Path(src)
        if not path.exists():
            raise ConversionError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not _skipped(str(p.relative_to(path))) and _wanted(p.name, suffixes)
            )
            if not files:
                raise ConversionError(f"{path}: no {wanted} files found in this folder")
            for p in files:
                found += 1
                yield SourceFile(str(p), _read_bytes(p), p)
        elif _is_archive(path):
            n = 0
            for member in _iter_archive(path, suffixes):
                n += 1
                yield member
            if n == 0:
                raise ConversionError(f"{path}: no {wanted} files found in this archive")
            found += n
        else:
            found += 1
            yield SourceFile(str(path), _read_bytes(path), path)
    if found == 0:
        raise ConversionError("no input files given")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise ConversionError(f"{path}: cannot read ({err.strerror or err})") from None


def decode_text(
    data: bytes,
    source: str,
    report: Optional[ConversionReport] = None,
    encoding: str = "utf-8",
    strip_bom: bool = True,
) -> str:
    """Decode bytes strictly; a UTF-8 BOM is removed (counted) when ``strip_bom``.

    Undecodable bytes are fatal: the error names the file, byte offset and line.
    """
    if strip_bom and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        if report is not None:
            report.repair("bom_stripped", source)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ConversionError(
            f"{source}: not valid {encoding.upper()} (byte 0x{data[err.start]:02x} at byte offset {err.start}, line {line})"
        ) from None
    except LookupError:
        raise ConversionError(f"{source}: unknown encoding {encoding!r}") from None
