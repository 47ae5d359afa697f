"""The versions requirements.txt pins: what every example runs on and every page says it ran on."""

from __future__ import annotations

from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def requirement_pins() -> dict[str, str]:
    """{package: version} for every `name==version` line of requirements.txt."""
    lines = REQUIREMENTS.read_text().splitlines()
    return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))
