"""Write the outputs of chosen layers, or the inputs of chosen merge layers, of a saved Keras model.

    python scripts/extract_layers.py model.keras inputs.npy --layers branch_a block/conv --out acts/
    python scripts/extract_layers.py model.keras inputs.npy --merge-inputs block/merge --out acts/

`--help` documents every option. The code lives in `scripts/extraction_tool/`: `cli.py` (this
command line), `io.py` (reading inputs, writing outputs resumably), `graph.py` (which tensors),
`engine_local.py` and `engine_ray.py` (who computes them).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_tool.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
