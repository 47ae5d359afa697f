"""MkDocs hooks: each example notebook becomes a page, rendered from its stored outputs.

Nothing is executed here. The page shows the cells and outputs that nbval checked, a line with
the versions the notebook ran on, and links to download its `.ipynb` and `.py`.
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path, PurePosixPath

import markdown
import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BENCHMARK_RESULTS = ROOT / "benchmarks" / "results" / "extraction.json"
BACKEND_MATRIX = ROOT / "docs" / "backend_matrix.json"
# Text symbols every system font has (emoji show as empty boxes where no emoji font is installed).
STATUS_LABELS = {"pass": "✓ pass", "differs": "⚠ **differs**", "fails": "✗ **fails**"}
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
NBVAL_MARKER = re.compile(r"^\s*# NBVAL_\w+\s*$\n?", re.M)
VERSION_LABELS = {
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "tf_keras": "tf_keras (Keras 2)",
    "numpy": "NumPy",
    "python": "Python",
}


def example_notebooks() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def fenced(text: str, lang: str, title: str | None = None) -> str:
    """A fenced code block long enough that no backtick run inside can close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    attrs = f' title="{title}"' if title else ""
    return f"{fence}{lang}{attrs}\n{text.rstrip()}\n{fence}"


def output_blocks(outputs: list, image_link=None) -> list[str]:
    """Text outputs of one cell joined into one block; each image as a picture.

    `image_link(png_bytes) -> markdown` places a picture (the site writes it as a file and links
    it, so a click opens it full size); without it the picture is embedded.
    """
    blocks: list[str] = []
    text = ""
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text += output.get("text", "")
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "image/png" in data:
                if text:
                    blocks.append(fenced(ANSI_ESCAPE.sub("", text), "text", "Output"))
                    text = ""
                png = data["image/png"].replace("\n", "")
                if image_link is not None:
                    blocks.append(image_link(base64.b64decode(png)))
                else:
                    blocks.append(f'<img class="nb-image" alt="Output image" src="data:image/png;base64,{png}">')
            elif "text/plain" in data:
                plain = data["text/plain"]
                text += plain if plain.endswith("\n") else plain + "\n"
        elif kind == "error":  # tests forbid stored errors; show one plainly if it ever slips in
            text += f"{output.get('ename')}: {output.get('evalue')}\n"
    if text:
        blocks.append(fenced(ANSI_ESCAPE.sub("", text), "text", "Output"))
    return blocks


def model_name(variable: str, code: str) -> str | None:
    """The `name=` given to `variable = keras.Model(...)` / `keras.Sequential(...)` in `code`."""
    matches = list(re.finditer(rf"^\s*{re.escape(variable)}\s*=\s*keras\.(?:Model|Sequential)\(", code, re.M))
    if not matches:
        return None
    match = matches[-1]  # the last assignment before the diagram
    depth, quote, start = 1, None, match.end()
    for index in range(start, len(code)):
        char = code[index]
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and code.startswith("name=", index) and not code[index - 1].isalnum():
            named = re.match(r"name=[\"']([^\"']+)", code[index:])
            return named.group(1) if named else None
    return None


def diagram_alt(cell_source: str, code_before: str, heading: str) -> str:
    """Alt text for a plot_model picture: the model it draws, and the section it illustrates."""
    call = re.search(r"plot_model\(\s*(\w+)", cell_source)
    variable = call.group(1) if call else None
    name = model_name(variable, code_before) if variable else None
    what = f"model {name!r}" if name else (f"model `{variable}`" if variable not in (None, "model") else "model")
    where = f" ({heading})" if heading else ""
    alt = f"Diagram of the {what}{where}: its layers, with their names and shapes, drawn by keras.utils.plot_model"
    return alt.replace("`", "")


def ran_on_line(notebook: nbformat.NotebookNode) -> str:
    versions = notebook.metadata.get("ran_on", {})
    return " · ".join(f"{label} {versions[key]}" for key, label in VERSION_LABELS.items() if key in versions)


