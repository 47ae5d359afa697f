"""Which errors a notebook reproduces, and their families: each message with the names, shapes and
numbers that change from case to case replaced by placeholders."""

from __future__ import annotations

import re

import nbformat

from sitegen.notebooks import ANSI_ESCAPE, page_cells

ERROR_KINDS = (
    "ValueError|AttributeError|IndexError|TypeError|KeyError|NotImplementedError|RuntimeError|OSError|"
    "FileNotFoundError|UnimplementedError|InvalidArgumentError|AssertionError|UserWarning|FutureWarning|"
    # ONNX Runtime's own class for a wrong input type (the shipping chapter's ONNX page)
    "InvalidArgument"
)
# What Keras printed: the pinned Keras 3 as is; Keras 2 (tf_keras, on the migration pages) printed
# with "[Keras 2] " in front, so a reader sees which version said it and the index can say it too.
ERROR_LINE = re.compile(rf"^(\[Keras 2\] )?({ERROR_KINDS}): (.+)$", re.M)
# An older Keras 3 wording, cited in a markdown cell from keras-team/keras's source at a release:
#   Keras 3.0.0 to 3.4.1 printed it as ([keras/src/x.py](https://github.com/keras-team/keras/blob/v3.4.1/keras/src/x.py)):
#
#   ```text
#   ValueError: the message
#   ```
CITED_WORDING = re.compile(
    r"^Keras (3\.[\d.]+(?: to 3\.[\d.]+)?) printed it as \(\[([^\]]+)\]\((https://github\.com/keras-team/keras/"
    rf"blob/v3\.[^)\s]+)\)\):[ \t]*\n[ \t]*\n```text\n({ERROR_KINDS}): (.+?)\n```",
    re.M,
)
NOT_KERAS = ("already in ",)  # messages the examples' own helper functions raise


def cell_errors(cell: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(kind, message) for each error a cell prints, as Keras worded it, or, in a markdown cell,
    for each older Keras 3 wording it cites. The kind is the exception's class, with the version in
    brackets where it is not the pinned Keras 3: "[Keras 2] ValueError", "[Keras 3.0.0 to 3.4.1] ValueError".

    A message of the form "Exception encountered when calling X.call()." is followed by its real
    reason on a later line; that reason is kept with it. Values Keras appends after
    "Target variable:" are cut, since they are the example's numbers, not the message.
    """
    if cell.cell_type == "markdown":
        return [(f"[Keras {m.group(1)}] {m.group(4)}", m.group(5)) for m in CITED_WORDING.finditer(cell.source)]
    found = []
    text = ANSI_ESCAPE.sub("", "".join(o.get("text", "") for o in cell.get("outputs", [])))
    for match in ERROR_LINE.finditer(text):
        kind = f"[Keras 2] {match.group(2)}" if match.group(1) else match.group(2)
        message = match.group(3).split(" Target variable:")[0].rstrip()
        if message.startswith("Exception encountered when calling"):
            rest = [line.strip() for line in text[match.end() :].splitlines() if line.strip()]
            message = f"{message} {rest[0]}" if rest else message
        if not message.startswith(NOT_KERAS) and (kind, message) not in found:
            found.append((kind, message))
    return found


def exception_of(kind: str) -> str:
    """"[Keras 2] ValueError" -> "ValueError"."""
    return kind.rsplit("] ", 1)[-1]


def wording_of(kind: str) -> str:
    """"[Keras 2] ValueError" -> "Keras 2"; "" for the pinned Keras 3."""
    return kind[1:].split("] ", 1)[0] if kind.startswith("[") else ""


def reproduced_errors(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for cell in page_cells(notebook):
        found += [error for error in cell_errors(cell) if error not in found]
    return found


# The parts of a message that change from case to case, and what stands for them. Order matters.
GENERALISE = [
    (r"<\w+ name=[^>]*>", "<layer object>"),
    (r"(?<=No such layer: )[^\s]+?(?=\.?\s|\.?$)", "<name>"),
    (r"\['[^'\]]*'(?:, '[^'\]]*')*\]", "[<names>]"),
    (r"\('[^'\)]*',?(?: '[^'\)]*',?)*\)", "<path>"),
    (r"(?<=The layer )\S+(?= has never been called)", "<name>"),
    (r"(?<=layer )'[^']+'", "'<name>'"),
    (r'(?<=^Layer )"[^"]+"(?= expects)', '"<name>"'),
    (r"(?<=Received struct is: )\{.*\}", "<struct>"),
    (r"(?<=Inputs received: )\[.*\]$", "[<inputs>]"),
    (r"(?<=^Layer )\S+(?= weight shape)", "<name>"),
    (r'(?<=The name )"[^"]+"', '"<name>"'),
    (r"^'\w+' object has no attribute", "'<class>' object has no attribute"),
    (r"\((?:None|\d+)(?:,\s*(?:None|\d+))*,?\)", "<shape>"),
    (r"\[(?:None|\d+)(?:\s+(?:None|\d+))+\]", "<shape>"),
    (r"\[<shape>(?:, <shape>)*\]", "[<shape>, ...]"),  # one shape or several: the same cause
    (r"(?<![\w.])\d+(?![\w.])", "<n>"),
]


def generalise(message: str) -> str:
    """The message with its names, shapes and numbers replaced by placeholders: its family."""
    for pattern, replacement in GENERALISE:
        message = re.sub(pattern, replacement, message)
    return message


def specific_part(message: str, family: str) -> str:
    """What this message says that its family does not: from the sentence where they differ."""
    common = 0
    while common < min(len(message), len(family)) and message[common] == family[common]:
        common += 1
    if common == len(message) == len(family):
        return ""
    sentence = message.rfind(". ", 0, common)
    start = max(sentence + 2 if sentence >= 0 else 0, message.rfind("Received", 0, common))
    return ("…" if start > 0 else "") + message[start:]
