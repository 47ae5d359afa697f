"""What every part of the benchmark measures: the three-branch model, its branches, and the two
commands that extract them (the program and the plain `predict` a user would write)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
# The extractor as its `extract-layers` command runs, from this checkout (see PYTHONPATH below).
EXTRACT = [sys.executable, "-m", "extract_layers"]
INPUT_SHAPE = (64, 64, 3)
BRANCH_LAYERS = ["branch_1x1", "branch_3x3", "branch_5x5"]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# The processes it starts import extract_layers from this checkout, installed or not.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
PLAIN_PREDICT = """\
import sys
import keras
import numpy as np
model_path, inputs, out, batch_size, *names = sys.argv[1:]
model = keras.models.load_model(model_path)
extractor = keras.Model(model.inputs, [model.get_layer(name).output for name in names])
values = extractor.predict(np.load(inputs), batch_size=int(batch_size), verbose=0)
for name, value in zip(names, values, strict=True):
    np.save(f"{out}/{name}.npy", value)
"""
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def build_model():
    """A stem that does most of the work, then three branches joined on channels."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    image = keras.Input(shape=INPUT_SHAPE, name="image")
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="stem_1")(image)
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="stem_2")(x)
    x = layers.MaxPooling2D(2, name="stem_pool")(x)
    x = layers.Conv2D(48, 3, padding="same", activation="relu", name="stem_3")(x)
    branches = []
    for k in (1, 3, 5):
        b = layers.Conv2D(16, k, padding="same", activation="relu", name=f"branch_{k}x{k}_conv")(x)
        branches.append(layers.MaxPooling2D(2, name=f"branch_{k}x{k}")(b))
    merged = layers.Concatenate(name="merge")(branches)
    pooled = layers.GlobalAveragePooling2D(name="pool")(merged)
    return keras.Model(image, layers.Dense(10, name="head")(pooled), name="three_branches")


def program_command(model_path: Path, inputs: Path, out: Path, batch_size: int, engine: str) -> list[str]:
    return [*EXTRACT, str(model_path), str(inputs), "--layers", *BRANCH_LAYERS,
            "--out", str(out), "--batch-size", str(batch_size), "--no-progress", "--engine", engine]


def predict_command(model_path: Path, inputs: Path, out: Path, batch_size: int) -> list[str]:
    return [sys.executable, "-c", PLAIN_PREDICT, str(model_path), str(inputs), str(out), str(batch_size),
            *BRANCH_LAYERS]
