"""The site builds with `mkdocs build --strict` and shows every example from its stored outputs."""

from __future__ import annotations

import html as html_lib
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import EXAMPLE_SOURCES, ROOT, example_id
from sitegen.errors import CITED_WORDING, cell_errors, generalise
from sitegen.notebooks import ANSI_ESCAPE, page_cells
from toolchain.pins import requirement_pins


def nav_pages(nav: list) -> list[str]:
    pages: list[str] = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages.extend(nav_pages(value) if isinstance(value, list) else [value])
    return pages


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return site_dir


def test_every_example_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    pages = nav_pages(config["nav"])
    for source in EXAMPLE_SOURCES:
        page = source.relative_to(ROOT).with_suffix(".md").as_posix()
        assert page in pages, f"{page} is missing from mkdocs.yml's nav"


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_page_shows_stored_outputs(site: Path, source: Path) -> None:
    rel = source.relative_to(ROOT).with_suffix("")
    html = (site / rel / "index.html").read_text()
    notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    for package in ("tensorflow", "keras"):
        assert notebook.metadata["ran_on"][package] in html
    stdout_lines = [
        line
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout"
        for line in ANSI_ESCAPE.sub("", output["text"]).splitlines()
        if line.strip()
    ]
    assert stdout_lines, "the notebook has no printed output to show"
    for line in stdout_lines:
        assert html_lib.escape(line.strip(), quote=False) in html, f"not on the page: {line!r}"
    for suffix in (".ipynb", ".py"):
        download = site / rel.with_suffix(suffix)
        assert download.read_bytes() == source.with_suffix(suffix).read_bytes()


def test_pages_leave_out_the_notebook_version_check() -> None:
    """The Colab version check is the notebook's first cell; the page starts with the title."""
    from sitegen.notebook_page import notebook_to_markdown
    from toolchain.build_notebooks import version_check_cell

    notebook = nbformat.v4.new_notebook(
        cells=[version_check_cell(), nbformat.v4.new_markdown_cell("# Title\n\nAfter this page you can."),
               nbformat.v4.new_code_cell("print(1)")]
    )
    page = notebook_to_markdown(notebook, "01_x")
    assert page.startswith("# Title") and "_check_versions" not in page


def test_benchmark_page_shows_the_saved_results(site: Path) -> None:
    import json

    results = json.loads((ROOT / "benchmarks" / "results" / "extraction.json").read_text())
    html = (site / "benchmarks" / "index.html").read_text()
    assert "{{ extraction_results }}" not in html
    assert f"{results['per_branch_s']:.4f}" in html and f"{results['single_pass_s']:.4f}" in html
    assert results["versions"]["tensorflow"] in html


def test_error_index_lists_every_error_the_examples_print(site: Path) -> None:
    """Each message family once, generalised; under it each page that prints it, by section."""
    index = html_lib.unescape((site / "errors" / "index.html").read_text())
    count = 0
    for source in EXAMPLE_SOURCES:
        notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
        page = source.relative_to(ROOT).with_suffix("").as_posix()
        for cell in page_cells(notebook):
            for kind, message in cell_errors(cell):
                count += 1
                family = f"{kind}: {generalise(message)}"
                # the whole message in its block: one family can be the start of another
                assert index.count(f"<code>{family}\n</code>") == 1, f"not once in the index: {family[:80]}"
                assert f'href="../{page}/' in index, f"no cause links to {page}"
    assert count >= 20


def test_keras_2_and_older_keras_3_wordings_are_read_with_their_version() -> None:
    printed = nbformat.v4.new_code_cell("")
    printed.outputs = [
        nbformat.v4.new_output(
            "stream", name="stdout", text="[Keras 2] ValueError: Graph disconnected.\nValueError: Now worded so.\n"
        )
    ]
    assert cell_errors(printed) == [("[Keras 2] ValueError", "Graph disconnected."), ("ValueError", "Now worded so.")]
    cited = nbformat.v4.new_markdown_cell(
        "Keras 3.0.0 to 3.4.1 printed it as ([keras/src/models/model.py]"
        "(https://github.com/keras-team/keras/blob/v3.4.1/keras/src/models/model.py)):\n\n"
        "```text\nValueError: Once worded so.\n```\n"
    )
    assert cell_errors(cited) == [("[Keras 3.0.0 to 3.4.1] ValueError", "Once worded so.")]
    assert cell_errors(nbformat.v4.new_markdown_cell("```text\nValueError: shown, not cited\n```")) == []


