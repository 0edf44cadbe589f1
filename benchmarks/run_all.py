"""Run every benchmark script in this folder, one after another."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for script in sorted(HERE.glob("*_speed.py")):
        subprocess.run([sys.executable, str(script)], cwd=HERE, check=False)
        print()
