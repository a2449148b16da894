"""The ID-number checker lives in :mod:`fupin.core.idnumber` (every importer uses it); the
registry's modules keep importing it from here."""

from fupin.core.idnumber import (  # noqa: F401
    IdInfo,
    IdNumberError,
    check_digit,
    make_id_number,
    mask,
    normalize,
    parse_id_number,
)
