"""Exit codes and the one error type every predictable failure is raised as."""

from __future__ import annotations

import enum

import click


class ExitCode(enum.IntEnum):
    OK = 0
    FAILED = 1  # a check failed or a process failed
    USAGE = 2  # click's own usage errors
    UNREACHABLE = 3  # a server could not be reached
    SIGHUP = 129
    SIGINT = 130
    SIGTERM = 143


class DevtoolError(click.ClickException):
    """One line: what failed, then what to do about it."""

    exit_code = ExitCode.FAILED

    def __init__(self, message: str, hint: str | None = None, exit_code: int | None = None):
        super().__init__(f"{message}; {hint}" if hint else message)
        if exit_code is not None:
            self.exit_code = int(exit_code)


class ConfigError(DevtoolError):
    """A user file or setting is not what devtool can work with."""


class UnreachableError(DevtoolError):
    exit_code = ExitCode.UNREACHABLE


class InputError(DevtoolError):
    """A value given on the command line is not of the form it must have (exit 2, like click's own)."""

    exit_code = ExitCode.USAGE
