"""Safe outputs: atomic writes through unpredictable temp files, and the input guard.

Every command that writes files goes through this module:

- :func:`atomic_output` / :func:`atomic_write_bytes` write to a temp file made
  with :func:`tempfile.mkstemp` in the target's folder (``O_CREAT | O_EXCL``,
  an unpredictable name, mode 0600), then ``os.replace`` it onto the target;
  :func:`atomic_to_disk` does the same for a folder (a spaCy pipeline).
  A symlink planted at the target or at a predictable temp name is never
  followed: ``os.replace`` replaces the link itself.
- :class:`InputGuard` refuses any output that is, or resolves (through
  symlinks in any component) to, one of the inputs or a path inside an input
  folder, and two outputs that resolve to the same file.
"""
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator, Set, Tuple, Union

PathLike = Union[str, Path]


class UnsafeOutputError(ValueError):
    """An output would overwrite an input, or another output."""


@contextlib.contextmanager
def atomic_output(path: PathLike, mode: str = "wb", encoding: str = "utf8") -> Iterator[IO]:
    """Open a temp file beside ``path``; on success it replaces ``path``, else it is removed.

    mode: ``"wb"`` or ``"w"`` (text, ``encoding``, ``\\n`` newlines).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if "b" in mode:
            handle = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline="\n")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf8") -> None:
    """Write ``text`` to ``path`` atomically, with ``\\n`` newlines."""
    with atomic_output(path, "w", encoding=encoding) as handle:
        handle.write(text)


def atomic_to_disk(obj: "object", path: PathLike) -> None:
    """``obj.to_disk`` (a spaCy pipeline) into a temp folder beside ``path``, then swap it in.

    A crash leaves the old folder (or none), never a half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    old: Union[Path, None] = None
    try:
        obj.to_disk(tmp)  # type: ignore[attr-defined]
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            os.replace(path, old / "x")
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _identity(path: Path) -> Tuple[int, int]:
    st = path.stat()
    return (st.st_dev, st.st_ino)


def is_inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


class InputGuard:
    """Knows the inputs of a command and refuses outputs that would write over them.

    inputs: files and folders the command reads (folders: everything below them).
    """

    def __init__(self, inputs: Iterable[PathLike]) -> None:
        self.files: Set[Path] = set()
        self.folders: Set[Path] = set()
        self.identities: Set[Tuple[int, int]] = set()
        for item in inputs:
            p = Path(item)
            real = Path(os.path.realpath(p))
            if real.is_dir():
                self.folders.add(real)
            else:
                self.files.add(real)
                if real.exists():
                    self.identities.add(_identity(real))
        self._claimed: Set[Path] = set()

    def problem(self, out: PathLike) -> Union[str, None]:
        """Why ``out`` may not be written, or ``None`` when it is safe."""
        real = Path(os.path.realpath(out))
        if real in self.files:
            return "it is an input file"
        for folder in self.folders:
            if real == folder:
                return "it is an input folder"
            if is_inside(real, folder):
                return "it lies inside an input folder"
        try:
            if _identity(real) in self.identities:
                return "it is an input file (hard link)"
        except OSError:
            pass
        if real in self._claimed:
            return "another output of this run has the same path"
        return None

    def check(self, out: PathLike, what: str = "OUT") -> Path:
        """Raise :class:`UnsafeOutputError` if ``out`` is unsafe; else claim it and return it."""
        why = self.problem(out)
        if why is not None:
            raise UnsafeOutputError(f"{what} {out}: refusing to write there, {why}")
        self._claimed.add(Path(os.path.realpath(out)))
        return Path(out)

    def check_folder(self, out: PathLike, what: str = "OUT") -> Path:
        """Refuse an output folder that is, lies inside, or contains an input."""
        self.check(out, what)
        real = Path(os.path.realpath(out))
        for inp in self.files | self.folders:
            if is_inside(inp, real):
                raise UnsafeOutputError(f"{what} {out}: refusing to write there, it contains an input")
        return Path(out)