ERROR_KINDS = (
    "ValueError|AttributeError|IndexError|TypeError|KeyError|NotImplementedError|RuntimeError|OSError|"
    "FileNotFoundError|UnimplementedError|UserWarning"
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
VERSION_CHECK_TAG = "version-check"  # the cell build_notebooks.py puts first, for Colab; not shown
HEADING = re.compile(r'<h([1-6])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
CELL_MARK = "nbcellmark{}x"


def page_cells(notebook: nbformat.NotebookNode) -> list:
    """The cells a page shows: all but the version check added for readers in Colab."""
    return [c for c in notebook.cells if VERSION_CHECK_TAG not in c.get("metadata", {}).get("tags", [])]


def title_of(notebook: nbformat.NotebookNode) -> str:
    first = page_cells(notebook)[0].source.splitlines()[0]
    return first.lstrip("# ").strip()


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


def cell_sections(notebook: nbformat.NotebookNode, config: MkDocsConfig | None) -> list[tuple[str, str]]:
    """(anchor, heading text) of the section each page cell sits in, as the site renders it.

    The page's markdown cells are rendered with the site's own Markdown extensions, so the anchors
    are exactly the ones on the page; a code cell is in the section of the last heading above it.
    """
    cells = page_cells(notebook)
    source = "\n\n".join(
        CELL_MARK.format(index) + "\n\n" + (cell.source if cell.cell_type == "markdown" else "")
        for index, cell in enumerate(cells)
    )
    extensions = list(config["markdown_extensions"]) if config else ["toc"]
    rendered = markdown.Markdown(
        extensions=extensions, extension_configs=dict(config["mdx_configs"]) if config else {}
    ).convert(source)
    text = lambda inner: html.unescape(re.sub(r"<[^>]+>", "", inner)).replace("¶", "").strip()  # noqa: E731
    headings = [(m.start(), int(m.group(1)), m.group(2), text(m.group(3))) for m in HEADING.finditer(rendered)]
    sections = []
    for index in range(len(cells)):
        at = rendered.find(CELL_MARK.format(index))
        above = [(anchor, text) for start, level, anchor, text in headings if start < at and level > 1]
        sections.append(above[-1] if above else ("", title_of(notebook)))
    return sections


def error_causes(notebooks, config: MkDocsConfig | None = None) -> dict:
    """{(kind, family): {(page, anchor): {"section", "page_title", "messages"}}} over all pages."""
    families: dict[tuple[str, str], dict] = {}
    for rel, notebook in notebooks:
        sections = cell_sections(notebook, config)
        for cell, (anchor, heading) in zip(page_cells(notebook), sections, strict=True):
            for kind, message in cell_errors(cell):
                causes = families.setdefault((kind, generalise(message)), {})
                cause = causes.setdefault(
                    (rel.with_suffix(".md").as_posix(), anchor),
                    {"section": heading, "page_title": title_of(notebook), "messages": []},
                )
                if message not in cause["messages"]:
                    cause["messages"].append(message)
    return families


def heading_text(kind: str, family: str, limit: int = 110) -> str:
    """A family as a heading: its first sentence, shortened, safe as Markdown."""
    short = family if len(family) <= limit else family[: limit - 3].rsplit(" ", 1)[0] + " …"
    return html.escape(f"{kind}: {short.replace('`', '')}", quote=False)


def error_index_markdown(notebooks: list[tuple[PurePosixPath, nbformat.NotebookNode]], config=None) -> str:
    families = error_causes(notebooks, config)
    parts = [
        "# Error index",
        "Every Keras error and warning message that the examples reproduce, grouped by message: "
        "the names, shapes and numbers that change from case to case are shown as `<name>`, "
        "`<shape>` and `<n>`. Under each message, every cause the examples show, linking to the "
        "section that reproduces it and runs the fix, with the words Keras printed there. Built "
        "from the examples' stored outputs, so it lists nothing they do not print.",
        "A message marked **[Keras 2]** is the wording Keras 2 printed (`tf.keras` up to TensorFlow "
        "2.15), produced here by running the same code on the pinned `tf_keras`; one marked with a "
        "Keras 3 release, such as **[Keras 3.0.0 to 3.4.1]**, is how that release worded a message that "
        "the pinned Keras words differently, cited from keras-team/keras's source on the page that "
        "links it. Each sits beside the current wording of the same error.",
    ]
    order = lambda item: (exception_of(item[0][0]), item[0][1].lower(), wording_of(item[0][0]))  # noqa: E731
    for (kind, family), causes in sorted(families.items(), key=order):
        parts.append(f"## {heading_text(kind, family)}")
        parts.append(fenced(f"{kind}: {family}", "text"))
        items = []
        for (page, anchor), cause in causes.items():
            target = f"{page}#{anchor}" if anchor else page
            said = [specific_part(m, family) for m in cause["messages"]]
            said_text = "; ".join(f"`{s}`" if "`" not in s else f"`` {s} ``" for s in said if s)
            who = f"{wording_of(kind)} said" if wording_of(kind) else "Keras said"
            items.append(
                f"- [{cause['section']}]({target}) on *{cause['page_title']}*"
                + (f"  \n  {who}: {said_text}" if said_text else "")
            )
        parts.append(("Caused by:" if len(items) > 1 else "Cause:") + "\n\n" + "\n".join(items))
    return "\n\n".join(parts) + "\n"


def notebook_links(rel: PurePosixPath, repo_url: str | None, branch: str = "main") -> str:
    links = [f"[notebook]({rel.stem}.ipynb)", f"[script]({rel.stem}.py)"]
    if repo_url:
        repo = repo_url.rstrip("/")
        github_path = repo.split("github.com/", 1)[-1]
        links.append(f"[view source]({repo}/blob/{branch}/{rel.with_suffix('.py')})")
        links.append(
            f"[open in Colab](https://colab.research.google.com/github/{github_path}/blob/{branch}/{rel.with_suffix('.ipynb')})"
        )
    return " · ".join(links)


def promise_of(markdown_text: str) -> str:
    """The page's one-sentence promise: the first sentence of the paragraph under its title."""
    body = re.sub(r"^---\n.*?\n---\n", "", markdown_text, flags=re.S)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    for paragraph in paragraphs:
        if paragraph.startswith(("#", "```", "<", "|", "{{", "- ", "!!!")):
            continue
        text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", " ".join(paragraph.split()))
        text = text.replace("`", "").replace("**", "")
        sentence = re.match(r"(.+?[.!?])(\s|$)", text)
        return (sentence.group(1) if sentence else text)[:300]
    return ""


def errors_section(errors: list[tuple[str, str, str, str]], page_title: str) -> list[str]:
    """The page's closing list of its errors: one heading per message family (raw HTML: searchable,
    kept out of the table of contents), so a pasted message finds this page as it finds the error
    index. The wordings the page prints come first, then the older Keras 3 wordings it cites."""
    families: dict[str, dict[str, str]] = {}
    for kind, message, anchor, heading in errors:
        families.setdefault(f"{kind}: {generalise(message)}", {})[anchor] = heading or page_title
    cited = [f for f in families if wording_of(f.split(": ", 1)[0]).startswith("Keras 3")]
    printed = [f for f in families if f not in cited]
    intro = "Each one is printed by a cell above, then fixed there"
    if any(f.startswith("[Keras 2]") for f in printed):
        intro += " ([Keras 2] marks the wording Keras 2 printed, run on `tf_keras`)"
    intro += ". All are listed by cause in the [error index](../../errors.md)."
    parts = ["## Errors reproduced on this page", intro]
    for number, family in enumerate(printed + cited, 1):
        if family == next(iter(cited), None):
            parts.append(
                "Older Keras 3 releases worded some of them differently; the page cites each from "
                "keras-team/keras's source at that release:"
            )
        said = "Cited, and fixed, in" if family in cited else "Reproduced and fixed in"
        links = ", ".join(f'<a href="#{anchor}">{html.escape(text)}</a>' for anchor, text in families[family].items())
        parts.append(
            f'<h3 class="nb-error" id="reproduced-error-{number}">{html.escape(family.replace("`", ""))}</h3>\n'
            f"<p>{said}: {links}.</p>"
        )
    return parts


def notebook_to_markdown(
    notebook: nbformat.NotebookNode,
    stem: str,
    links: str = "",
    sections: list[tuple[str, str]] | None = None,
    image_file=None,
) -> str:
    """The page of one notebook. `image_file(png, alt, number) -> markdown` places its diagrams."""
    cells = page_cells(notebook)
    sections = sections or [("", "")] * len(cells)
    errors: list[tuple[str, str, str, str]] = []
    parts: list[str] = []
    code_so_far = ""
    images = 0
    for index, (cell, (anchor, heading)) in enumerate(zip(cells, sections, strict=True)):
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            errors += [(kind, message, anchor, heading) for kind, message in cell_errors(cell)]
        elif cell.cell_type == "code":
            code_so_far += cell.source + "\n"
            parts.append(fenced(NBVAL_MARKER.sub("", cell.source), "python"))

            def place(png: bytes, source=cell.source, code=code_so_far, heading=heading) -> str:
                nonlocal images
                images += 1
                alt = diagram_alt(source, code, heading)
                return image_file(png, alt, images)

            parts.extend(output_blocks(cell.get("outputs", []), place if image_file else None))
            errors += [(kind, message, anchor, heading) for kind, message in cell_errors(cell)]
        if index == 0:  # right under the title
            parts.append(
                f'<p class="ran-on" markdown>Outputs produced on {ran_on_line(notebook)}. '
                f"{links or f'Download: [notebook]({stem}.ipynb) · [script]({stem}.py)'}</p>"
            )
    if errors:
        parts += errors_section(errors, title_of(notebook))
    return "\n\n".join(parts) + "\n"


@event_priority(100)  # before the search plugin and the nav are built
def on_files(files: Files, config: MkDocsConfig) -> Files:
    loaded = []
    for path in example_notebooks():
        rel = PurePosixPath(path.relative_to(ROOT).as_posix())
        notebook = nbformat.read(path, as_version=4)
        loaded.append((rel, notebook))

        def image_file(png: bytes, alt: str, number: int, rel=rel) -> str:
            name = f"{rel.stem}_diagram_{number}.png"
            files.append(File.generated(config, str(rel.parent / name), content=png))
            return (
                f'<figure class="nb-figure" markdown>\n'
                f'[![{alt}]({name}){{ .nb-image }}]({name} "Open the diagram full size")\n'
                f"<figcaption>Click the diagram to see it full size.</figcaption>\n</figure>"
            )

        page = notebook_to_markdown(
            notebook, rel.stem, notebook_links(rel, config.repo_url), cell_sections(notebook, config), image_file
        )
        files.append(File.generated(config, str(rel.with_suffix(".md")), content=page))
        for suffix in (".ipynb", ".py"):
            source = path.with_suffix(suffix)
            files.append(
                File.generated(config, str(rel.with_suffix(suffix)), abs_src_path=str(source))
            )
    files.append(File.generated(config, "errors.md", content=error_index_markdown(loaded, config)))
    return files


# The header's repository link, without the widget that asks GitHub's API for stars and forks on
# every page (a third-party request; it fails offline). Same look, same link.
SOURCE_PARTIAL = """<a href="{{ config.repo_url }}" title="{{ lang.t('source') }}" class="md-source">
  <div class="md-source__icon md-icon">{% include ".icons/fontawesome/brands/github.svg" %}</div>
  <div class="md-source__repository">{{ config.repo_name }}</div>
</a>
"""


def on_env(env, config: MkDocsConfig, files: Files):
    import jinja2

    env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"partials/source.html": SOURCE_PARTIAL}), env.loader])
    return env


