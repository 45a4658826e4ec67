"""`rlvrctl lsp` driven by a real LSP client library (pygls) against a running rlvrd.

Usage: python3 lsp_client.py <rlvrctl> <base url> <token file>
Exits non-zero on the first failed check. Run by tests/tests/editors.rs.
"""

import asyncio
import json
import sys

from lsprotocol import types as t
from pygls.lsp.client import BaseLanguageClient

import common
from common import check

RLVRCTL, URL, TOKEN_FILE = sys.argv[1:4]


def inline(uri, line, character):
    return t.InlineCompletionParams(
        text_document=t.TextDocumentIdentifier(uri=uri),
        position=t.Position(line=line, character=character),
        context=t.InlineCompletionContext(trigger_kind=t.InlineCompletionTriggerKind.Automatic),
    )


async def main():
    client = BaseLanguageClient("rlvrd-test", "1")
    await client.start_io(RLVRCTL, "--url", URL, "--token-file", TOKEN_FILE, "lsp")
    init = await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri="file:///project"))
    check(init.capabilities.inline_completion_provider is not None, f"inline completion capability: {init.capabilities}")
    check(init.capabilities.text_document_sync.change == t.TextDocumentSyncKind.Incremental, "incremental sync")
    client.initialized(t.InitializedParams())

    main_uri, util_uri = "file:///project/main.py", "file:///project/util.py"
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(uri=util_uri, language_id="python", version=1, text="LIMIT = 3\n")))
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=main_uri, language_id="python", version=1, text="def add(a, b):\n    \n\nprint(add(1, 2))\n")))
    result = await client.text_document_inline_completion_async(inline(main_uri, 1, 4))
    check(result is not None and len(result.items) == 1, f"one item: {result}")
    item = result.items[0]
    check(isinstance(item.insert_text, str) and item.range.start == t.Position(line=1, character=4), f"item: {item}")

    # Incremental edit (the user types "ret" at the cursor), then complete after it.
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=main_uri, version=2),
        content_changes=[t.TextDocumentContentChangeEvent_Type1(range=t.Range(start=t.Position(line=1, character=4), end=t.Position(line=1, character=4)), text="ret")]))
    again = await client.text_document_inline_completion_async(inline(main_uri, 1, 7))
    check(again is not None and again.items[0].range.start.character == 7, f"after the edit: {again}")

    # $/cancelRequest: the request ends with RequestCancelled.
    fut = client.protocol.send_request("textDocument/inlineCompletion", inline(main_uri, 1, 7), msg_id="to-cancel")
    client.protocol.notify("$/cancelRequest", t.CancelParams(id="to-cancel"))
    try:
        await asyncio.wait_for(asyncio.wrap_future(fut), 60)
        check(False, "a cancelled request must not answer normally")
    except Exception as e:  # pygls raises JsonRpcRequestCancelled (code -32800)
        check("-32800" in repr(e) or "cancel" in repr(e).lower(), f"cancelled: {e!r}")

    # A newer request for the same document supersedes the older one.
    first = client.protocol.send_request("textDocument/inlineCompletion", inline(main_uri, 1, 7), msg_id="older")
    newer = await client.text_document_inline_completion_async(inline(main_uri, 1, 7))
    check(newer is not None and len(newer.items) == 1, f"newer: {newer}")
    try:
        await asyncio.wait_for(asyncio.wrap_future(first), 60)
        check(False, "the superseded request must not answer normally")
    except Exception as e:
        check("-32800" in repr(e) or "supersed" in repr(e).lower() or "cancel" in repr(e).lower(), f"superseded: {e!r}")

    # The engine is free again: a plain request still answers.
    last = await client.text_document_inline_completion_async(inline(main_uri, 3, 0))
    check(last is not None, "a request after the cancellations answers")

    # A document that was never opened is a clear error, and the server keeps going.
    try:
        await client.text_document_inline_completion_async(inline("file:///project/nope.py", 0, 0))
        check(False, "unknown document must fail")
    except Exception as e:
        check("not open" in repr(e), f"unknown document: {e!r}")

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    print(json.dumps({"checks": common.checks}))


asyncio.run(main())
