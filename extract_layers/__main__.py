"""`python -m extract_layers`: the same program as the `extract-layers` command."""

from extract_layers.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
