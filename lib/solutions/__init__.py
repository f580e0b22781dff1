"""State of Solutions: reproducible reporting on durable solutions to internal displacement."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("state-of-solutions")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
