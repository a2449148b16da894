"""The ``fupin`` command: Django's management commands under one short name.

``fupin demo``, ``fupin serve``, ``fupin import FILE``, ``fupin areas load FILE``,
``fupin areas locate FILE`` and every
Django command (``fupin migrate``, ``fupin createsuperuser`` ...).
"""

import os
import sys

# Two-word commands map to a management command of their own.
ALIASES = {
    ("areas", "load"): "areas_load",
    ("areas", "locate"): "areas_locate",
    ("import",): "import_registry",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    for words, command in ALIASES.items():
        if tuple(args[: len(words)]) == words:
            args = [command, *args[len(words) :]]
            break
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fupin", *args])


if __name__ == "__main__":
    main()
