"""Write the whole site source to disk, generated pages included, for an engine that runs no hooks.

    python -m sitegen build/site-source
    mkdocs build -f build/site-source/mkdocs.yml      # or any engine that reads mkdocs.yml

OUT/docs/ holds docs/ with every placeholder filled and each page's description in its front
matter, plus every page `sitegen.pages` generates (the same code the MkDocs hooks run);
OUT/mkdocs.yml inherits the repository's settings with no hooks and docs_dir pointing there.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import yaml

from sitegen.notebooks import ROOT
from sitegen.pages import description_of, finished_markdown, generated_files

CONFIG = ROOT / "mkdocs.yml"
# The extensions MkDocs always adds before mkdocs.yml's own, which the pages' anchors depend on.
MKDOCS_BUILTIN_EXTENSIONS = ["toc", "tables", "fenced_code"]


def site_settings() -> dict:
    """mkdocs.yml's settings this needs, read without MkDocs (its !!python tags are not used)."""
    return yaml.safe_load(CONFIG.read_text())


def markdown_settings(settings: dict) -> tuple[list[str], dict]:
    """(extensions, their configs) as MkDocs passes them to Markdown: its own first, then mkdocs.yml's."""
    listed = settings.get("markdown_extensions", [])
    named = [next(iter(e)) if isinstance(e, dict) else e for e in listed]
    configs = {next(iter(e)): next(iter(e.values())) for e in listed if isinstance(e, dict)}
    return list(dict.fromkeys(MKDOCS_BUILTIN_EXTENSIONS + named)), configs


def with_description(markdown_text: str, site_description: str) -> str:
    """The page with the <meta name="description"> the hooks give it, as front matter."""
    if markdown_text.startswith("---\n"):
        return markdown_text
    description = json.dumps(description_of(markdown_text, site_description), ensure_ascii=False)  # JSON is YAML
    return f"---\ndescription: {description}\n---\n\n{markdown_text}"


def write_site_source(out: Path) -> list[Path]:
    """Write OUT/docs/ and OUT/mkdocs.yml; return the Markdown pages written."""
    settings = site_settings()
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(ROOT / settings.get("docs_dir", "docs"), docs)
    written = []
    site_description = settings.get("site_description", "")
    for page in sorted(docs.rglob("*.md")):
        page.write_text(finished_markdown(with_description(page.read_text(), site_description)))
        written.append(page)
    for item in generated_files(settings.get("repo_url"), *markdown_settings(settings)):
        target = docs / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.source is not None:
            shutil.copyfile(item.source, target)
        elif isinstance(item.content, bytes):
            target.write_bytes(item.content)
        else:
            text = item.content or ""
            target.write_text(with_description(text, site_description) if target.suffix == ".md" else text)
            written.append(target)
    inherited = [f"INHERIT: {CONFIG.resolve()}", "docs_dir: docs", "hooks: []"]
    if "custom_dir" in settings.get("theme", {}):  # a path relative to the config file: give it whole
        inherited += ["theme:", f"  custom_dir: {(ROOT / settings['theme']['custom_dir']).resolve()}"]
    (out / "mkdocs.yml").write_text("\n".join(inherited) + "\n")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitegen", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write docs/ and mkdocs.yml into")
    args = parser.parse_args(argv)
    written = write_site_source(args.out)
    print(f"{len(written)} pages written to {args.out / 'docs'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
