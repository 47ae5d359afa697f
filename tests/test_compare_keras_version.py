"""The next-release report sorts each differing cell into the class that explains it."""

from __future__ import annotations

import pytest

from toolchain.compare_keras_version import classify


@pytest.mark.parametrize(
    "stored, fresh, kind",
    [
        ("(None, 8)\n", "(None, 8)\n", None),
        ("Keras 3.15.1, backend: tensorflow\n", "Keras 3.16.0.dev2026102704, backend: tensorflow\n", "version"),
        ("loss 0.412\nacc 0.5\n", "loss 0.398\nacc 0.75\n", "numbers"),
        (
            "(None, 4)\nValueError: Exception encountered when calling X.call(). inputs=1\n",
            "(None, 4)\nValueError: Exception encountered when calling X.call(). args=1\n",
            "wording",
        ),
        (
            "UserWarning: The structure of `inputs` doesn't match\n",
            "UserWarning: The structure of `inputs` doesn't match; ignored fields: c\n",
            "wording",
        ),
        ("a - c: [1. 1.]\n", "a - c: [0. 0.]\nUserWarning: ignored\n", "behaviour"),
        ("True\n", "False\n", "behaviour"),
        ("ValueError: shapes differ\n", "TypeError: shapes differ\n", "behaviour"),
        ("(None, 8)\n", "ValueError: no longer accepted\n", "behaviour"),
    ],
)
def test_each_difference_gets_the_class_that_explains_it(stored: str, fresh: str, kind: str | None) -> None:
    assert classify(stored, fresh) == kind
