"""Errors that end a command with a clear one-line message instead of a traceback."""


class UsageError(Exception):
    """Bad input from the user (option, path, data). The CLI prints it on one line and exits 2."""

    exit_code = 2
