"""MkDocs hooks (mkdocs.yml: `hooks:`): wire the site machinery to MkDocs's events, nothing more.

The pages themselves come from `sitegen.pages`, which knows nothing of MkDocs; `python -m sitegen`
writes the same pages to disk for an engine that runs no hooks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

# MkDocs loads this file by path, with only its own folder on sys.path: the package is one up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sitegen.pages import description_of, finished_markdown, generated_files  # noqa: E402


@event_priority(100)  # before the search plugin and the nav are built
def on_files(files: Files, config: MkDocsConfig) -> Files:
    generated = generated_files(config.repo_url, list(config["markdown_extensions"]), dict(config["mdx_configs"]))
    for item in generated:
        if item.source is not None:
            files.append(File.generated(config, item.path, abs_src_path=str(item.source)))
        else:
            files.append(File.generated(config, item.path, content=item.content))
    return files


def on_page_markdown(markdown_text: str, page, config: MkDocsConfig, files: Files) -> str:
    if not page.meta.get("description"):
        page.meta["description"] = description_of(markdown_text, config.site_description)
    return finished_markdown(markdown_text)
