"""A folder of images as the input: which files, in which order, and how each becomes a row.

Both engines turn a file into a row with the same code. Pillow decodes it and converts it to the
model's channels (`decode`; the Ray engine's `ray.data.read_images` calls the same two Pillow
functions), then `prepare` crops, resizes and scales it. The files are every file under the folder,
subfolders included, hidden files and folders (a name starting with `.`) left out, in the order of their paths
relative to the folder. Before any work, every file is checked while Keras is imported and loads
the model: a file that is not an image, or cannot be read or decoded, is refused. The check runs
in a process of its own where it can (forked before Keras is imported), as a thread would compete
with the import for Python's interpreter lock and lengthen it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sys
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .graph import UsageError

MODES = {1: "L", 3: "RGB", 4: "RGBA"}  # channels -> Pillow mode
FILTERS = ("bilinear", "nearest", "bicubic", "lanczos", "box", "hamming")
CROPS = ("none", "center")
CHECK_BATCH = 64  # files per background check task (in a thread)
BACKENDS = ("tensorflow", "jax", "torch")


@dataclass(frozen=True)
class ImageSpec:
    """How a decoded image becomes one row of the model's input."""

    height: int
    width: int
    mode: str  # L, RGB or RGBA
    channels_first: bool
    crop: str  # none: the whole image, stretched; center: the centered region of the model's aspect ratio
    resize: str  # a Pillow filter name
    scale: float
    offset: float

    @property
    def sample_shape(self) -> tuple[int, int, int]:
        channels = len(self.mode) if self.mode != "L" else 1
        if self.channels_first:
            return channels, self.height, self.width
        return self.height, self.width, channels

    def as_list(self) -> list:
        return [self.height, self.width, self.mode, self.channels_first, self.crop, self.resize,
                self.scale, self.offset]


def decode(path: str | Path, mode: str):
    """The Pillow image of `path` in `mode`, as `ray.data.read_images(mode=...)` decodes it."""
    from PIL import Image

    image = Image.open(path)
    with warnings.catch_warnings():  # "Palette images with Transparency ...": not the user's concern
        warnings.simplefilter("ignore", UserWarning)
        if image.mode != mode:
            image = image.convert(mode)
        image.load()
    return image


def crop_box(width: int, height: int, spec: ImageSpec) -> tuple[int, int, int, int] | None:
    """The centered region of the model's aspect ratio (as Keras's crop_to_aspect_ratio), or None."""
    if spec.crop != "center":
        return None
    crop_height = max(min(height, int(width * spec.height / spec.width)), 1)
    crop_width = max(min(width, int(height * spec.width / spec.height)), 1)
    if (crop_width, crop_height) == (width, height):
        return None
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return left, top, left + crop_width, top + crop_height


def prepare(image, spec: ImageSpec) -> np.ndarray:
    """One row from a decoded image (a Pillow image, or its array as Ray Data gives it)."""
    from PIL import Image

    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    box = crop_box(*image.size, spec)
    if box is not None:
        image = image.crop(box)
    if image.size != (spec.width, spec.height):
        image = image.resize((spec.width, spec.height), getattr(Image.Resampling, spec.resize.upper()))
    array = np.asarray(image, dtype=np.float32)
    if array.ndim == 2:
        array = array[..., None]
    if spec.channels_first:
        array = array.transpose(2, 0, 1)
    return array * np.float32(spec.scale) + np.float32(spec.offset)


