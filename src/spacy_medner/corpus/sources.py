"""Where input files come from: folders (recursive), files, ``.zip`` and
``.tar.gz``/``.tgz``/``.tar`` archives (members are read in memory, never
extracted to disk), and how their bytes become text.

Every file met is either read or counted in the report (``inputs``):

- ignored, counted: hidden files (``.name``), macOS resource forks
  (``._name``, ``__MACOSX/``), files without a wanted suffix (inside
  folders and archives; a file named explicitly is read whatever its
  suffix), archive folder entries;
- refused, counted with a line (fatal under ``--strict``): archive members
  that are symlinks (never followed), whose name is absolute or contains a
  ``..`` component, that are devices/FIFOs, encrypted or unreadable (bad
  CRC, unsupported compression), a tar hard link whose target is not a
  regular file stored earlier in the archive; in folders, files that cannot
  be read, broken symlinks and non-regular files;
- read: regular files and members; a tar hard link is read from the
  archive's own copy of its target (nothing leaves the archive).

A missing path, a folder or archive with nothing to read, and an archive
that cannot be opened at all are fatal (:class:`ConversionError`).
"""
import codecs
import re
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Dict, Iterable, Iterator, Optional, Sequence, Tuple, Union

from .errors import ConversionError
from .report import ConversionReport, printable

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
    return any(p.startswith(".") and p not in (".", "..") or p == "__MACOSX" for p in parts)


def _wanted(name: str, suffixes: Sequence[str]) -> bool:
    return name.lower().endswith(tuple(s.lower() for s in suffixes))


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member_name(name: str) -> Optional[str]:
    """Why an archive member name is unsafe (absolute, ``..``), or None."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        return "absolute member name"
    if ".." in posix.split("/"):
        return "member name with a '..' component"
    if "\0" in posix:
        return "member name with a NUL character"
    return None


def _normalise(name: str) -> str:
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


def _zip_member_problem(info: zipfile.ZipInfo) -> Optional[str]:
    mode = info.external_attr >> 16
    if mode and stat.S_IFMT(mode) == stat.S_IFLNK:
        return "symlink member (not followed)"
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "not a regular file"
    if info.flag_bits & 0x1:
        return "encrypted member"
    return None


def _iter_zip(path: Path, suffixes: Sequence[str], report: ConversionReport) -> Iterator[SourceFile]:
    with zipfile.ZipFile(path) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            name = f"{path}:{printable(info.filename)}"
            if info.is_dir():
                report.input_ignored("archive folder entry")
                continue
            unsafe = unsafe_member_name(info.filename)
            if unsafe is not None:
                report.refuse_input(name, unsafe)
                continue
            if _skipped(info.filename):
                report.input_ignored("hidden file or macOS metadata")
                continue
            if not _wanted(info.filename, suffixes):
                report.input_ignored(f"not {'/'.join(suffixes)}")
                continue
            problem = _zip_member_problem(info)
            if problem is not None:
                report.refuse_input(name, problem)
                continue
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as err:
                report.refuse_input(name, "unreadable member", type(err).__name__)
                continue
            report.input_read()
            yield SourceFile(name, data)


def _iter_tar(path: Path, suffixes: Sequence[str], report: ConversionReport) -> Iterator[SourceFile]:
    with tarfile.open(path, "r:*") as tf:
        regular: Dict[str, tarfile.TarInfo] = {}
        for member in tf:
            name = f"{path}:{printable(member.name)}"
            if member.isdir():
                report.input_ignored("archive folder entry")
                continue
            unsafe = unsafe_member_name(member.name)
            if unsafe is not None:
                report.refuse_input(name, unsafe)
                continue
            if member.isfile():
                regular[_normalise(member.name)] = member
            if _skipped(member.name):
                report.input_ignored("hidden file or macOS metadata")
                continue
            if not _wanted(member.name, suffixes):
                report.input_ignored(f"not {'/'.join(suffixes)}")
                continue
            source = member
            if member.issym():
                report.refuse_input(name, "symlink member (not followed)")
                continue
            if member.islnk():
                target = regular.get(_normalise(member.linkname))
                if unsafe_member_name(member.linkname) is not None or target is None:
                    report.refuse_input(
                        name, "hard link to a member that is not a regular file stored before it"
                    )
                    continue
                source = target
                report.inputs["hard links read from their target in the archive"] += 1
            elif not member.isfile():
                report.refuse_input(name, "not a regular file")
                continue
            handle = tf.extractfile(source)
            if handle is None:  # cannot happen for a regular member; never drop silently
                report.refuse_input(name, "not a regular file")
                continue
            report.input_read()
            yield SourceFile(name, handle.read())


def _iter_archive(path: Path, suffixes: Sequence[str], report: ConversionReport) -> Iterator[SourceFile]:
    try:
        if path.name.lower().endswith(".zip"):
            yield from _iter_zip(path, suffixes, report)
        else:
            yield from _iter_tar(path, suffixes, report)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, zlib.error) as err:
        raise ConversionError(f"{path}: cannot read archive ({type(err).__name__})") from None


def _iter_folder(path: Path, suffixes: Sequence[str], report: ConversionReport) -> Iterator[SourceFile]:
    for p in sorted(path.rglob("*")):
        rel = str(p.relative_to(path))
        if p.is_dir():
            continue
        if _skipped(rel):
            report.input_ignored("hidden file or macOS metadata")
            continue
        if not _wanted(p.name, suffixes):
            report.input_ignored(f"not {'/'.join(suffixes)}")
            continue
        name = printable(str(p))
        if not p.is_file():
            report.refuse_input(name, "broken symlink" if p.is_symlink() else "not a regular file")
            continue
        try:
            data = p.read_bytes()
        except OSError as err:
            report.refuse_input(name, "cannot read", err.strerror or type(err).__name__)
            continue
        report.input_read()
        yield SourceFile(name, data, p)


def iter_source_files(
    sources: Iterable[Union[str, Path]],
    suffixes: Sequence[str],
    report: Optional[ConversionReport] = None,
) -> Iterator[SourceFile]:
    """Yield every input file under ``sources``, in a deterministic order.

    Every file or member that is not read is counted in ``report`` (see the
    module docstring).  Raises :class:`ConversionError` for a missing path,
    an archive that cannot be opened, and a folder or archive with nothing
    to read (e.g. an empty folder).
    """
    report = report if report is not None else ConversionReport()
    found = 0
    wanted = "/".join(suffixes)
    for src in sources:
        path = Path(src)
        if not path.exists():
            raise ConversionError(f"{printable(str(path))}: no such file or folder")
        before = len(report.inputs_refused)
        n = 0
        if path.is_dir():
            for f in _iter_folder(path, suffixes, report):
                n += 1
                yield f
            where = "in this folder"
        elif _is_archive(path):
            for f in _iter_archive(path, suffixes, report):
                n += 1
                yield f
            where = "in this archive"
        else:
            name = printable(str(path))
            data = read_bytes(path)
            report.input_read()
            n = 1
            yield SourceFile(name, data, path)
        if n == 0:
            refused = len(report.inputs_refused) - before
            also = f" ({refused} refused, first: {report.inputs_refused[before]['reason']})" if refused else ""
            raise ConversionError(f"{printable(str(path))}: no {wanted} files found {where}{also}")
        found += n
    if found == 0:
        raise ConversionError("no input files given")


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise ConversionError(f"{printable(str(path))}: cannot read ({err.strerror or type(err).__name__})") from None


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
        # the name comes from the file (XML declaration): not quoted
        raise ConversionError(f"{source}: unknown encoding declared") from None
