"""Fault injection for tests: on PYTHONPATH, makes the country page of ``SOS_TEST_CRASH_COUNTRY`` crash
(or, with ``SOS_TEST_STALL=1``, stall for ten minutes: a country still running when a test kills the build).

Python imports ``sitecustomize`` at start-up, so a build run with this folder on PYTHONPATH passes it to the
notebook kernels it starts. In a kernel (and only there) the country page's criteria overview raises for
that one country, after its results tables were written: a crash of the notebook that no validation can
foresee, which is what the isolation tests need. Nothing here is imported by the package."""

import os
import sys

_ISO = os.environ.get("SOS_TEST_CRASH_COUNTRY")

if _ISO and any("ipykernel" in arg for arg in sys.orig_argv):  # the full command line, -m included
    from solutions.report import country_page

    _original = country_page.criteria_overview

    def _crashing_overview(results, *args, **kwargs):
        if results.iso3 == _ISO:
            if os.environ.get("SOS_TEST_STALL") == "1":
                import time

                time.sleep(600)
            raise RuntimeError("injected crash (test fault)")
        return _original(results, *args, **kwargs)

    country_page.criteria_overview = _crashing_overview
