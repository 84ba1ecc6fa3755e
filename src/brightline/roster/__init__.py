"""The CPD roster, without a database: reading the files, linking profiles to roster rows, the
in-memory lookup index (star, name, unit) and roll-call inspections."""

from brightline.roster.index import NameSearch, Person, RosterIndex, StarHolding
from brightline.roster.names import squash
from brightline.roster.rollcall import WATCHES, RollCall, parse_roll_call
from brightline.roster.sources import read_file, roster_files

__all__ = [
    "WATCHES",
    "NameSearch",
    "Person",
    "RollCall",
    "RosterIndex",
    "StarHolding",
    "parse_roll_call",
    "read_file",
    "roster_files",
    "squash",
]