def extraction_results_table(results: dict) -> str:
    """The benchmark's saved results as Markdown: timings, targets, memory, machine."""
    small, large = list(results["peak_rss_mb"])
    speedup, vs_forward = results["one_pass_speedup_vs_per_branch"], results["one_pass_vs_forward"]
    on_device = results["one_pass_vs_forward_on_device"]
    growth = results["peak_rss_growth"]
    verdict = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    versions = ", ".join(f"{VERSION_LABELS.get(k, k)} {v}" for k, v in results["versions"].items())
    machine = results["machine"]
    return "\n".join(
        [
            f"Seconds per batch of {results['batch_size']} samples, median of {results['repeats']} repeats "
            "((a), (b), (c) and the two on-device calls take turns in each repeat):",
            "",
            "| method | seconds per batch |",
            "|---|---|",
            f"| (a) sub-model per branch | {results['per_branch_s']:.4f} |",
            f"| (b) one-pass extractor | {results['single_pass_s']:.4f} |",
            f"| (c) plain forward pass | {results['forward_s']:.4f} |",
            f"| (d) per-sample loop | {results['per_sample_s']:.4f} |",
            f"| (b) with its outputs left on the device | {results['single_pass_on_device_s']:.4f} |",
            f"| (c) with its output left on the device | {results['forward_on_device_s']:.4f} |",
            "",
            "| target | measured | |",
            "|---|---|---|",
            f"| one pass at least 1.5x faster than (a) | {speedup:.2f}x | {verdict(speedup >= 1.5)} |",
            f"| one pass within 1.05x of (c) | {vs_forward:.2f}x | {verdict(vs_forward <= 1.05)} |",
            f"| the same, outputs left on the device (no copy to NumPy) | {on_device:.2f}x "
            f"| {verdict(on_device <= 1.05)} |",
            f"| peak memory grows less than 5% for 10x the data | {growth:+.1%} "
            f"({results['peak_rss_mb'][small]:.0f} MB for {small} samples, "
            f"{results['peak_rss_mb'][large]:.0f} MB for {large}) | {verdict(growth < 0.05)} |",
            "",
            f"Ran on {machine['cpu_count']} CPU cores ({machine['processor']}, {machine['system']}), "
            f"no GPU; {versions}."
            + f" Load average {results['load_average_at_start']:.2f} when it started."
            + (" Quick mode." if results.get("quick") else ""),
        ]
    )


