"""One notebook as one Markdown page, from its stored outputs: cells, outputs, diagrams, the versions
it ran on, its download links and the closing list of the errors it reproduces. Nothing is
executed, and nothing here knows about MkDocs: `notebook_to_markdown` returns the page's text."""

from __future__ import annotations

import base64
import html
import re
from pathlib import PurePosixPath

import markdown
import nbformat

from sitegen.errors import cell_errors, generalise, wording_of
from sitegen.notebooks import ANSI_ESCAPE, page_cells, ran_on_line, title_of

NBVAL_MARKER = re.compile(r"^\s*# NBVAL_\w+\s*$\n?", re.M)
HEADING = re.compile(r'<h([1-6])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
CELL_MARK = "nbcellmark{}x"


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


def cell_sections(
    notebook: nbformat.NotebookNode, extensions: list | None = None, extension_configs: dict | None = None
) -> list[tuple[str, str]]:
    """(anchor, heading text) of the section each page cell sits in, as the site renders it.

    The page's markdown cells are rendered with the site's own Markdown extensions (`extensions`,
    `extension_configs`: the site's settings), so the anchors are exactly the ones on the page; a
    code cell is in the section of the last heading above it.
    """
    cells = page_cells(notebook)
    source = "\n\n".join(
        CELL_MARK.format(index) + "\n\n" + (cell.source if cell.cell_type == "markdown" else "")
        for index, cell in enumerate(cells)
    )
    rendered = markdown.Markdown(
        extensions=extensions or ["toc"], extension_configs=extension_configs or {}
    ).convert(source)
    text = lambda inner: html.unescape(re.sub(r"<[^>]+>", "", inner)).replace("¶", "").strip()  # noqa: E731
    headings = [(m.start(), int(m.group(1)), m.group(2), text(m.group(3))) for m in HEADING.finditer(rendered)]
    sections = []
    for index in range(len(cells)):
        at = rendered.find(CELL_MARK.format(index))
        above = [(anchor, text) for start, level, anchor, text in headings if start < at and level > 1]
        sections.append(above[-1] if above else ("", title_of(notebook)))
    return sections


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
