"""The `archkb mcp` command: serve a knowledge base to AI assistants over the Model Context Protocol (stdio)."""

from __future__ import annotations

import argparse
import importlib.util
import os
from typing import Any

from archkb.core.errors import NotFound, ToolMissing


def register(commands: Any, exports: Any) -> None:
    p = commands.add_parser("mcp", help="serve the knowledge base to AI assistants (MCP over stdio)")
    p.add_argument("root", nargs="?", default=".", help="knowledge base root (default: the current folder)")
    p.set_defaults(func=cmd_mcp)


def cmd_mcp(args: argparse.Namespace) -> int:
    if not os.path.isdir(args.root):
        raise NotFound(f"no such folder: {args.root}")
    # The SDK is an optional dependency: `archkb check` and the site never need it.
    if importlib.util.find_spec("mcp") is None:
        raise ToolMissing("`archkb mcp` needs the MCP SDK", hint="pip install 'archkb[mcp]'")
    from archkb.mcp.server import serve

    serve(args.root)
    return 0