def requirement_pins() -> dict[str, str]:
    """{package: version} for every `name==version` line of requirements.txt."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))


def pinned_versions() -> str:
    pins = requirement_pins()
    return ", ".join(f"{VERSION_LABELS[name]} {pins[name]}" for name in ("tensorflow", "keras", "numpy"))


def backend_matrix_markdown(matrix: dict) -> str:
    """The compatibility table, one row per example, and the reason for every cell not a pass."""
    backends = ("tensorflow", "jax", "torch")
    anchor = lambda example, backend: f"{example.replace('/', '-')}-{backend}"  # noqa: E731
    rows = ["| example | TensorFlow | JAX | PyTorch |", "|---|---|---|---|"]
    reasons = []
    for example, row in matrix.items():
        cells = []
        for backend in backends:
            cell = row[backend]
            label = STATUS_LABELS[cell["status"]]
            if cell["reason"]:
                label += f" ([why](#{anchor(example, backend)}))"
                reasons += [f'<a id="{anchor(example, backend)}"></a>', f"**{example}** on {backend}:", ""]
                reasons += [fenced(cell["reason"], "text"), ""]
            cells.append(label)
        chapter, name = example.split("/", 1)  # may break after the slash on a phone: every column fits
        rows.append(f"| [{chapter}/<wbr>{name}](examples/{example}.md) | " + " | ".join(cells) + " |")
    tail = ["## Why a cell is not a pass", "", *reasons] if reasons else ["Every example passes on every backend."]
    table = ['<div class="compact-table" markdown>', "", *rows, "", "</div>"]
    return "\n".join(table + [""] + tail)


def on_page_markdown(markdown_text: str, page, config: MkDocsConfig, files: Files) -> str:
    if not page.meta.get("description"):  # <meta name="description">: the page's own promise
        page.meta["description"] = promise_of(markdown_text) or config.site_description
    markdown_text = markdown_text.replace("{{ pinned_versions }}", pinned_versions())
    if "{{ backend_matrix }}" in markdown_text:
        matrix = json.loads(BACKEND_MATRIX.read_text())
        markdown_text = markdown_text.replace("{{ backend_matrix }}", backend_matrix_markdown(matrix))
    if "{{ extraction_results }}" in markdown_text:
        results = json.loads(BENCHMARK_RESULTS.read_text())
        markdown_text = markdown_text.replace("{{ extraction_results }}", extraction_results_table(results))
    return markdown_text
