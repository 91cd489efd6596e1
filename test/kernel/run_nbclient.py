"""Execute a notebook on the tslab kernel through the real Jupyter stack (jupyter_client + nbclient).

    JUPYTER_PATH=<repo>/.jupyter-local /usr/bin/python3 test/kernel/run_nbclient.py in.ipynb out.ipynb

Prints one JSON line: {"ok", "seconds", "error"}; the executed notebook (validated) goes to out.ipynb.
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(src, dst):
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(
        nb, kernel_name="tslab", timeout=120, startup_timeout=60,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
    )
    t0 = time.time()
    error = None
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e)
    nbformat.validate(nb)
    nbformat.write(nb, dst)
    print(json.dumps({"ok": error is None, "seconds": time.time() - t0, "error": error}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
