"""One job in a process of its own: ``python -m bench.child NAME MANIFEST``.

Prints one line ``RESULT <json>`` last: the job's measurements and the process's
peak resident memory, which is therefore that job's alone (the process did nothing
else but start Django). Run by :func:`bench.runner.run_job` with the run's
environment.
"""

from __future__ import annotations

import json
import resource
import sys
from dataclasses import asdict
from pathlib import Path

import django

RESULT_PREFIX = "RESULT "


def main(arguments: list[str]) -> None:
    name, manifest_path = arguments
    django.setup()
    from bench.jobs import JOBS
    from bench.manifest import Manifest

    measurements = JOBS[name].run(Manifest.read(Path(manifest_path)))
    # Linux reports kilobytes.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    document = {"measurements": [asdict(m) for m in measurements], "peak_rss_bytes": peak}
    print(RESULT_PREFIX + json.dumps(document, default=str), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
