"""User-facing errors: each carries one line per problem and maps to exit code 2 in the CLI."""

from __future__ import annotations

import errno


class SolutionsError(Exception):
    """A problem the user can fix (bad config, bad input). Never shown as a traceback."""

    exit_code = 2

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class ConfigError(SolutionsError):
    """A params/ file is invalid."""


class InputError(SolutionsError):
    """A data file named by a config is missing, unreadable or fails validation."""


USER_ERROR_NAMES = frozenset({"InputError", "ConfigError"})


def user_problems(exc: BaseException) -> list[str]:
    """The problems of a user error, one per line; [] for any other failure.

    Why: an `InputError` raised in a notebook's kernel reaches the pipeline as papermill's execution error,
    which keeps only the exception's name (`ename`) and text (`evalue`); the problems are its lines.
    """
    if isinstance(exc, SolutionsError):
        return list(exc.problems)
    if getattr(exc, "ename", None) in USER_ERROR_NAMES:
        return [line for line in str(getattr(exc, "evalue", "")).splitlines() if line.strip()]
    return []


def os_problem(exc: OSError) -> str:
    """An OS error as the few words a user acts on (no Python exception names, no traceback)."""
    words = {
        errno.ENOENT: "file not found", errno.EACCES: "permission denied", errno.EPERM: "permission denied",
        errno.EISDIR: "is a folder, not a file", errno.ELOOP: "symbolic link loop",
        errno.ENAMETOOLONG: "path too long", errno.ENOTDIR: "a part of the path is not a folder",
        errno.ENOSPC: "no space left on the device", errno.EROFS: "read-only file system",
        errno.EDQUOT: "disk quota exceeded", errno.EIO: "input/output error",
    }
    return words.get(exc.errno or 0, exc.strerror or type(exc).__name__)
