import json
from pathlib import Path

import pytest

OPENDATA = Path("/work/shared/opendata")


@pytest.fixture
def opendata() -> Path:
    if not OPENDATA.is_dir():
        pytest.skip("the shared open-data samples are not on this machine")
    return OPENDATA


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
