"""Reading the inputs and writing the outputs, so that memory stays flat and no file is lost.

Inputs: one `.npy` (one sample per row) for a one-input model, `NAME=FILE.npy` pairs, or one `.npz`
whose keys are the model's input names. Rows are read through a memory map of one window at a
time (an uncompressed `.npz` member is mapped in place; a compressed one is read whole).

Outputs: one `.npy` per requested tensor, written under `<name>.npy.partial` and renamed only once
every row is in. A hidden sidecar `.extract_layers[.shard-IIIII-of-NNNNN].progress.json` records
which chunks are on disk, so `--resume` continues an interrupted run without recomputing them,
and which run computed which chunk, so that can be checked; it stays after the run as that
record, with what each complete output in the folder was made from (model, inputs, shard).
"""

from __future__ import annotations

import functools
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .graph import UsageError
from .images import ImageFolder


@dataclass
class Column:
    """One model input's data: a file, where its array starts, its shape and dtype."""

    name: str
    path: Path
    offset: int | None  # None: a compressed .npz member, read whole
    shape: tuple
    dtype: np.dtype
    key: str | None = None


def npy_header(handle) -> tuple[tuple, np.dtype]:
    version = np.lib.format.read_magic(handle)
    read = (
        np.lib.format.read_array_header_1_0
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0
    )
    shape, fortran, dtype = read(handle)
    if fortran and len(shape) > 1:
        raise UsageError(
            "Fortran-ordered arrays cannot be streamed by rows; save with np.ascontiguousarray"
        )
    return shape, dtype


def npy_column(name: str, path: Path) -> Column:
    try:
        array = np.load(path, mmap_mode="r")
    except (ValueError, OSError) as err:
        if is_image(path):
            raise UsageError(f"{path} is one image; images are read from a folder, one row per image file: "
                             f"give a folder that holds them (such as {path.parent}{os.sep})") from None
        raise UsageError(f"cannot read {path} as a .npy file: {err}") from None
    if not isinstance(array, np.memmap) or (array.ndim > 1 and not array.flags.c_contiguous):
        raise UsageError(f"{path} is not a plain C-ordered .npy array")
    return Column(name, path, array.offset, array.shape, array.dtype)


def is_image(path: Path) -> bool:
    try:
        from PIL import Image, UnidentifiedImageError

        with Image.open(path):
            return True
    except (ImportError, UnidentifiedImageError, OSError):
        return False


def npz_columns(path: Path) -> list[Column]:
    columns = []
    try:
        with zipfile.ZipFile(path) as archive, open(path, "rb") as raw:
            for info in archive.infolist():
                key = info.filename.removesuffix(".npy")
                with archive.open(info) as member:
                    shape, dtype = npy_header(member)
                    header = member.tell()
                offset = None
                if info.compress_type == zipfile.ZIP_STORED:
                    raw.seek(info.header_offset)
                    local = raw.read(30)
                    name_len, extra_len = (
                        int.from_bytes(local[26:28], "little"),
                        int.from_bytes(local[28:30], "little"),
                    )
                    offset = info.header_offset + 30 + name_len + extra_len + header
                columns.append(Column(key, path, offset, shape, dtype, key=key))
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise UsageError(f"cannot read {path} as a .npz file: {err}") from None
    return columns


def parse_inputs(specs: list[str], out: Path | None = None) -> list[Column | ImageFolder]:
    """`FILE.npy`, `FILE.npz`, `NAME=FILE.npy ...` or a folder of images as columns (names checked
    later, against the model; a folder's files are checked in the background)."""
    if len(specs) == 1 and "=" not in specs[0]:
        path = Path(specs[0])
        if path.is_dir():
            return [ImageFolder.open(path, out)]
        if not path.is_file():
            raise UsageError(f"inputs file not found: {path}")
        path = path.resolve()  # the Ray engine's actors may run in another working directory
        return npz_columns(path) if path.suffix == ".npz" else [npy_column("", path)]
    columns, seen = [], set()
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep or not name or not file:
            raise UsageError(
                f"inputs: expected NAME=FILE.npy for each input of a multi-input model, got {spec!r}"
            )
        if name in seen:
            raise UsageError(f"inputs: input {name!r} is given twice")
        seen.add(name)
        path = Path(file)
        if path.is_dir() and len(specs) == 1:
            raise UsageError(f"inputs: {spec}: a folder of images is given alone, without {name}=: "
                             f"extract-layers MODEL {file} ...")
        if path.is_dir():
            raise UsageError(f"inputs: {spec}: a folder of images can feed a one-input model only; for a model "
                             "with several inputs, give NAME=FILE.npy for each")
        if not path.is_file():
            raise UsageError(f"inputs file not found for {name!r}: {path}")
        columns.append(npy_column(name, path.resolve()))
    return columns


