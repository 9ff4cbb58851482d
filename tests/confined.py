"""Run a command that can read only the folders it is given, with Linux's Landlock:

    python tests/confined.py --read DIR ... --write DIR ... -- COMMAND ARG ...

The rules hold for the command and every process it starts; any other path (a document's
source folder, the repository's `source/`, the tests' temporary folders) gives
PermissionError. The cluster tests start their Dask workers this way, so that a job can only
build from the bytes it carries. Written by hand on the kernel's three system calls: the
Python bindings on PyPI are pre-releases or unmaintained.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import sys

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446  # the same on every architecture
RULE_PATH_BENEATH = 1
VERSION = 1 << 0  # landlock_create_ruleset(NULL, 0, VERSION): the kernel's ABI
EXECUTE, READ_FILE, READ_DIR = 1 << 0, 1 << 2, 1 << 3
READ = EXECUTE | READ_FILE | READ_DIR
EVERY_V1 = (1 << 13) - 1  # execute … make_sym: what ABI 1 handles
REFER = 1 << 13  # ABI 2: moving a file between folders
PR_SET_NO_NEW_PRIVS = 38

_libc = ctypes.CDLL(None, use_errno=True)


class _Ruleset(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _call(number: int, *args) -> int:
    result = _libc.syscall(number, *args)
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    return result


def abi() -> int:
    """The kernel's Landlock ABI version, 0 without Landlock."""
    try:
        return _call(CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(VERSION))
    except OSError:
        return 0


def confine(read: list[str], write: list[str]) -> None:
    """From now on this process and its children reach only the folders `read` (read and
    execute) and `write` (anything), each with everything beneath it; a missing one is left
    out."""
    every = EVERY_V1 | (REFER if abi() >= 2 else 0)
    ruleset = _Ruleset(every)
    handle = _call(CREATE_RULESET, ctypes.byref(ruleset), ctypes.c_size_t(ctypes.sizeof(ruleset)),
                   ctypes.c_uint32(0))
    try:
        for paths, access in ((read, READ), (write, every)):
            for path in paths:
                if not os.path.exists(path):
                    continue
                folder = os.open(path, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
                try:
                    rule = _PathBeneath(access, folder)
                    _call(ADD_RULE, ctypes.c_int(handle), ctypes.c_int(RULE_PATH_BENEATH),
                          ctypes.byref(rule), ctypes.c_uint32(0))
                finally:
                    os.close(folder)
        if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        _call(RESTRICT_SELF, ctypes.c_int(handle), ctypes.c_uint32(0))
    finally:
        os.close(handle)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--read", action="append", default=[])
    parser.add_argument("--write", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    confine(args.read, args.write)
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
