"""Launch buttons open chapters that run: on Colab there is no checkout, so each chapter's first cell installs the kit
from the repository that _config.yml names (the one instructor setting), and runs from its book/ folder."""

from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_chapter_installs_the_kit_from_the_configured_repository_when_missing():
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    for path in sorted((ROOT / "book").glob("0*.ipynb")):
        first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code").source
        block = first.find("try:\n    import sacro_kit as sk\nexcept ModuleNotFoundError:")
        assert block >= 0, f"{path.name}: the first cell does not install the kit when it is missing"
        assert "sacro_kit" not in first[:block] and "booksupport" not in first[:block], path.name
        assert f'REPOSITORY, BRANCH = "{repo["url"]}", "{repo["branch"]}"' in first, (
            f"{path.name}: the install cell must use _config.yml's repository (run `make launch`)")
        assert 'os.chdir("sacro_kit_repo/book")' in first  # booksupport lives beside the chapters