def check(path: Path) -> str | None:
    """Why `path` cannot be a row (one short phrase), or None. Every byte of the image is read:
    a PNG's checksums are verified, a JPEG is decoded at 1/8 scale, anything else is decoded."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if image.format == "PNG":
                image.verify()
            else:
                if image.format == "JPEG":
                    image.draft(image.mode, (1, 1))
                image.load()
    except UnidentifiedImageError:
        return "not an image (Pillow cannot identify it)"
    except PermissionError:
        return "cannot be read (permission denied)"
    except OSError as err:
        if err.errno is not None:  # the system's refusal (a broken link, a loop of links), not Pillow's
            return f"cannot be read ({err.strerror})"
        first = (str(err).splitlines() or [type(err).__name__])[0]
        return f"cannot be decoded ({first})"
    except Exception as err:  # noqa: BLE001  (whatever a broken file makes Pillow raise)
        first = (str(err).splitlines() or [type(err).__name__])[0]
        return f"cannot be decoded ({first})"
    return None


def list_files(folder: Path, linked_folders: list[str] | None = None) -> list[tuple[str, int, int]]:
    """(path relative to `folder`, size, mtime_ns) of every file under it, hidden ones left out,
    in the order of the relative paths. A link to a file is a file (a broken one, or a loop, is
    listed too, for the check to refuse); a link to a folder is not followed (it could lead out of
    the folder, or back into it for ever): its path goes to `linked_folders`."""
    found = []
    pending = [folder]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    relative = Path(entry.path).relative_to(folder).as_posix()
                    if entry.is_symlink():
                        if points_to_folder(entry):
                            if linked_folders is not None:
                                linked_folders.append(relative)
                            continue
                    elif entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
                        continue
                    elif not entry.is_file(follow_symlinks=False):
                        continue  # a socket, a pipe, a device: not a file to read
                    try:
                        stat = entry.stat()
                    except OSError:  # a broken link: the check says so
                        stat = entry.stat(follow_symlinks=False)
                    found.append((relative, stat.st_size, stat.st_mtime_ns))
        except OSError as err:
            raise UsageError(f"cannot list the folder {directory}: {err.strerror or err}") from None
    if linked_folders is not None:
        linked_folders.sort()
    return sorted(found)


def points_to_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a loop of links
        return False


def check_all(paths: list[Path], sender) -> None:
    """The check process: every file's reason (or None), sent back in one message. Ctrl-C reaches
    the whole process group: the parent reports it and ends this process."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reasons = [check(path) for path in paths]
    try:
        sender.send(reasons)
    except OSError:  # the parent is gone (killed): nobody to tell
        pass
    sender.close()


def can_fork_checks() -> bool:
    """Whether the checks can run in a forked process: on Linux, while no backend is loaded."""
    return sys.platform.startswith("linux") and not any(name in sys.modules for name in BACKENDS)


