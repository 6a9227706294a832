"""Determinism: the book build's own execution of every chapter gives the outputs stored in book/*.ipynb.

The stored outputs come from one run (`make notebooks`), the build's from another (_build/jupyter_execute, written by
`make book`); nbval is a third. Equal text outputs across independent runs mean seeds are explicit and nothing volatile
(timings, memory addresses, random ids) reaches a reader. Images are compared by presence only: PNG bytes depend on
the Matplotlib build, not on the analysis. Widget views carry random model ids, so only their presence is compared.
Glue records are compared through what they display; myst-nb keeps them apart from the executed copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
STORED = sorted((ROOT / "book").glob("*.ipynb"))
EXECUTED = ROOT / "_build" / "jupyter_execute" / "book"
VOLATILE = re.compile(r"0x[0-9a-fA-F]+")
SKIP = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json"}


def _outputs(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                outs.append(("stream", out["name"], VOLATILE.sub("0x", out["text"])))
            elif out["output_type"] in ("display_data", "execute_result"):
                data = out.get("data", {})
                if all(k.startswith("application/papermill.record") for k in data):
                    continue  # myst-nb moves glue records out of the executed copy (into *.glue.json)
                outs.append(("data", tuple(sorted(data)),
                             tuple(VOLATILE.sub("0x", str(data[k])) for k in sorted(data) if k not in SKIP)))
            else:
                outs.append((out["output_type"],))
        cells.append(outs)
    return cells


@pytest.mark.parametrize("stored", STORED, ids=[p.stem for p in STORED])
def test_build_reproduces_stored_outputs(stored):
    executed = EXECUTED / stored.name
    if not executed.exists():
        pytest.fail(f"{executed} is missing: run `make book` first")
    assert _outputs(executed) == _outputs(stored), f"{stored.name}: outputs differ between two runs"


def _glued(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    prefix = "application/papermill.record/"
    def key(k: str) -> str:
        return k[len(prefix):] if k.startswith(prefix) else k

    return {out["metadata"]["scrapbook"]["name"]: {key(k): VOLATILE.sub("0x", str(v))
                                                   for k, v in out["data"].items() if key(k) not in SKIP}
            for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
            if out.get("metadata", {}).get("scrapbook")}


@pytest.mark.parametrize("stored", STORED, ids=[p.stem for p in STORED])
def test_build_reproduces_every_number_in_the_prose(stored):
    # every number in the prose is a glued value; the build keeps them in <chapter>.glue.json
    import json

    glue_file = EXECUTED / f"{stored.stem}.glue.json"
    if not glue_file.exists():
        pytest.fail(f"{glue_file} is missing: run `make book` first")
    built = {name: {k: VOLATILE.sub("0x", str(v)) for k, v in out["data"].items() if k not in SKIP}
             for name, out in json.loads(glue_file.read_text()).items()}
    assert built == _glued(stored)
