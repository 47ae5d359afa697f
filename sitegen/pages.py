"""Every page the site generates, as files: one page per example notebook (with its diagrams and
its `.ipynb` and `.py` to download), the error index, and the hand-written pages of docs/ with
their placeholders filled. The MkDocs glue and `python -m sitegen` both take them from here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat

from sitegen.error_index import error_index_markdown
from sitegen.notebook_page import cell_sections, notebook_links, notebook_to_markdown, promise_of
from sitegen.notebooks import ROOT, example_notebooks
from sitegen.tables import fill_placeholders

FIGURE = (
    '<figure class="nb-figure" markdown>\n'
    '[![{alt}]({name}){{ .nb-image }}]({name} "Open the diagram full size")\n'
    "<figcaption>Click the diagram to see it full size.</figcaption>\n</figure>"
)


@dataclass(frozen=True)
class GeneratedFile:
    """A file of the site's source: `path` relative to the docs folder, and either its `content`
    or the `source` file it is a copy of."""

    path: str
    content: str | bytes | None = None
    source: Path | None = None


def generated_files(
    repo_url: str | None, extensions: list | None = None, extension_configs: dict | None = None
) -> list[GeneratedFile]:
    """The example pages, their diagrams and downloads, and the error index."""
    files: list[GeneratedFile] = []
    loaded = []
    for path in example_notebooks():
        rel = PurePosixPath(path.relative_to(ROOT).as_posix())
        notebook = nbformat.read(path, as_version=4)
        loaded.append((rel, notebook))

        def image_file(png: bytes, alt: str, number: int, rel: PurePosixPath = rel, out: list = files) -> str:
            name = f"{rel.stem}_diagram_{number}.png"
            out.append(GeneratedFile(str(rel.parent / name), content=png))
            return FIGURE.format(alt=alt, name=name)

        sections = cell_sections(notebook, extensions, extension_configs)
        page = notebook_to_markdown(notebook, rel.stem, notebook_links(rel, repo_url), sections, image_file)
        files.append(GeneratedFile(str(rel.with_suffix(".md")), content=page))
        files += [GeneratedFile(str(rel.with_suffix(s)), source=path.with_suffix(s)) for s in (".ipynb", ".py")]
    files.append(GeneratedFile("errors.md", content=error_index_markdown(loaded, extensions, extension_configs)))
    return files


def description_of(markdown_text: str, site_description: str) -> str:
    """A page's <meta name="description">: its own one-sentence promise, or the site's."""
    return promise_of(markdown_text) or site_description


def finished_markdown(markdown_text: str) -> str:
    """A hand-written page as the site shows it: its placeholders filled."""
    return fill_placeholders(markdown_text)
