"""extract_layers on architectures no one here wrote: keras.applications models (weights=None,
smallest input sizes), every extracted file checked against a direct call of the model's layers.

Building and saving these models takes a minute each on 2 cores, so they form a lane of their
own: `python -m pytest -m applications tests/test_extract_applications.py` (.ci/run runs it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extract_layers.cli import main

pytestmark = pytest.mark.applications


def extract(tmp_path: Path, model, inputs: np.ndarray, *options: str) -> Path:
    model.save(tmp_path / "model.keras")
    np.save(tmp_path / "inputs.npy", inputs)
    out = tmp_path / "out"
    code = main([str(tmp_path / "model.keras"), str(tmp_path / "inputs.npy"), *options, "--out", str(out),
                 "--batch-size", "2", "--no-progress"])
    assert code == 0
    return out


def check(out: Path, expected: dict[str, np.ndarray]) -> None:
    assert sorted(p.name for p in out.glob("*.npy")) == sorted(f"{name}.npy" for name in expected)
    for name, values in expected.items():
        np.testing.assert_allclose(np.load(out / f"{name}.npy"), values, atol=1e-4, rtol=1e-4, err_msg=name)


def images(size: int, count: int = 3) -> np.ndarray:
    return np.random.default_rng(0).uniform(0, 255, size=(count, size, size, 3)).astype("float32")


def test_inception_v3_mixed0(tmp_path: Path) -> None:
    import keras

    keras.utils.set_random_seed(0)
    model = keras.applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)
    x = images(75)
    out = extract(tmp_path, model, x, "--merge-inputs", "mixed0", "--layers", "mixed0")
    branches = keras.Model(model.input, model.get_layer("mixed0").input).predict_on_batch(x)
    producers = ["activation_5", "activation_7", "activation_10", "activation_11"]
    expected = {f"mixed0.in{i}.{name}": value for i, (name, value) in enumerate(zip(producers, branches, strict=True))}
    expected["mixed0"] = keras.Model(model.input, model.get_layer("mixed0").output).predict_on_batch(x)
    check(out, expected)
    np.testing.assert_allclose(np.concatenate(branches, axis=-1), expected["mixed0"], atol=1e-5)


def test_densenet121_concat_block_nested_in_a_classifier(tmp_path: Path) -> None:
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    base = keras.applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
    image = keras.Input((32, 32, 3), name="image")
    scaled = layers.Rescaling(1 / 255, name="scale")(image)
    features = layers.GlobalAveragePooling2D(name="pool")(base(scaled))
    model = keras.Model(image, layers.Dense(5, name="classifier")(features), name="classifier_model")
    x = images(32)
    block = f"{base.name}/conv2_block1_concat"
    out = extract(tmp_path, model, x, "--merge-inputs", block, "--layers", "classifier")
    inner = keras.Model(base.input, base.get_layer("conv2_block1_concat").input)
    values = inner.predict_on_batch(x / 255)
    stem = f"{base.name}__conv2_block1_concat"
    check(out, {
        f"{stem}.in0.pool1": values[0],
        f"{stem}.in1.conv2_block1_2_conv": values[1],
        "classifier": model.predict_on_batch(x),
    })


def test_resnet50_add_merges(tmp_path: Path) -> None:
    import keras

    keras.utils.set_random_seed(0)
    model = keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)
    x = images(32)
    merges = ["conv2_block1_add", "conv3_block2_add", "conv5_block3_add"]
    out = extract(tmp_path, model, x, "--merge-inputs", *merges)
    expected = {}
    for merge in merges:
        values = keras.Model(model.input, model.get_layer(merge).input).predict_on_batch(x)
        if merge == "conv2_block1_add":  # the projection shortcut and the residual branch
            names = ["conv2_block1_0_bn", "conv2_block1_3_bn"]
        else:  # the identity shortcut comes from the previous block's output
            previous = {"conv3_block2_add": "conv3_block1_out", "conv5_block3_add": "conv5_block2_out"}[merge]
            names = [previous, merge.replace("_add", "_3_bn")]
        expected |= {f"{merge}.in{i}.{name}": value for i, (name, value) in enumerate(zip(names, values, strict=True))}
    check(out, expected)


def test_convnext_residual_adds_are_operations_listed_and_extracted(tmp_path: Path, capsys) -> None:
    # ConvNeXt's residual merges are `x + y`: Add operations, not layers, beside nested Sequential models
    import keras

    keras.utils.set_random_seed(0)
    model = keras.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), classes=10)
    adds = [op for op in model.operations if type(op).__name__ == "Add" and not isinstance(op, keras.layers.Layer)]
    assert len(adds) == 18 and not any(type(layer).__name__ == "Add" for layer in model.layers)
    x = images(32)
    out = extract(tmp_path, model, x, "--merge-inputs", adds[3].name)
    assert main([str(tmp_path / "model.keras"), "--list"]) == 0
    listing = capsys.readouterr().out
    assert "18 merges in model 'convnext_tiny' (0 layers, 18 operations)" in listing
    assert f"{adds[3].name}  Add operation, 2 inputs -> (None, 4, 4, 192)\n  --merge-inputs {adds[3].name}\n" in listing
    values = keras.Model(model.input, list(adds[3].input)).predict_on_batch(x)
    producers = ["convnext_tiny_downsampling_block_0", "convnext_tiny_stage_1_block_0_identity"]
    check(out, {f"{adds[3].name}.in{i}.{name}": value
                for i, (name, value) in enumerate(zip(producers, values, strict=True))})
