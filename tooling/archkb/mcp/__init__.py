"""archkb for AI assistants: an MCP server over the typed graph, checks, reviews and drafts.

`queries` answers the read tools from the public API (`archkb.load`), `drafts` validates
and writes new decisions and supersessions through the one writer, and `server` wires
both to the official `mcp` SDK (tools, resources, prompts). Only `server` imports the SDK,
so the answers can be tested, and used, without it.
"""