def test_cited_wordings_link_the_file_at_the_last_release_they_name() -> None:
    cited = 0
    for source in EXAMPLE_SOURCES:
        for cell in page_cells(nbformat.read(source.with_suffix(".ipynb"), as_version=4)):
            for match in CITED_WORDING.finditer(cell.source if cell.cell_type == "markdown" else ""):
                cited += 1
                last = match.group(1).split(" to ")[-1]
                path, url = match.group(2), match.group(3)
                assert url.endswith(f"/blob/v{last}/{path}") or f"/blob/v{last}/{path}#" in url, url
    assert cited >= 1, "no page cites an older Keras 3 wording"


@pytest.mark.parametrize(
    "first, second",
    [
        (
            "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
            "Received: input_shape=[(None, 14, 14, 8), (None, 15, 15, 8)]",
            "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
            "Received: input_shape=[(None, 64), (None, 7, 7, 256), (None, 3)]",
        ),
        (
            "No such layer: conv. Existing layers are: ['image', 'backbone', 'merge'].",
            "No such layer: dense_12. Existing layers are: ['input_layer_3', 'dense_11'].",
        ),
        (
            "The layer sequential_model has never been called and thus has no defined output.",
            "The layer left has never been called and thus has no defined output.",
        ),
        (
            "You called `set_weights(weights)` on layer 'branch_b' with a weight list of length 1, "
            "but the layer was expecting 2 weights.",
            "You called `set_weights(weights)` on layer 'conv_3' with a weight list of length 12, "
            "but the layer was expecting 0 weights.",
        ),
        ("'Dense' object has no attribute 'output_shape'", "'Conv2D' object has no attribute 'output_shape'"),
        (
            "A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=[(None, 8)]",
            "A `Dot` layer should be called on a list of 2 inputs. "
            "Received: input_shape=[(None, 8), (None, 4), (None, 4)]",
        ),
        (
            "Computed output size would be zero or negative. Received `inputs shape=(None, 1, 1, 3)`, "
            "`kernel shape=(3, 3, 3, 8)`, `dilation_rate=[1 1]`, `strides=(1, 1)`, `padding=valid`.",
            "Computed output size would be zero or negative. Received `inputs shape=(None, 2, 2, 64)`, "
            "`kernel shape=(5, 5, 64, 32)`, `dilation_rate=[2 2]`, `strides=(1, 1)`, `padding=valid`.",
        ),
    ],
)
def test_messages_that_differ_only_in_names_shapes_and_numbers_are_one_family(first: str, second: str) -> None:
    assert generalise(first) == generalise(second)
    assert generalise(first) != first


def test_different_messages_stay_different_families() -> None:
    messages = [
        "'Dense' object has no attribute 'output_shape'",
        "'Dense' object has no attribute 'get_output_at'",
        "The layer left has never been called and thus has no defined output.",
        "The layer left has never been called and thus has no defined input.",
        "A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=(None, 4)",
    ]
    assert len({generalise(m) for m in messages}) == len(messages)


def test_error_index_links_to_sections_that_exist(site: Path) -> None:
    """Every cause links to a heading (#anchor) of an example page, and that heading is there."""
    index = site / "errors" / "index.html"
    links = re.findall(r'<a href="\.\./(examples/[^"#]+)#([^"]+)"', index.read_text())
    assert len(links) >= 20
    for page, anchor in links:
        html = (site / page / "index.html").read_text()
        assert re.search(rf'<h[2-6][^>]* id="{re.escape(anchor)}"', html), f"{page}#{anchor}: no such section"


def test_home_page_names_the_pinned_versions(site: Path) -> None:
    html = (site / "index.html").read_text()
    pins = requirement_pins()
    for package in ("tensorflow", "keras", "numpy"):
        assert pins[package] in html, package


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_page_links_to_source_and_colab(site: Path, source: Path) -> None:
    repo_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["repo_url"].rstrip("/")
    rel = source.relative_to(ROOT)
    html = (site / rel.with_suffix("") / "index.html").read_text()
    assert f'href="{repo_url}/blob/main/{rel.as_posix()}"' in html
    colab = f"https://colab.research.google.com/github/{repo_url.split('github.com/')[1]}/blob/main/{rel.with_suffix('.ipynb').as_posix()}"
    assert f'href="{colab}"' in html