def match_inputs(columns: list[Column], model_inputs: list) -> list[Column]:
    """Columns in the order of the model's inputs; every mismatch is one UsageError line."""
    names = [tensor.name for tensor in model_inputs]
    if len(columns) == 1 and columns[0].name == "":
        if len(names) != 1:
            raise UsageError(
                f"the model has {len(names)} inputs ({', '.join(names)}): give NAME=FILE.npy for each, "
                "or one .npz whose keys are these names"
            )
        if isinstance(columns[0], ImageFolder):
            columns[0].name = names[0]
        else:
            columns = [
                Column(
                    names[0],
                    *[getattr(columns[0], f) for f in ("path", "offset", "shape", "dtype", "key")],
                )
            ]
    given = {c.name: c for c in columns}
    missing = [n for n in names if n not in given]
    unknown = [n for n in given if n not in names]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing input {', '.join(map(repr, missing))}")
        if unknown:
            parts.append(f"unknown input {', '.join(map(repr, unknown))}")
        raise UsageError(f"inputs: {'; '.join(parts)} (the model's inputs are {', '.join(names)})")
    ordered = [given[n] for n in names]
    for column, tensor in zip(ordered, model_inputs, strict=True):
        expected = tuple(tensor.shape[1:])
        got = tuple(column.shape[1:])
        fits = len(got) == len(expected) and all(
            e is None or e == g for e, g in zip(expected, got, strict=True)
        )
        label = f"input {column.name!r}" if len(names) > 1 else "inputs"
        if not fits:
            raise UsageError(
                f"{label}: each sample has shape {got} (the file holds {column.shape}), "
                f"but the model expects samples of shape {expected}"
            )
    counts = {c.name: c.shape[0] if c.shape else 0 for c in ordered}
    if len(set(counts.values())) > 1:
        listed = ", ".join(f"{n}: {k}" for n, k in counts.items())
        raise UsageError(f"inputs: the inputs hold different numbers of samples ({listed})")
    if next(iter(counts.values())) == 0:
        raise UsageError("the inputs hold no samples")
    return ordered


@functools.cache
def compressed_member(path: Path, key: str) -> np.ndarray:
    """A compressed .npz member, decompressed whole, once per process (it cannot be read by rows)."""
    with np.load(path) as archive:
        return archive[key]


def read_rows(column: Column | ImageFolder, start: int, stop: int, dtype) -> np.ndarray:
    """Rows start..stop of a column, as a fresh array of `dtype` (only that window is mapped)."""
    if isinstance(column, ImageFolder):
        return column.read(start, stop, dtype)
    if column.offset is None:
        return np.asarray(compressed_member(column.path, column.key)[start:stop], dtype=dtype)
    row_bytes = int(np.prod(column.shape[1:], dtype=np.int64)) * column.dtype.itemsize
    window = np.memmap(
        column.path,
        dtype=column.dtype,
        mode="r",
        offset=column.offset + start * row_bytes,
        shape=(stop - start, *column.shape[1:]),
    )
    values = np.array(window, dtype=dtype)
    del window
    return values


