"""First cell of every chapter: install the kit when it is missing (Colab has no checkout); `make launch`.
The repository URL and branch come from _config.yml (tests/test_launch.py checks they agree)."""
import sys, re, yaml, nbformat
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
URL, BRANCH = repo["url"], repo["branch"]
BLOCK = f'''try:
    import sacro_kit as sk
except ModuleNotFoundError:  # Colab (no checkout of this repository): fetch it, install the kit, run from its book/
    import os, subprocess, sys
    REPOSITORY, BRANCH = "{URL}", "{BRANCH}"  # _config.yml's repository.url and .branch
    subprocess.run(["git", "clone", "--depth", "1", "--branch", BRANCH, REPOSITORY, "sacro_kit_repo"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "./sacro_kit_repo"], check=True)  # dependencies
    os.chdir("sacro_kit_repo/book")
    sys.path.insert(0, os.getcwd())  # booksupport, beside the chapters; the kit is the installed package
    import sacro_kit as sk'''

def main(p):
    nb = nbformat.read(p, 4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    src = cell.source
    src = re.sub(r"try:\n    import sacro_kit as sk\nexcept ModuleNotFoundError:.*?\n    import sacro_kit as sk", "import sacro_kit as sk", src, flags=re.S)
    assert src.startswith("import sacro_kit as sk") or "\nimport sacro_kit as sk" in src, (p, src[:200])
    cell.source = src.replace("import sacro_kit as sk", BLOCK, 1)
    nbformat.write(nb, p)

if __name__ == "__main__":
    for p in sys.argv[1:]:
        main(p)