def test_backend_page_shows_every_cell_of_the_matrix(site: Path) -> None:
    import json

    matrix = json.loads((ROOT / "docs" / "backend_matrix.json").read_text())
    html = html_lib.unescape((site / "backends" / "index.html").read_text())
    for example, row in matrix.items():
        assert f"examples/{example}/" in html
        for cell in row.values():
            assert cell["reason"] in html


def test_every_page_has_its_own_description(site: Path) -> None:
    """<meta name="description"> is each page's own promise, not the site's one line."""
    descriptions = {}
    for page in site.rglob("index.html"):
        if page.parent.name == "404":
            continue
        found = re.search(r'<meta name="description" content="([^"]*)"', page.read_text())
        assert found and found.group(1).strip(), f"{page}: no description"
        descriptions[page] = html_lib.unescape(found.group(1))
    assert len(set(descriptions.values())) == len(descriptions), "pages share a description"
    example = site / "examples" / "concatenate" / "04_shape_errors" / "index.html"
    assert len(descriptions[example]) > 30 and descriptions[example].endswith(".")


def test_sitemap_lists_every_page_at_the_site_url(site: Path) -> None:
    site_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]
    sitemap = (site / "sitemap.xml").read_text()
    pages = [p.parent.relative_to(site).as_posix() for p in site.rglob("index.html") if p.parent.name != "404"]
    for page in pages:
        url = site_url if page == "." else f"{site_url}{page}/"
        assert f"<loc>{url}</loc>" in sitemap, url


@pytest.mark.parametrize("source", EXAMPLE_SOURCES, ids=example_id)
def test_example_page_links_to_previous_and_next(site: Path, source: Path) -> None:
    html = (site / source.relative_to(ROOT).with_suffix("") / "index.html").read_text()
    assert "md-footer__link--prev" in html and "md-footer__link--next" in html


def test_no_page_asks_github_for_repository_facts(site: Path) -> None:
    """The header keeps its link to the repository, without the widget that calls GitHub's API."""
    repo_url = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["repo_url"]
    for page in site.rglob("index.html"):
        html = page.read_text()
        assert 'data-md-component="source"' not in html, page
        assert f'href="{repo_url}"' in html, page


def test_diagram_alt_text_names_the_model_it_draws() -> None:
    from sitegen.notebook_page import diagram_alt

    code = 'unet = keras.Model(\n    image, layers.Conv2D(1, 1, name="mask")(x), name="small_unet"\n)\n'
    alt = diagram_alt('keras.utils.plot_model(unet, to_file="u.png")', code, "U-Net: skips")
    assert "'small_unet'" in alt and "U-Net: skips" in alt  # the model's name, not a layer's
    assert "`" not in diagram_alt("keras.utils.plot_model(gated)", "", "A gate") and "gated" in diagram_alt(
        "keras.utils.plot_model(gated)", "", "A gate"
    )


def visible_text(html: str) -> str:
    """The words a reader sees in an HTML fragment: tags dropped, entities decoded, spaces joined."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_written_site_source_holds_the_text_of_the_built_pages(site: Path, tmp_path: Path) -> None:
    """`python -m sitegen OUT` writes each page as Markdown, through the same code as the hooks;
    rendered with the site's own Markdown extensions, each holds the text of the page MkDocs built,
    so an engine that runs no hooks can build the same site from those files."""
    import markdown

    from sitegen.__main__ import markdown_settings, site_settings, write_site_source

    written = write_site_source(tmp_path)
    extensions, configs = markdown_settings(site_settings())
    docs = tmp_path / "docs"
    pages = {page.relative_to(docs).as_posix() for page in written}
    assert {f"{example_id(s)}.md" for s in (ROOT / "examples").rglob("*.py")} <= {
        p.removeprefix("examples/") for p in pages
    }
    assert {"errors.md", "index.md", "backends.md", "benchmarks.md"} <= pages
    for page in sorted(pages):
        text = (docs / page).read_text()
        assert not re.search(r"\{\{ (pinned_versions|backend_matrix|extraction_results) \}\}", text), page
        body = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
        rendered = markdown.Markdown(extensions=extensions, extension_configs=configs)
        folder = "" if page == "index.md" else page.removesuffix(".md")
        built_html = (site / folder / "index.html").read_text()
        article = re.search(r'<article class="md-content__inner[^"]*">(.*?)</article>', built_html, re.S)
        assert article, page
        assert visible_text(rendered.convert(body)) == visible_text(article.group(1)), f"{page}: text differs"