class Checks:
    """`check` on every path, in the background: in a forked process while this process is still
    small and holds no backend (the command line's case, on Linux), else in a thread."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths, self.process, self.receiver, self.executor = paths, None, None, None
        self.futures: list[Future] = []
        if can_fork_checks():
            fork = multiprocessing.get_context("fork")
            sys.stdout.flush()  # what is buffered would be written twice
            sys.stderr.flush()
            self.receiver, sender = fork.Pipe(duplex=False)
            self.process = fork.Process(target=check_all, args=(paths, sender), name="check-images", daemon=True)
            self.process.start()
            sender.close()
            return
        # a backend is loaded (main() called from Python, as the tests do): forking it could deadlock
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="check-images")
        self.futures = [self.executor.submit(lambda part: [check(p) for p in part], paths[i : i + CHECK_BATCH])
                        for i in range(0, len(paths), CHECK_BATCH)]

    def reasons(self) -> list[str | None]:
        """Wait for every file's reason (None: a readable image), in the order of the paths."""
        if self.process is not None:
            try:
                reasons = self.receiver.recv()
            except EOFError:  # the process died (killed, out of memory): check here instead
                reasons = [check(path) for path in self.paths]
            self.close()
            return reasons
        reasons = [reason for future in self.futures for reason in future.result()]
        self.close()
        return reasons

    def close(self) -> None:
        """Stop the checks still running (after an error elsewhere: the process need not wait)."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.receiver.close()
            self.process = None
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None


@dataclass
class ImageFolder:
    """One model input read from a folder of images; `settle` before reading `files` or rows."""

    name: str
    path: Path  # absolute (the Ray engine's readers may run elsewhere)
    listed: list[tuple[str, int, int]]
    shown: Path = Path()  # as the user gave it, for messages
    spec: ImageSpec | None = None
    dtype: str = "float32"
    files: list[str] = field(default_factory=list)
    digest: str = ""
    checks: Checks | None = field(default=None, repr=False)
    linked_folders: list[str] = field(default_factory=list)  # links to folders: not followed

    @classmethod
    def open(cls, path: Path, out: Path | None) -> ImageFolder:
        folder = path.resolve()
        if out is not None and out.resolve().is_relative_to(folder):
            raise UsageError(
                f"--out {out} is inside the image folder {path}: its files would be read as images "
                "next time; give an --out outside it"
            )
        linked: list[str] = []
        listed = list_files(folder, linked)
        column = cls("", folder, listed, shown=path, linked_folders=linked)
        column.checks = Checks([folder / name for name, _, _ in listed])
        return column

    def close(self) -> None:
        """Stop the checks still running (after an error elsewhere: the process need not wait)."""
        if self.checks is not None:
            self.checks.close()

    def settle(self, skip_bad: bool) -> list[str]:
        """Wait for the checks: refuse the bad files (one line each), or leave them out with
        --skip-bad-files and return the lines that list them."""
        reasons = self.checks.reasons()
        kept, lines = [], []
        for (name, size, mtime), reason in zip(self.listed, reasons, strict=True):
            if reason is None and "\n" in name:
                reason = "its name holds a line break, which files.txt cannot list"
            if reason is None:
                kept.append((name, size, mtime))
            else:
                lines.append(f"{self.shown / name}: {reason}")
        if lines and not skip_bad:
            raise UsageError("\n".join([
                *lines,
                f"{len(lines)} of {len(self.listed)} files in {self.shown} are not readable images: "
                "remove them, or pass --skip-bad-files to leave them out",
            ]))
        if not kept:
            raise UsageError(f"no image in {self.shown}" + (" (every file was left out)" if lines else ""))
        self.files = [name for name, _, _ in kept]
        self.digest = hashlib.sha256("\n".join(f"{n}\t{s}\t{m}" for n, s, m in kept).encode(
            errors="surrogateescape")).hexdigest()
        return [f"not followed: {self.shown / name}, a link to a folder (links to folders are not read)"
                for name in self.linked_folders] + [f"skipped {line}" for line in lines]

    @property
    def shape(self) -> tuple:
        return (len(self.files), *(self.spec.sample_shape if self.spec else ()))

    def signature(self) -> list:
        return [str(self.path), len(self.files), self.digest, self.spec.as_list() if self.spec else None]

    def paths(self, start: int, stop: int) -> list[str]:
        return [str(self.path / name) for name in self.files[start:stop]]

    def read(self, start: int, stop: int, dtype) -> np.ndarray:
        """Rows start..stop, decoded one after the other (the local engine reads the next chunk in a
        thread of its own while the model computes this one)."""

        def row(path: str) -> np.ndarray:
            try:
                return prepare(decode(path, self.spec.mode), self.spec)
            except OSError as err:  # changed since the check
                raise UsageError(f"cannot read {path} as an image any more: {err}") from None

        values = np.empty((stop - start, *self.spec.sample_shape), dtype=dtype)
        for index, path in enumerate(self.paths(start, stop)):
            values[index] = row(path)
        return values


def image_spec(folder: ImageFolder, tensor, size: list[int] | None, crop: str, resize: str,
               scale: float, offset: float) -> ImageSpec:
    """The spec for the model input `tensor`: its size and channels, or the options' size."""
    shape = tuple(tensor.shape[1:])
    where = f"the model's input {tensor.name!r}"
    if len(shape) != 3:
        raise UsageError(f"{folder.shown} is a folder of images, but {where} takes samples of shape {shape}, "
                         "not images (height, width, channels)")
    import keras

    last, first = shape[-1] in MODES, shape[0] in MODES
    channels_first = first and (not last or keras.config.image_data_format() == "channels_first")
    if not (last or first):
        raise UsageError(f"{where} takes samples of shape {shape}: no axis of 1, 3 or 4 channels to read "
                         "images into")
    channels, height, width = (shape[0], *shape[1:]) if channels_first else (shape[-1], *shape[:2])
    if size is not None:
        fixed = [(n, given) for n, given in zip((height, width), size, strict=True) if n is not None and n != given]
        if fixed:
            raise UsageError(f"--image-size {size[0]} {size[1]}: {where} takes images of {height}x{width} only: "
                             "leave out --image-size")
        height, width = size
    elif height is None or width is None:
        raise UsageError(f"{where} takes images of any size ({shape}): give --image-size HEIGHT WIDTH")
    return ImageSpec(height, width, MODES[channels], channels_first, crop, resize, scale, offset)


def print_lines(lines: list[str]) -> None:
    for line in lines:
        print(f"extract_layers: {line}", file=sys.stderr)