def write_rows(path: Path, begin: int, value: np.ndarray) -> None:
    """Write `value` as rows begin.. of the .npy file at `path`, in place, and sync it to disk.

    Plain positioned writes of exactly those bytes: several processes (the Ray engine's actors)
    may write different rows of one file at once, and no other row is touched."""
    file = np.load(path, mmap_mode="r")
    offset, shape, dtype = file.offset, file.shape, file.dtype
    del file
    if value.shape[1:] != shape[1:] or value.dtype != dtype or begin + len(value) > shape[0]:
        raise ValueError(f"rows {begin}..{begin + len(value)} {value.dtype}{value.shape} do not fit {path} "
                         f"{dtype}{shape}")
    data = memoryview(np.ascontiguousarray(value)).cast("B")
    position = offset + begin * (data.nbytes // max(len(value), 1))
    descriptor = os.open(path, os.O_WRONLY)
    try:
        while data:
            written = os.pwrite(descriptor, data, position)
            data, position = data[written:], position + written
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def shard_rows(total: int, shard_index: int, num_shards: int) -> tuple[int, int]:
    """Contiguous, near-equal slices that cover 0..total exactly once, in shard order."""
    return total * shard_index // num_shards, total * (shard_index + 1) // num_shards


def file_signature(path: Path) -> list:
    stat = path.stat()
    return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]


