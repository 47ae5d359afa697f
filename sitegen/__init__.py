"""The site's machinery: the example notebooks and docs/ as the pages of the site.

notebooks.py      which notebooks, which cells a page shows, titles, the versions each ran on
errors.py         the errors a notebook reproduces, and each message's family
notebook_page.py  one notebook as one Markdown page, from its stored outputs (no MkDocs import)
error_index.py    the error index page
tables.py         the generated tables (benchmark, backend matrix) and pinned versions in docs/ pages
pages.py          every generated file of the site, for the hooks and the writer alike
mkdocs_hooks.py   the thin glue to MkDocs's events (mkdocs.yml: hooks)
__main__.py       `python -m sitegen OUT`: the whole site source written to disk, for engines with no hooks
theme_overrides/  template overrides (mkdocs.yml: theme.custom_dir)
"""
