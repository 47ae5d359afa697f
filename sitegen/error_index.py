"""The error index: every error the examples reproduce, grouped by family, each cause linking to
the section that reproduces and fixes it."""

from __future__ import annotations

import html
from pathlib import PurePosixPath

import nbformat

from sitegen.errors import cell_errors, exception_of, generalise, specific_part, wording_of
from sitegen.notebook_page import cell_sections, fenced
from sitegen.notebooks import page_cells, title_of


def error_causes(notebooks, extensions: list | None = None, extension_configs: dict | None = None) -> dict:
    """{(kind, family): {(page, anchor): {"section", "page_title", "messages"}}} over all pages."""
    families: dict[tuple[str, str], dict] = {}
    for rel, notebook in notebooks:
        sections = cell_sections(notebook, extensions, extension_configs)
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


def error_index_markdown(
    notebooks: list[tuple[PurePosixPath, nbformat.NotebookNode]],
    extensions: list | None = None,
    extension_configs: dict | None = None,
) -> str:
    families = error_causes(notebooks, extensions, extension_configs)
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
