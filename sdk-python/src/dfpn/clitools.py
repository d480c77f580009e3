"""What the `dfpn` and `dfpn-worker` command lines share, so both behave like the tools users know (git, the
Solana CLI):

- global options accepted before or after the subcommand (`default`; a value given after the subcommand
  wins),
- `--version` from the installed package's metadata,
- `--json` for every outcome, errors included: exactly one JSON object on stdout,
  `{"error": {"code": ..., "message": ..., "hint": ...}}` for a failure,
- no traceback for a user error: one line `error: CODE: message` that says what to do; an unexpected exception
  (a bug) still prints its traceback, under a line saying that it is one,
- paths resolved against the user's working directory with `~` expanded (`user_path`),
- network names validated (`check_network`).

Exit codes: 0 ok, 1 a failure (`DFPNError` and the like), 2 a usage error, 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NoReturn, TextIO

from dfpn.errors import HINTS, DFPNError
from dfpn.rpc import resolve_network

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Network names every command line takes besides an http(s) URL (`dfpn.rpc.NETWORKS` and its aliases).
NETWORK_HELP = (
    '"local" (the embedded network, inside this process), "localnet" (127.0.0.1:8899), "devnet", "testnet", '
    '"mainnet" ("mainnet-beta") or an http(s) RPC URL'
)


class UsageError(Exception):
    """A bad command line or configuration: exit 2. `code` is "USAGE" unless a more precise one applies
    (an `ErrorCode` value such as "NETWORK_NOT_SUPPORTED")."""

    def __init__(self, message: str, *, code: str = "USAGE", hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


class CommandError(Exception):
    """A failure the command line found itself (exit 1), reported like a `DFPNError`."""

    def __init__(self, code: str, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


class _VersionRequestedError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    """An `ArgumentParser` whose errors are raised as `UsageError` (reported by `run_command`, as JSON with
    `--json`) instead of printed and exited on; its subparsers are Parsers too."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, hint=f"See `{self.prog} --help`.")


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *args: Any) -> None:
        raise _VersionRequestedError


def package_version(distribution: str) -> str:
    """The installed version of `distribution` ("unknown" when it is not installed, e.g. run from a checkout
    without `pip install`)."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def add_version_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")


def add_output_options(parser: argparse.ArgumentParser, after: bool, *, verbose_help: str) -> None:
    """`--json` and `-v`/`--verbose` (counted), global options of both command lines (see `default`)."""
    parser.add_argument(
        "--json",
        action="store_true",
        default=default(after, False),
        help="print the result, or the error, as one JSON object on stdout",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        dest="verbose_after" if after else "verbose",
        action="count",
        default=default(after, 0),
        help=verbose_help,
    )


def default(after: bool, value: Any) -> Any:
    """The default of a global option: `value` on the main parser, `argparse.SUPPRESS` on the subcommands.

    Global options are added twice: to the main parser with their defaults, and to a parent parser of every
    subcommand with `argparse.SUPPRESS` defaults, so a value given after the subcommand overrides one given before
    it, and an absent one leaves the main parser's value (or default) alone."""
    return argparse.SUPPRESS if after else value


def user_path(value: str) -> str:
    """A path as the user meant it: `~` expanded and made absolute against the current working directory (so it
    still names the same file when written to a config file or used from another directory)."""
    return os.path.abspath(os.path.expanduser(value))


def check_network(network: str) -> str:
    """`network` when it is "local", a cluster name the SDK knows or a well-formed http(s) URL; else a
    `UsageError` with code NETWORK_NOT_SUPPORTED saying what is accepted."""
    if network == "local":
        return network
    try:
        resolve_network(network)
    except DFPNError as e:
        message, hint = split_message(e)
        raise UsageError(message, code=e.code.value, hint=hint) from e
    return network


def split_message(error: DFPNError) -> tuple[str, str]:
    """(what happened, what to do) of a `DFPNError`, whose `message` ends with its code's hint."""
    hint = HINTS.get(error.code, "")
    message = error.message
    if hint and message.endswith(hint):
        message = message[: -len(hint)].rstrip()
    return message, hint


def wants_json(argv: Sequence[str]) -> bool:
    """Whether `--json` is on the command line (before a `--`): usage errors are reported before the parser
    could say so."""
    for arg in argv:
        if arg == "--":
            return False
        if arg == "--json":
            return True
    return False


