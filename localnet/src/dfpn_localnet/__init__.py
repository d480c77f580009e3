"""DFPN on one machine: a real local validator with the program deployed and configured (`dfpn-localnet`)."""

from dfpn_localnet.kubo import Kubo, find_kubo
from dfpn_localnet.validator import (
    SPINNING_THREADS,
    VALIDATOR_ENV,
    Validator,
    find_validator,
    free_port_pair,
    idle_spinning_threads,
    initialise,
    spinning_cpu_seconds,
    spinning_threads,
)

__all__ = [
    "SPINNING_THREADS",
    "VALIDATOR_ENV",
    "Kubo",
    "Validator",
    "find_kubo",
    "find_validator",
    "free_port_pair",
    "idle_spinning_threads",
    "initialise",
    "spinning_cpu_seconds",
    "spinning_threads",
]
