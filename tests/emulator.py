#!/usr/bin/env python
"""Local AWS emulator for `make demo` and `make test`: moto's server with small, documented patches.

Each patch closes a gap where moto forgets or lacks something real AWS keeps, so that the roles
(written for real AWS, with no emulator shortcuts) converge to changed=0 here too. The README lists
them. Usage:

    python tests/emulator.py --port 5000        # serves on 127.0.0.1 until killed

Requests are recorded to $MOTO_RECORDER_FILEPATH when MOTO_ENABLE_RECORDING=true, which the tests
use to prove that a run made no write call.
"""

import argparse
import functools
import sys


def _keep_performance_insights():
    """RDS: moto drops PerformanceInsightsEnabled, so rds_instance would modify on every run."""
    from moto.rds.models import DBInstance

    original_init, original_update = DBInstance.__init__, DBInstance.update

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.performance_insights_enabled = bool(kwargs.get("enable_performance_insights"))

    @functools.wraps(original_update)
    def update(self, *args, **kwargs):
        enabled = kwargs.pop("enable_performance_insights", None)
        original_update(self, *args, **kwargs)
        if enabled is not None:
            self.performance_insights_enabled = bool(enabled)

    DBInstance.__init__, DBInstance.update = init, update


PATCHES = [_keep_performance_insights]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    for patch in PATCHES:
        patch()
    from moto.server import main as moto_main

    # Loopback only: nothing outside this machine can reach the emulator.
    moto_main(["--host", "127.0.0.1", "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