@contextlib.contextmanager
def verbosity(level: int, stream: TextIO) -> Iterator[None]:
    """`-v`: the SDK's and the command's INFO messages on `stream`; `-vv`: DEBUG. Without it only warnings
    (Python's last-resort handler)."""
    if level <= 0:
        yield
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO if level == 1 else logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


class Reporter:
    """Writes a command's outcome: JSON on `out` with `as_json`, else text; errors as one line on `err`."""

    def __init__(self, prog: str, *, as_json: bool, out: TextIO, err: TextIO) -> None:
        self.prog = prog
        self.as_json = as_json
        self.out = out
        self.err = err

    def result(self, data: Any) -> None:
        self.out.write(json.dumps(data, indent=2, default=str) + "\n")

    def error(self, code: str, message: str, hint: str = "") -> None:
        if self.as_json:
            self.result({"error": {"code": code, "message": message, "hint": hint}})
            return
        text = message
        if hint and hint not in message:
            text = f"{message if message.endswith(('.', '!', '?')) else message + '.'} {hint}"
        self.err.write(f"error: {code}: {_one_line(text)}\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_command(
    prog: str,
    distribution: str,
    argv: Sequence[str],
    parse: Callable[[Sequence[str]], argparse.Namespace],
    body: Callable[[argparse.Namespace, Reporter], int],
    *,
    out: TextIO,
    err: TextIO,
    user_errors: Callable[[BaseException], tuple[str, str, str, int] | None] = lambda e: None,
) -> int:
    """Parse `argv` and run `body(args, reporter)`, turning every outcome into an exit code and one report:
    `UsageError` 2, `DFPNError`/`CommandError`/`OSError` 1 (one line, or one JSON object with `--json`), `--help`
    and `--version` 0; anything else is a bug: a line saying so, then the traceback, exit 1. `user_errors(e)`
    classifies a command's own exceptions as (code, message, hint, exit code), or None."""
    as_json = wants_json(argv)
    reporter = Reporter(prog, as_json=as_json, out=out, err=err)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parse(argv)
    except _VersionRequestedError:
        text = package_version(distribution)
        if as_json:
            reporter.result({"name": distribution, "version": text})
        else:
            out.write(f"{prog} {text}\n")
        return EXIT_OK
    except UsageError as e:
        reporter.error(e.code, e.message, e.hint)
        return EXIT_USAGE
    except SystemExit as e:  # --help printed its text
        return e.code if isinstance(e.code, int) else EXIT_OK
    reporter.as_json = bool(getattr(args, "json", False)) or as_json
    try:
        return body(args, reporter)
    except UsageError as e:
        reporter.error(e.code, e.message, e.hint)
        return EXIT_USAGE
    except DFPNError as e:
        message, hint = split_message(e)
        reporter.error(e.code.value, message, hint)
        return EXIT_ERROR
    except CommandError as e:
        reporter.error(e.code, e.message, e.hint)
        return EXIT_ERROR
    except KeyboardInterrupt:
        reporter.error("INTERRUPTED", "interrupted", "")
        return EXIT_INTERRUPTED
    except Exception as e:
        known = user_errors(e)
        if known is not None:
            code, message, hint, exit_code = known
            reporter.error(code, message, hint)
            return exit_code
        if isinstance(e, OSError):  # the file system or the machine, not a bug: say which file and why
            where = f": {e.filename}" if e.filename else ""
            reporter.error(
                "OS_ERROR",
                f"{e.strerror or e}{where}",
                "check the path, its permissions and free space, then try again.",
            )
            return EXIT_ERROR
        return _bug(prog, distribution, e, reporter)


def _bug(prog: str, distribution: str, error: Exception, reporter: Reporter) -> int:
    message = f"unexpected {type(error).__name__}: {error}"
    hint = (
        f"This is a bug in {prog} {package_version(distribution)}, not something you did wrong; please report it "
        "with the traceback printed on stderr."
    )
    reporter.error("INTERNAL", message, hint)
    reporter.err.write(f"{prog}: the traceback of this bug follows:\n")
    traceback.print_exception(error, file=reporter.err)
    return EXIT_ERROR


__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "NETWORK_HELP",
    "CommandError",
    "Parser",
    "Reporter",
    "UsageError",
    "add_version_option",
    "check_network",
    "default",
    "package_version",
    "run_command",
    "split_message",
    "user_path",
    "verbosity",
    "wants_json",
]