class Outputs:
    """The output files of one run (one shard), their partial versions and the progress record."""

    def __init__(self, folder: Path, stems: list[str], shard_index: int, num_shards: int,
                 listing: list[str] | None = None):
        suffix = f".shard-{shard_index:05d}-of-{num_shards:05d}" if num_shards > 1 else ""
        self.folder = folder
        self.suffix = suffix
        self.stems = stems
        self.final = {s: folder / f"{s}{suffix}.npy" for s in stems}
        self.partial = {s: folder / f"{s}{suffix}.npy.partial" for s in stems}
        # the input files of an image folder, one per row, in row order (files.txt); None: arrays
        self.listing = listing
        self.listing_file = folder / f"files{suffix}.txt"
        self.progress_file = folder / f".extract_layers{suffix}.progress.json"
        self.progress: dict = {}

    # ---- before any work: what is on disk, and may we touch it -------------------------------
    def prepare(
        self, signature: dict, total: int, chunk_rows: int, resume: bool, overwrite: bool
    ) -> bool:
        """Decide from what is on disk; returns False when there is nothing left to do.

        Every refusal is a UsageError (one line, exit 2) raised before anything is written: no
        complete output and no other run's interrupted work is ever kept or dropped silently.
        """
        listed = self.listed_on_disk()
        # files.txt is replaced (another list of images) or removed (arrays) only by --overwrite
        listing_differs = listed is not None and listed != self.listing
        complete = [str(p) for p in self.final.values() if p.exists()]
        complete += [str(self.listing_file)] if listing_differs else []
        recorded = (
            json.loads(self.progress_file.read_text()) if self.progress_file.exists() else None
        )
        self.previous = None  # a finished run's record, put back if this run fails before any chunk
        made: dict = {}
        history: list = []
        if recorded:
            made = recorded_made(recorded) if recorded.get("complete") else dict(recorded.get("made", {}))
        self.check_listing(listed, [s for s in made if s not in self.stems and self.file_of(s).exists()])
        if recorded and recorded.get("complete"):
            self.previous = recorded
            if same_run(recorded["signature"], signature) and recorded["total"] == total:
                history = recorded["runs"]  # the history of these outputs goes on
            recorded = None
        source = {k: v for k, v in signature.items() if k != "outputs"} | {"total": total}
        if recorded is not None:
            other = [s for s in recorded["signature"]["outputs"] if s not in self.stems]
            if other:  # another run's interrupted outputs: never resumed as ours, never dropped
                raise UsageError(
                    f"another run's interrupted outputs are in {self.folder} "
                    f"({', '.join(recorded['signature']['outputs'])}; {len(recorded['done'])} of "
                    f"{recorded['chunks']} chunks done): resume it (same arguments and --resume) "
                    "or use a different --out"
                )
        if overwrite:
            recorded = None
        elif resume:
            if recorded is None and complete:
                stale = [
                    s for s in self.stems if self.final[s].exists() and made.get(s) != source
                ]
                if stale:
                    what = (
                        differences([made[s] for s in stale], source)
                        if all(s in made for s in stale)
                        else "something this command has no record of"
                    )
                    raise UsageError(
                        f"outputs in {self.folder} were made from {what} "
                        f"({', '.join(self.final[s].name for s in stale)}): "
                        "pass --overwrite to replace them"
                    )
            if recorded is None and len(complete) == len(self.final) and listed == self.listing:
                return False
            if recorded is None and complete:
                raise UsageError(
                    f"output already exists and no interrupted run is recorded to resume: {', '.join(complete)} "
                    "(pass --overwrite to replace)"
                )
            if recorded is not None:
                differ = [k for k in signature if recorded["signature"].get(k) != signature[k]]
                if differ or recorded["total"] != total:
                    what = differences(
                        [{**recorded["signature"], "total": recorded["total"]}],
                        {**signature, "total": total},
                    )
                    raise UsageError(
                        f"cannot resume: the interrupted run in {self.folder} was made from {what} "
                        "(run it with the same arguments, or pass --overwrite to start again)"
                    )
                missing = [
                    str(self.partial[s])
                    for s in recorded["created"]
                    if not self.partial[s].exists()
                ]
                if missing:
                    raise UsageError(
                        f"cannot resume: partial output missing: {missing[0]} (pass --overwrite)"
                    )
        else:
            if complete:
                raise UsageError(
                    f"output already exists (pass --overwrite to replace): {', '.join(complete)}"
                )
            if recorded is not None:
                raise UsageError(
                    f"an interrupted run left {len(recorded['done'])} of {recorded['chunks']} chunks in {self.folder}: "
                    "pass --resume to continue it, or --overwrite to start again"
                )
        chunks = -(-total // chunk_rows)
        if recorded is None:
            for path in self.partial.values():
                path.unlink(missing_ok=True)
            recorded = {
                "signature": signature,
                "total": total,
                "chunk_rows": chunk_rows,
                "chunks": chunks,
                "done": [],
                "created": {},
                "runs": [] if overwrite else history,
            }
        recorded["made"] = made  # what each complete output in the folder was made from
        recorded["runs"].append({"computed": []})
        self.progress = recorded
        self.source = source
        return True

    def listed_on_disk(self) -> list[str] | None:
        """The files files.txt lists, one per row, or None when there is no files.txt."""
        try:
            text = self.listing_file.read_text(encoding="utf-8", errors="surrogateescape")
        except FileNotFoundError:
            return None
        return text.split("\n")[:-1]  # as written: one name and "\n" per row (a name may hold "\r")

    def file_of(self, stem: str) -> Path:
        return self.folder / f"{stem}{self.suffix}.npy"

    def check_listing(self, listed: list[str] | None, others: list[str]) -> None:
        """files.txt describes the rows of every .npy beside it: refuse a run whose rows come from
        other files than those of the complete outputs it leaves in the folder (`others`)."""
        if not others or listed == self.listing:
            return
        names = ", ".join(self.file_of(s).name for s in others)
        if listed is None:  # the outputs left have no list of files
            raise UsageError(
                f"{names} in {self.folder} were made from other inputs, and {self.listing_file.name} would "
                "list the images of this run's rows only: give another --out"
            )
        what = "arrays" if self.listing is None else "another list of images"
        raise UsageError(
            f"{self.listing_file} lists the images of the rows of {names}, which this run leaves in place, "
            f"but this run's rows come from {what}: give another --out"
        )

    def pending(self) -> list[int]:
        done = set(self.progress["done"])
        return [c for c in range(self.progress["chunks"]) if c not in done]

    def rows_of(self, chunk: int) -> tuple[int, int]:
        rows = self.progress["chunk_rows"]
        return chunk * rows, min((chunk + 1) * rows, self.progress["total"])

    # ---- the work ------------------------------------------------------------------------------
    def create(self, samples: list[np.ndarray]) -> None:
        """Allocate the partial file of every stem not yet created: `total` rows shaped and typed
        like that stem's value in `samples` (any number of rows); its data stays on disk."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for stem, sample in zip(self.stems, samples, strict=True):
            if stem in self.progress["created"]:
                continue
            sample = np.asarray(sample)
            shape = (self.progress["total"], *sample.shape[1:])
            np.lib.format.open_memmap(self.partial[stem], mode="w+", dtype=sample.dtype, shape=shape)
            self.progress["created"][stem] = [list(shape), sample.dtype.str]
        self.save_progress()

    def write(self, chunk: int, values: list[np.ndarray] | None) -> None:
        """Store one chunk's rows in every partial file, then record the chunk as done.

        `values` None: a worker has already written the rows (write_rows into these files)."""
        if values is not None:
            begin, end = self.rows_of(chunk)
            values = [np.asarray(value)[: end - begin] for value in values]
            self.create(values)
            for stem, value in zip(self.stems, values, strict=True):
                write_rows(self.partial[stem], begin, value)
        self.progress["done"].append(chunk)
        self.progress["runs"][-1]["computed"].append(chunk)
        self.save_progress()

    def save_progress(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.progress_file.with_name(self.progress_file.name + ".tmp")
        temporary.write_text(json.dumps(self.progress))
        os.replace(temporary, self.progress_file)

    def finish(self) -> dict[str, tuple]:
        """Rename every complete partial file to its final name.

        The progress record stays, marked complete: which run computed which chunk, and what each
        complete output in the folder was made from (so a later --resume can check it).
        """
        shapes = {}
        for stem in self.stems:
            shapes[stem] = tuple(np.load(self.partial[stem], mmap_mode="r").shape)
        if self.listing is not None:
            partial = self.listing_file.with_name(self.listing_file.name + ".partial")
            with open(partial, "w", encoding="utf-8", errors="surrogateescape") as listing:
                listing.writelines(f"{name}\n" for name in self.listing)
            os.replace(partial, self.listing_file)
        else:  # rows from arrays: a files.txt left by an earlier run (--overwrite) lists no row now
            self.listing_file.unlink(missing_ok=True)
        for stem in self.stems:
            os.replace(self.partial[stem], self.final[stem])
        self.progress["complete"] = True  # kept as a record of which run computed which chunk
        self.progress.setdefault("made", {}).update({stem: self.source for stem in self.stems})
        self.save_progress()
        return shapes

    def abandon(self) -> None:
        """After a failure: keep what a --resume can use, remove what it cannot."""
        if self.progress.get("done"):
            return
        for path in self.partial.values():
            path.unlink(missing_ok=True)
        if getattr(self, "previous", None) is not None:  # the finished run's record stays
            self.progress = self.previous
            self.save_progress()
        else:
            self.progress_file.unlink(missing_ok=True)


def same_run(recorded: dict, signature: dict) -> bool:
    return all(recorded.get(k) == v for k, v in signature.items())


def recorded_made(record: dict) -> dict:
    """What each output of a finished run's record was made from (records without "made": its own)."""
    if "made" in record:
        return dict(record["made"])
    source = {k: v for k, v in record["signature"].items() if k != "outputs"}
    return {s: source | {"total": record["total"]} for s in record["signature"]["outputs"]}


def differences(sources: list, current: dict) -> str:
    """'other inputs', 'another model and other inputs', ...: how recorded sources differ."""
    words = {
        "model": "another model",
        "inputs": "other inputs",
        "outputs": "other outputs",
        "total": "another number of samples",
        "shard": "another shard",
    }
    keys = [k for k in words if any(k in r and r[k] != current.get(k) for r in sources)]
    if keys == ["inputs"]:
        options = sorted({o for r in sources for o in image_options_changed(r["inputs"], current["inputs"])})
        if options:
            return f"other image options ({', '.join(options)})"
    return " and ".join(words[k] for k in keys) or "other arguments"


# the options behind each field of an image folder's spec (images.ImageSpec.as_list)
SPEC_OPTIONS = ("--image-size", "--image-size", "the model's channels", "the model's channels", "--crop",
                "--resize", "--scale", "--offset")


def image_options_changed(recorded: list, current: list) -> list[str]:
    """The image options that differ, where the inputs are the same folder with the same files and
    only the spec changed (entries: [name, path, count, digest, spec]); else []."""
    if len(recorded) != 1 or len(current) != 1 or len(recorded[0]) != 5 or len(current[0]) != 5:
        return []
    (*was_files, was), (*now_files, now) = recorded[0], current[0]
    if was_files != now_files or was is None or now is None or len(was) != len(SPEC_OPTIONS):
        return []
    return [o for o, a, b in zip(SPEC_OPTIONS, was, now, strict=True) if a != b]
