"""Executes a notebook headless (as CI does) and fails with the cell's error when a cell fails.

Usage: run_notebook.py NOTEBOOK. The notebook runs in its own folder; the executed copy is not
written back, so the committed notebook keeps no outputs.
"""

import sys
from pathlib import Path

import nbclient
import nbformat


def main() -> int:
    path = Path(sys.argv[1])
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        print(f"{path}: a cell failed\n{e}", file=sys.stderr)
        return 1
    cells = sum(1 for c in nb.cells if c.cell_type == "code")
    print(f"{path}: {cells} code cells ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
