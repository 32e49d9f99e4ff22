"""Site commands: `archkb export-site DIR` writes the published site as a plain MkDocs project."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from archkb.core.errors import ArchkbError


def register(commands: Any, exports: Any) -> None:
    p = commands.add_parser("export-site", help="write the site as a plain MkDocs project (no archkb plugin needed)")
    p.add_argument("out", metavar="DIR", help="folder to write (new, or an earlier export)")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="the knowledge base's mkdocs.yml")
    p.set_defaults(func=cmd_export_site)


def cmd_export_site(args: argparse.Namespace) -> int:
    if not os.path.isfile(args.config_file):
        print(f"archkb: error: no such file: {args.config_file}", file=sys.stderr)
        return 2
    from archkb.site.plugin import export_project

    try:
        pages, copied = export_project(args.config_file, args.out)
    except ArchkbError as exc:
        print(f"archkb: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {pages} pages and {copied} other files to {args.out}; build it with "
          f"`mkdocs build -f {os.path.join(args.out, 'mkdocs.yml')}`")
    return 0
